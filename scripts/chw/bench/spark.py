"""The scale-out evidence (`chw bench-spark`): the same project built on DuckDB and on local
Spark (dbt-spark's session method) from the same raw data, 1,000 accounts x 180 days by
default. Each step runs in its own process, timed and with its peak memory, as `chw bench`
measures them. Then every mart table is compared row by row (chw.mart_compare): the run
fails unless the two engines' marts are equal.

Spark reads tables, not files: its first step loads the raw Parquet files (chw.load), which
DuckDB does not need. Spark's metastore and managed tables live in the folder its steps run
in, so the loader and dbt find the same catalog one process after the other."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from dataclasses import asdict
from datetime import date
from multiprocessing import get_context
from pathlib import Path

import duckdb
from rich.console import Console
from rich.table import Table

from chw.bench import Measure, run_step
from chw.bench.cache import generated_once
from chw.errors import ChwError, ExitCode
from chw.mart_compare import TOLERANCE, TableDiff, compare_marts, unique_keys
from chw.portability import dbt_env
from chw.settings import PROJECT_DIR
from chw.sqlquote import literal

ACCOUNTS = 1_000
DAYS = 180
# Spark's default 200 shuffle partitions suit a cluster; on 2 local cores they are mostly
# scheduling overhead (docs/portability.md)
SHUFFLE_PARTITIONS = "4"
TIMESTAMPED = re.compile(r"\d\d:\d\d:\d\d\.\d+ \[")  # a new line of dbt.log


def _dbt(command: str, target: str, work: Path) -> list[str]:
    dbt = str(Path(sys.executable).with_name("dbt"))
    return [
        *(dbt, "--no-use-colors", command, "--target", target),
        *("--project-dir", str(PROJECT_DIR), "--target-path", str(work / "target")),
        *("--log-path", str(work / "logs"), "--quiet"),
    ]


def _last_error(log: Path) -> str:
    """The last error dbt logged with the lines that follow it (its message), on one line."""
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    starts = [index for index, line in enumerate(lines) if "[error]" in line]
    if not starts:
        return ""
    message = [lines[starts[-1]].split("]: ", 1)[-1]]
    for line in lines[starts[-1] + 1 :]:
        if TIMESTAMPED.match(line):
            break
        message.append(line)
    return " ".join(" ".join(message).split())[:400]


def _step(step: str, command: list[str], env: dict[str, str], work: Path) -> Measure:
    """One measured child process in `work`; a failure names the step and where to look."""
    try:
        # through chw.reaper: Spark's JVM outlives dbt, and its memory must count too
        return run_step(step, [sys.executable, "-m", "chw.reaper", *command], env, cwd=work)
    except RuntimeError as error:
        log = work / "logs" / "dbt.log"
        detail = _last_error(log) or str(error).strip().replace("\n", " ")[-300:]
        raise ChwError(f"{step} failed: {detail} (log: {log})", ExitCode.BUILD) from None


def _fresh(work: Path) -> Path:
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    return work


def build_duckdb(raw: Path, work: Path) -> list[Measure]:
    """dbt seed, then a full dbt run, into `work/build.duckdb`."""
    env = dbt_env(raw, _fresh(work))
    return [
        _step("duckdb: dbt seed", _dbt("seed", "duckdb", work), env, work),
        _step("duckdb: dbt run", _dbt("run", "duckdb", work), env, work),
    ]


def build_spark(raw: Path, work: Path) -> list[Measure]:
    """Load the raw tables, dbt seed, then dbt run, in a fresh local Spark catalog in `work`."""
    env = dbt_env(raw, _fresh(work), {"CHW_SPARK_SHUFFLE_PARTITIONS": SHUFFLE_PARTITIONS})
    load = [sys.executable, "-m", "chw.load", "spark", str(raw)]
    return [
        _step("spark: load raw tables", load, env, work),
        _step("spark: dbt seed", _dbt("seed", "spark", work), env, work),
        _step("spark: dbt run", _dbt("run", "spark", work), env, work),
    ]


def build_seconds(steps: list[Measure], engine: str) -> float:
    """An engine's dbt seed + run (Spark's load is extra: DuckDB reads the files in place)."""
    return sum(m.seconds for m in steps if m.step.startswith(f"{engine}: dbt"))


def steps_table(steps: list[Measure], title: str) -> Table:
    table = Table("step", "seconds", "peak MB", title=title)
    for m in steps:
        table.add_row(m.step, f"{m.seconds:,.1f}", f"{m.peak_rss_mb:,.0f}")
    return table


def verdict_table(diffs: list[TableDiff]) -> tuple[Table, bool]:
    """Each mart with its rows on both engines and what differs; and whether all are equal."""
    table = Table(title="marts, Spark vs DuckDB")
    table.add_column("mart", no_wrap=True)  # whole names: the verdict column folds instead
    table.add_column("DuckDB rows", justify="right")
    table.add_column("Spark rows", justify="right")
    table.add_column("verdict", overflow="fold")
    for diff in diffs:
        other = "-" if diff.other_rows is None else f"{diff.other_rows:,}"
        verdict = diff.describe()
        shown = "equal" if diff.equal else f"[red]{verdict}[/red]"
        table.add_row(diff.table, f"{diff.reference_rows:,}", other, shown)
    return table, bool(diffs) and all(diff.equal for diff in diffs)


def _require_spark() -> None:
    try:
        import dbt.adapters.spark  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError:
        raise ChwError(
            "dbt-spark and PySpark are missing: pip install -r requirements-spark.txt "
            "(make bench-spark does)",
            ExitCode.USAGE,
        ) from None
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise ChwError("local Spark needs Java 17 (java on PATH or JAVA_HOME)", ExitCode.USAGE)


def _events(raw: Path) -> int:
    query = f"select count(*) from read_parquet({literal(raw / 'product_events.parquet')})"
    return int(duckdb.sql(query).fetchall()[0][0])


def run_bench_spark(
    console: Console, accounts: int = ACCOUNTS, days: int = DAYS, cache: Path | None = None
) -> dict[str, object]:
    """Build on both engines, compare the marts, print and write output/bench/bench_spark.json.
    Raises ChwError (exit 1) when the marts differ."""
    _require_spark()
    cache = cache or PROJECT_DIR / ".cache" / "bench-spark"
    console.print(f"raw data: {accounts:,} accounts x {days} days (cached in {cache}) …")
    # generated in a fresh process, so its memory does not count in the measured steps
    with get_context("spawn").Pool(1) as pool:
        sized = cache / f"{accounts}x{days}"
        pool.apply(generated_once, (sized / "raw", sized / "params.json", accounts, days))
        raw = sized / "raw"
    console.print("DuckDB: dbt seed, dbt run …")
    steps = build_duckdb(raw, cache / "run" / "duckdb")
    console.print("Spark: load raw tables, dbt seed, dbt run (slow: a JVM per step) …")
    steps += build_spark(raw, cache / "run" / "spark")
    console.print("comparing every mart …")
    keys = unique_keys(cache / "run" / "duckdb" / "target" / "manifest.json")
    diffs = compare_marts(
        cache / "run" / "duckdb" / "build.duckdb", cache / "run" / "spark" / "spark-warehouse", keys
    )
    return report(
        console, steps, diffs, {"accounts": accounts, "days": days, "events": _events(raw)}
    )


def report(
    console: Console, steps: list[Measure], diffs: list[TableDiff], scale: dict[str, int]
) -> dict[str, object]:
    """Print the steps, the ratio and the verdict; write bench_spark.json; fail if unequal."""
    duckdb_s, spark_s = build_seconds(steps, "duckdb"), build_seconds(steps, "spark")
    title = f"{scale['accounts']:,} accounts x {scale['days']} days, {os.cpu_count()} cores"
    console.print(steps_table(steps, title))
    table, equal = verdict_table(diffs)
    console.print(table)
    result: dict[str, object] = {
        **scale,
        "cores": os.cpu_count(),
        "date": date.today().isoformat(),
        "steps": [asdict(m) for m in steps],
        "duckdb_build_seconds": round(duckdb_s, 2),
        "spark_build_seconds": round(spark_s, 2),
        "spark_over_duckdb": round(spark_s / duckdb_s, 2) if duckdb_s else None,
        "tolerance": TOLERANCE,
        "marts_equal": equal,
        "marts": [{**asdict(diff), "equal": diff.equal} for diff in diffs],
    }
    out = PROJECT_DIR / "output" / "bench" / "bench_spark.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, default=str))
    console.print(
        f"dbt seed + run: Spark {spark_s:,.1f} s, DuckDB {duckdb_s:,.1f} s: Spark / DuckDB = "
        f"{result['spark_over_duckdb']}x; marts "
        + ("[green]equal[/green]" if equal else "[red]DIFFER[/red]")
        + f" ({len(diffs)} tables, numbers within {TOLERANCE:g} relative); written to {out}"
    )
    if not equal:
        differing = ", ".join(d.table for d in diffs if not d.equal) or "no marts in DuckDB"
        raise ChwError(f"Spark's marts differ from DuckDB's: {differing}", ExitCode.QUALITY_GATE)
    return result
