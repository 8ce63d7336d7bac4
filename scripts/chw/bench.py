"""Benchmark at scale: the floor (one DuckDB scan-and-aggregate of the raw events), a full
dbt run, then three incremental runs, each after one more day of raw data lands. The first
usually pays one-off storage costs of following a full build: the full build wrote each day's
rows scattered across its row groups, so deleting the recent days touches them all, and
DuckDB writes more at the close. The next two are steady daily runs. Last, a dbt run that
selects nothing: the start-up every run pays before its first model. Each step runs in its
own process so its wall time and peak memory (max RSS) are measured separately. A dbt step
also records dbt's own time running the models; the rest of its wall time is start-up, and
DuckDB writing the file at close. It records each model's time too."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import duckdb
from rich.console import Console
from rich.table import Table

from chw.bench_drilldown import measure_drilldown
from chw.bench_rescore import measure_rescore
from chw.generate import RAW_TABLES, generate
from chw.landing import STREAMS, landed_before
from chw.settings import PROJECT_DIR
from chw.sqlquote import literal

BENCH_ACCOUNTS = 10_000
BENCH_DAYS = 365
BENCH_END = date(2026, 6, 30)  # fixed, so the cache is reusable and figures comparable
NEW_DAYS = 3  # incremental runs measured after the full build
STARTUP = "dbt start-up"
FLOOR_SQL = (
    "select account_id, cast(occurred_at as date) as day, count(*) as events "
    "from read_parquet({path}) group by all"
)


@dataclass
class Measure:
    step: str
    seconds: float
    peak_rss_mb: float
    models_seconds: float | None = None  # dbt's run of the models (run_results.json)
    summed_model_seconds: float | None = None  # over both threads: can exceed the wall time
    slowest_models: dict[str, float] | None = None  # where a dbt step's time went


def model_times(run_results: dict[str, Any]) -> dict[str, float]:
    """Each model's seconds in a dbt run (from its run_results.json), slowest first: the
    profile the bench prints for every incremental day."""
    timed = (
        (result["unique_id"].rsplit(".", 1)[-1], round(result["execution_time"], 2))
        for result in run_results["results"]
        if result["unique_id"].startswith("model.")
    )
    return dict(sorted(timed, key=lambda item: item[1], reverse=True))


def _run(step: str, command: list[str], env: dict[str, str]) -> Measure:
    """Run a child process; time it and read its own peak RSS from wait4."""
    started = time.monotonic()
    process = subprocess.Popen(
        command, env=env, cwd=PROJECT_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    if os.waitstatus_to_exitcode(status) != 0:
        error = process.stderr.read().decode(errors="replace")[-2000:] if process.stderr else ""
        raise RuntimeError(f"{step} failed: {error}")
    return Measure(step, round(seconds, 2), round(usage.ru_maxrss / 1024, 1))


def prepare_cache(cache: Path) -> list[Path]:
    """Generate once into `all/`; derive `before-N/`, lacking the rows loaded on the last N
    days. Returns the raw folders oldest first: the full build's, then one per new day."""
    everything = cache / "all" / "raw"
    marker = cache / "params.json"
    params = {
        "accounts": BENCH_ACCOUNTS,
        "days": BENCH_DAYS,
        "end": BENCH_END.isoformat(),
        "streams": list(STREAMS),
    }
    if not (marker.exists() and json.loads(marker.read_text()) == params):
        scale = f"{BENCH_ACCOUNTS:,} accounts x {BENCH_DAYS} days"
        Console().print(f"generating {scale} into {cache} …")
        generate(everything, accounts=BENCH_ACCOUNTS, days=BENCH_DAYS, end_date=BENCH_END)
        for stale in cache.glob("before-*/raw/.complete"):
            stale.unlink()
        marker.write_text(json.dumps(params))
    folders = []
    for days_back in range(NEW_DAYS, 0, -1):
        before = cache / f"before-{days_back}" / "raw"
        if not (before / ".complete").exists():
            landed_before(everything, before, BENCH_END - timedelta(days=days_back - 1))
            (before / ".complete").touch()
        folders.append(before)
    return [*folders, everything]


def _land(source: Path, raw: Path) -> None:
    """Swap a day's raw files into the folder the build reads (hard links: no copying)."""
    for table in RAW_TABLES:
        staged = raw / f".{table}.parquet"
        staged.unlink(missing_ok=True)
        os.link(source / f"{table}.parquet", staged)
        staged.replace(raw / f"{table}.parquet")


