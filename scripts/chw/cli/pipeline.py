"""The commands of the pipeline: generate, run, validate, publish, report, dashboard."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from chw import logs
from chw.cli.shell import app, console, friendly, step
from chw.errors import ChwError, ExitCode
from chw.scenarios import ScenarioName
from chw.settings import Paths, default_paths


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
            help="profiles.yml output. Other than duckdb, the run is the dbt build alone."
        ),
    ] = "duckdb",
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show library logs and warnings.")
    ] = False,
) -> None:
    """The whole pipeline: validate raw (GX) → dbt build → validate marts (GX) → publication
    audit → publish → data-quality report. A failing check stops it before publish: BI keeps
    the last good marts. The progress line counts dbt nodes done out of the total."""
    if verbose:  # `chw run --verbose`, as `chw --verbose run`
        logs.set_verbose(True)
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
