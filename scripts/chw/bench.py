"""Benchmark at scale: the floor (one DuckDB scan-and-aggregate of the raw events), a full
dbt run, and an incremental run after one more day of raw data lands. Each step runs in its
own process so its wall time and peak memory (max RSS) are measured separately."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import duckdb
from rich.console import Console
from rich.table import Table

from chw.generate import RAW_TABLES, generate
from chw.settings import PROJECT_DIR

BENCH_ACCOUNTS = 10_000
BENCH_DAYS = 365
BENCH_END = date(2026, 6, 30)  # fixed, so the cache is reusable and figures comparable
# Append-only streams gain the new day's rows; the other tables are current-state extracts.
STREAMS = ("product_events", "web_visits", "content_interactions", "survey_responses")
FLOOR_SQL = (
    "select account_id, cast(occurred_at as date) as day, count(*) as events "
    "from read_parquet('{path}') group by all"
)


@dataclass
class Measure:
    step: str
    seconds: float
    peak_rss_mb: float


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


def prepare_cache(cache: Path, progress: Console) -> tuple[Path, Path]:
    """Generate once: `all/` has every day; `before/` lacks the rows loaded on the last day."""
    everything, before = cache / "all" / "raw", cache / "before" / "raw"
    marker = cache / "params.json"
    params = {
        "accounts": BENCH_ACCOUNTS,
        "days": BENCH_DAYS,
        "end": BENCH_END.isoformat(),
        "streams": list(STREAMS),
    }
    if marker.exists() and json.loads(marker.read_text()) == params:
        return everything, before
    progress.print(f"generating {BENCH_ACCOUNTS:,} accounts x {BENCH_DAYS} days into {cache} …")
    generate(everything, accounts=BENCH_ACCOUNTS, days=BENCH_DAYS, end_date=BENCH_END)
    before.mkdir(parents=True, exist_ok=True)
    cutoff = BENCH_END  # rows loaded before the last day's midnight
    con = duckdb.connect()
    for table in RAW_TABLES:
        landed = f"where _loaded_at < date '{cutoff}'" if table in STREAMS else ""
        con.execute(
            f"copy (select * from read_parquet('{everything / table}.parquet') {landed}) "
            f"to '{before / table}.parquet' (format parquet, compression zstd)"
        )
    con.close()
    marker.write_text(json.dumps(params))
    return everything, before


def run_bench(console: Console, cache: Path | None = None) -> dict[str, object]:
    cache = cache or PROJECT_DIR / ".cache" / "bench"
    everything, before = prepare_cache(cache, console)
    work = cache / "run"
    raw = work / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for table in RAW_TABLES:  # start from the day before: the raw folder the build reads
        target = raw / f"{table}.parquet"
        target.unlink(missing_ok=True)
        os.link(before / f"{table}.parquet", target)
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
    floor_code = (
        "import duckdb; con = duckdb.connect(config={'threads': 2, 'memory_limit': '8GB'}); "
        f"con.execute({FLOOR_SQL.format(path=raw / 'product_events.parquet')!r}).fetchall()"
    )
    steps: list[Measure] = []
    console.print("floor: one scan + aggregate of the raw events …")
    steps.append(_run("floor", [sys.executable, "-c", floor_code], env))
    console.print("full dbt run (seeds first) …")
    _run("seed", [*dbt[:1], "seed", *dbt[2:]], env)
    steps.append(_run("full", [*dbt, "--full-refresh"], env))
    console.print("one more day of raw data lands; incremental dbt run …")
    for table in RAW_TABLES:
        staged = raw / f".{table}.parquet"
        os.link(everything / f"{table}.parquet", staged)
        staged.replace(raw / f"{table}.parquet")
    steps.append(_run("incremental", dbt, env))
    by_step = {m.step: m for m in steps}
    result: dict[str, object] = {
        "accounts": BENCH_ACCOUNTS,
        "days": BENCH_DAYS,
        "cores": os.cpu_count(),
        "events": duckdb.sql(
            f"select count(*) from read_parquet('{raw / 'product_events.parquet'}')"
        ).fetchall()[0][0],
        "steps": [asdict(m) for m in steps],
        "full_over_floor": round(by_step["full"].seconds / by_step["floor"].seconds, 2),
        "incremental_over_full": round(by_step["incremental"].seconds / by_step["full"].seconds, 4),
    }
    out = PROJECT_DIR / "output" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.json").write_text(json.dumps(result, indent=2))
    table = Table(
        "step",
        "wall seconds",
        "peak memory (MB)",
        title=f"{BENCH_ACCOUNTS:,} accounts x {BENCH_DAYS} days, {os.cpu_count()} cores",
    )
    for m in steps:
        table.add_row(m.step, f"{m.seconds:,.1f}", f"{m.peak_rss_mb:,.0f}")
    console.print(table)
    console.print(
        f"full / floor = {result['full_over_floor']}x (target <= 3x); "
        f"incremental / full = {float(result['incremental_over_full']):.1%} (target <= 5%); "
        f"written to {out / 'bench.json'}"
    )
    return result