def run_bench(console: Console, cache: Path | None = None) -> dict[str, object]:
    cache = cache or PROJECT_DIR / ".cache" / "bench"
    # in a fresh process: a child forked later starts from this process's RSS, so memory
    # kept after generating would count in every measured step's peak
    with get_context("spawn").Pool(1) as pool:
        first, *new_days = pool.apply(prepare_cache, (cache,))
    work = cache / "run"
    raw = work / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    _land(first, raw)
    db = work / "build.duckdb"
    db.unlink(missing_ok=True)
    env = dict(os.environ)
    env.update(
        CHW_RAW_PATH=str(raw),
        CHW_DUCKDB_PATH=str(db),
        CHW_DUCKDB_TEMP_DIR=str(work / "tmp"),
        DBT_PROFILES_DIR=str(PROJECT_DIR),
    )
    dbt = [
        str(Path(sys.executable).with_name("dbt")),
        "run",
        "--target-path",
        str(work / "target"),
        "--log-path",
        str(work / "logs"),
        "--quiet",
    ]
    floor_sql = FLOOR_SQL.format(path=literal(raw / "product_events.parquet"))
    floor_code = (
        "import duckdb; con = duckdb.connect(config={'threads': 2, 'memory_limit': '8GB'}); "
        f"con.execute({floor_sql!r}).fetchall()"
    )

    def run_dbt(step: str, *args: str) -> Measure:
        measure = _run(step, [*dbt, *args], env)
        results = json.loads((work / "target" / "run_results.json").read_text())
        models = model_times(results)
        return replace(
            measure,
            models_seconds=round(results["elapsed_time"], 2),
            summed_model_seconds=round(sum(models.values()), 1),
            slowest_models=dict(list(models.items())[:5]),
        )

    steps: list[Measure] = []
    console.print("floor: one scan + aggregate of the raw events …")
    steps.append(_run("floor", [sys.executable, "-c", floor_code], env))
    console.print("full dbt run (seeds first) …")
    _run("seed", [*dbt[:1], "seed", *dbt[2:]], env)
    steps.append(run_dbt("full", "--full-refresh"))
    for number, day in enumerate(new_days, start=1):
        console.print(f"day {number} of raw data lands; incremental dbt run …")
        _land(day, raw)
        steps.append(run_dbt(f"incremental day {number}"))
    # what any dbt run pays before a model starts: import, parse check, manifest
    console.print("dbt start-up: a run that selects nothing …")
    steps.append(run_dbt(STARTUP, "--select", "tag:selects-nothing"))
    console.print("re-score: a metric weight changes (in a copy of the project) …")
    rescored, change = measure_rescore(
        work / "rescore-project",
        lambda extra: _run("re-score seed", [*dbt[:1], "seed", *dbt[2:], *extra], env),
        run_dbt,
    )
    steps.append(rescored)
    by_step = {m.step: m for m in steps}
    full = by_step["full"].seconds
    incremental = {
        m.step: round(m.seconds / full, 4) for m in steps if m.step.startswith("incremental")
    }
    result: dict[str, object] = {
        "accounts": BENCH_ACCOUNTS,
        "days": BENCH_DAYS,
        "cores": os.cpu_count(),
        "events": duckdb.sql(
            f"select count(*) from read_parquet({literal(raw / 'product_events.parquet')})"
        ).fetchall()[0][0],
        "steps": [asdict(m) for m in steps],
        "full_over_floor": round(full / by_step["floor"].seconds, 2),
        "incremental_over_full": incremental,
        "startup_over_full": round(by_step[STARTUP].seconds / full, 4),
        "peak_rss_mb": max(m.peak_rss_mb for m in steps),
        "rescore_over_floor": round(rescored.seconds / by_step["floor"].seconds, 2),
        "rescore_change": change,
        "drilldown": measure_drilldown(db),
    }
    out = PROJECT_DIR / "output" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.json").write_text(json.dumps(result, indent=2))
    table = Table(
        "step",
        "wall s",
        "models s",
        "other s",
        "peak MB",
        title=f"{BENCH_ACCOUNTS:,} accounts x {BENCH_DAYS} days, {os.cpu_count()} cores",
        caption="models: dbt's run of the models; other: start-up, and DuckDB writing at close",
    )
    for m in steps:
        models = "" if m.models_seconds is None else f"{m.models_seconds:,.1f}"
        rest = "" if m.models_seconds is None else f"{m.seconds - m.models_seconds:,.1f}"
        table.add_row(m.step, f"{m.seconds:,.1f}", models, rest, f"{m.peak_rss_mb:,.0f}")
    console.print(table)
    for m in steps:
        if m.step.startswith("incremental") and m.slowest_models:
            slowest = ", ".join(f"{name} {sec:.1f}" for name, sec in m.slowest_models.items())
            console.print(
                f"{m.step}: the models' times add up to {m.summed_model_seconds:.1f} s "
                f"(summed over the threads, so above the wall time); slowest: {slowest}"
            )
    console.print(
        f"re-score ({change}): {rescored.seconds:.1f} s = {result['rescore_over_floor']}x the "
        f"floor (target <= 5x); slowest: {rescored.slowest_models}; drill-down (one account, "
        f"one quarter): median {result['drilldown']['median_seconds']} s"  # type: ignore[index]
    )
    ratios = ", ".join(f"{step} {ratio:.1%}" for step, ratio in incremental.items())
    console.print(
        f"full / floor = {result['full_over_floor']}x (target <= 3x); "
        f"incremental / full = {ratios} (target <= 5%), of which dbt start-up "
        f"{result['startup_over_full']:.1%}; "
        f"peak memory {result['peak_rss_mb']:,.0f} MB (target <= 8,192 MB); "
        f"written to {out / 'bench.json'}"
    )
    return result
