"""Build the project on another engine and compare its health scores with DuckDB's (SPEC §9).

The PostgreSQL test (`make test`) and the Spark check (`make test-spark`) both run the same
steps: load the raw data, `dbt build` on each engine from the same Parquet files, then compare
marts.fct_account_health_daily key by key.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq

from chw.errors import ChwError, ExitCode
from chw.settings import PROJECT_DIR

SCORE_TABLE = "marts.fct_account_health_daily"
SCORE_COLUMNS = ("account_id", "score_date", "computed_score", "published_band")
SCORE_QUERY = f"select {', '.join(SCORE_COLUMNS)} from {SCORE_TABLE}"
# A development target on PostgreSQL builds the marts in `<target schema>_marts`
# (macros/generate_schema_name.sql); `prod`, DuckDB and local Spark in `marts`.
MARTS_SCHEMA = SCORE_TABLE.split(".")[0]

Key = tuple[str, str]
Scores = dict[Key, tuple[float | None, str | None]]


def dbt_env(raw_dir: Path, work_dir: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for a dbt run that reads `raw_dir` and writes only under `work_dir`."""
    (work_dir / "tmp").mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "DO_NOT_TRACK": "1",
        "CHW_RAW_PATH": str(raw_dir),
        "CHW_DUCKDB_PATH": str(work_dir / "build.duckdb"),
        "CHW_DUCKDB_TEMP_DIR": str(work_dir / "tmp"),
        **(extra or {}),
    }


def run_module(module: str, args: list[str], env: dict[str, str], cwd: Path) -> None:
    """`python -m module args` in a fresh interpreter of this venv (Spark's JVM stays out)."""
    command = [sys.executable, "-m", module, *args]
    result = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        raise ChwError(f"python -m {module} failed:\n{result.stderr[-3000:]}", ExitCode.BUILD)


def _failures(dbt_stdout: str) -> str:
    """The 'Failure in ...' / 'Error in ...' lines of a dbt run, each with its next line."""
    lines = dbt_stdout.splitlines()
    picked = [
        f"{line.strip()} {lines[index + 1].strip() if index + 1 < len(lines) else ''}"
        for index, line in enumerate(lines)
        if "Failure in " in line or "Error in " in line
    ]
    return "\n".join(picked[:20])


def dbt_build(
    target: str,
    env: dict[str, str],
    work_dir: Path,
    command: str = "build",
    extra_args: tuple[str, ...] = (),
) -> float:
    """`dbt <command> --target <target> [extra_args]` in a subprocess (cwd: work_dir); return
    its seconds."""
    dbt = Path(sys.executable).with_name("dbt")
    args = [str(dbt), "--no-use-colors", command, "--target", target, *extra_args]
    args += ["--project-dir", str(PROJECT_DIR)]
    args += ["--target-path", str(work_dir / f"target-{target}")]
    args += ["--log-path", str(work_dir / "logs")]
    started = time.monotonic()
    result = subprocess.run(args, env=env, cwd=work_dir, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if result.returncode != 0:
        detail = _failures(result.stdout) or result.stdout[-3000:] + result.stderr[-3000:]
        raise ChwError(f"dbt {command} on {target} failed:\n{detail}", ExitCode.BUILD)
    return seconds


def _score_row(account_id: str, score_date: object, score: object, band: object) -> tuple:
    day = score_date.isoformat() if isinstance(score_date, date) else str(score_date)
    value = None if score is None else float(score)  # type: ignore[arg-type]
    return (str(account_id), day), (value, None if band is None else str(band))


def scores_duckdb(database: Path) -> Scores:
    import duckdb

    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.sql(SCORE_QUERY).fetchall()
    return dict(_score_row(*row) for row in rows)


def scores_postgres(params: dict[str, str | int], schema: str = MARTS_SCHEMA) -> Scores:
    """The scores in `<schema>.fct_account_health_daily` on PostgreSQL."""
    import psycopg2

    query = SCORE_QUERY.replace(f" from {MARTS_SCHEMA}.", f" from {schema}.")

    connection = psycopg2.connect(**params)
    try:
        with connection.cursor() as cursor:
            cursor.execute(query)
            rows = cursor.fetchall()
    finally:
        connection.close()
    return dict(_score_row(*row) for row in rows)


def scores_spark_warehouse(warehouse_dir: Path) -> Scores:
    """Read the Spark table's Parquet files directly (no JVM needed)."""
    schema, table = SCORE_TABLE.split(".")
    arrow = pq.read_table(warehouse_dir / f"{schema}.db" / table, columns=list(SCORE_COLUMNS))
    return dict(_score_row(*row.values()) for row in arrow.to_pylist())


@dataclass(frozen=True)
class Comparison:
    """How far another engine's scores are from DuckDB's."""

    rows: int
    missing: list[Key]  # in DuckDB, not in the other engine
    extra: list[Key]  # in the other engine, not in DuckDB
    max_score_diff: float
    worst_key: Key | None
    null_mismatches: list[Key]
    band_mismatches: list[Key]

    def ok(self, tolerance: float) -> bool:
        return (
            not self.missing
            and not self.extra
            and not self.null_mismatches
            and not self.band_mismatches
            and self.max_score_diff <= tolerance
        )


def compare_scores(reference: Scores, other: Scores) -> Comparison:
    """Key-by-key comparison of computed_score and published_band."""
    common = reference.keys() & other.keys()
    worst: tuple[float, Key | None] = (0.0, None)
    null_mismatches, band_mismatches = [], []
    for key in sorted(common):
        (score_a, band_a), (score_b, band_b) = reference[key], other[key]
        if band_a != band_b:
            band_mismatches.append(key)
        if (score_a is None) != (score_b is None):
            null_mismatches.append(key)
        elif score_a is not None and score_b is not None:
            diff = abs(score_a - score_b)
            if math.isnan(diff) or diff > worst[0]:
                worst = (math.inf if math.isnan(diff) else diff, key)
    return Comparison(
        rows=len(common),
        missing=sorted(reference.keys() - other.keys()),
        extra=sorted(other.keys() - reference.keys()),
        max_score_diff=worst[0],
        worst_key=worst[1],
        null_mismatches=null_mismatches,
        band_mismatches=band_mismatches,
    )
