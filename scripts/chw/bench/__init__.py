"""Benchmark at scale (`chw bench`), at 10,000 accounts and two history lengths, 365 and 730
days. For each: the floor (one DuckDB scan-and-aggregate of the raw events), a full dbt run,
then incremental runs, each after one more day of raw data lands. The first pays one-off
storage costs of following a full build (its rows are scattered across row groups); the later
ones are steady days. At 365 days also: dbt's start-up (a run that selects nothing), a
re-score after a seed change (a metric weight moved, in a copy of the project), the
drill-down query BI runs on the long metric fact, and the dashboard. Each step runs in its
own process so its wall time and peak memory (max RSS) are measured separately; a dbt step
also records dbt's own time running the models and the slowest of them. Ratios are taken
within one run, so they hold across machines."""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import asdict, replace
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
from rich.console import Console

from chw.bench.cache import BENCH_ACCOUNTS, land, prepare_cache
from chw.bench.drilldown import measure_drilldown
from chw.bench.report import STARTUP, print_report, ratios
from chw.bench.rescore import measure_rescore
from chw.bench.steps import DbtRunner, Measure, model_times, run_step
from chw.settings import PROJECT_DIR
from chw.sqlquote import literal

if TYPE_CHECKING:
    from chw.bench.dashboard import DashboardMeasure

__all__ = [
    "BENCH_ACCOUNTS",
    "DbtRunner",
    "Measure",
    "model_times",
    "run_bench",
    "run_step",
]

HISTORIES = (365, 730)
FLOOR_SQL = (
    "select account_id, cast(occurred_at as date) as day, count(*) as events "
    "from read_parquet({path}) group by all"
)


def _floor(runner: DbtRunner) -> Measure:
    """One scan and aggregation of the raw events: what any build must at least do."""
    sql = FLOOR_SQL.format(path=literal(runner.work / "raw" / "product_events.parquet"))
    code = (
        "import duckdb; con = duckdb.connect(config={'threads': 2, 'memory_limit': '8GB'}); "
        f"con.execute({sql!r}).fetchall()"
    )
    return run_step("floor", [sys.executable, "-c", code], runner.env)


def measure_history(console: Console, cache: Path, days: int) -> list[Measure]:
    """Floor, full build and one incremental run per new day, on `days` of history."""
    # in a fresh process: a child forked later starts from this process's RSS, so memory
    # kept after generating would count in every measured step's peak
    with get_context("spawn").Pool(1) as pool:
        first, *new_days = pool.apply(prepare_cache, (cache, days))
    runner = DbtRunner(cache / "run")
    land(first, runner.work / "raw")
    (runner.work / "build.duckdb").unlink(missing_ok=True)
    console.print(f"[{days} days] floor: one scan + aggregate of the raw events …")
    steps = [_floor(runner)]
    console.print(f"[{days} days] full dbt run (seeds first) …")
    runner.seed()
    steps.append(runner.run("full", "--full-refresh"))
    for number, day in enumerate(new_days, start=1):
        console.print(f"[{days} days] day {number} of raw data lands; incremental dbt run …")
        land(day, runner.work / "raw")
        steps.append(runner.run(f"incremental day {number}"))
    if days == HISTORIES[0]:
        # what any dbt run pays before a model starts: import, parse check, manifest
        console.print(f"[{days} days] dbt start-up: a run that selects nothing …")
        steps.append(runner.run(STARTUP, "--select", "tag:selects-nothing"))
        console.print(f"[{days} days] re-score: a metric weight changes (a project copy) …")
        rescored, change = measure_rescore(runner)
        steps.append(replace(rescored, step=f"re-score ({change})"))
    return steps


def measure_dashboard(console: Console, cache: Path) -> DashboardMeasure | str:
    """Last, so its reads do not change what the incremental days find in the page cache. A
    failure is reported with the other figures, not instead of them."""
    # imported here: `python -m chw.bench.dashboard` runs the step alone
    from chw.bench.dashboard import bench_dashboard

    console.print("dashboard: publish the 365-day build, then chw dashboard …")
    runner = DbtRunner(cache / "run")
    try:
        return bench_dashboard(runner.work / "build.duckdb", runner.work / "dashboard", runner.env)
    except RuntimeError as error:
        return f"the dashboard step failed: {error}"


def run_bench(console: Console, cache: Path | None = None) -> dict[str, object]:
    cache = cache or PROJECT_DIR / ".cache" / "bench"
    histories: dict[str, object] = {}
    measured: dict[int, list[Measure]] = {}
    dashboard: DashboardMeasure | str | None = None
    drilldown: dict[str, object] | None = None
    for days in HISTORIES:
        measured[days] = measure_history(console, cache / f"d{days}", days)
        run = cache / f"d{days}" / "run"
        if days == HISTORIES[0]:
            drilldown = measure_drilldown(run / "build.duckdb")
            dashboard = measure_dashboard(console, cache / f"d{days}")
        events = literal(run / "raw" / "product_events.parquet")
        histories[str(days)] = {
            "events": duckdb.sql(f"select count(*) from read_parquet({events})").fetchall()[0][0],
            "steps": [asdict(m) for m in measured[days]],
        }
        # the build files are many GB and rebuilt by the next bench: free the disk
        for built in (run / "build.duckdb", run / "dashboard"):
            shutil.rmtree(built) if built.is_dir() else built.unlink(missing_ok=True)
    result: dict[str, object] = {
        "accounts": BENCH_ACCOUNTS,
        "cores": os.cpu_count(),
        "histories": histories,
        **ratios(measured),
        "dashboard": dashboard if isinstance(dashboard, str) else dashboard and asdict(dashboard),
        "drilldown": drilldown,
    }
    out = PROJECT_DIR / "output" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.json").write_text(json.dumps(result, indent=2))
    print_report(console, measured, result, out / "bench.json")
    if dashboard:
        console.print(dashboard if isinstance(dashboard, str) else dashboard.summary())
    if drilldown:
        console.print(
            f"drill-down (one account, one quarter of fct_account_metric_daily): median "
            f"{drilldown['median_seconds']} s"
        )
    return result
