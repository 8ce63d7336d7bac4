"""Lint the SQL that runs: sqlfluff's dbt templater against a small database dbt has built.

The templater compiles each model against a real DuckDB file, and what it compiles depends on
that file: the metric list is read from the seeds, and `is_incremental()` is true only when the
model's table exists. Against an empty file sqlfluff saw one placeholder metric and never an
incremental branch. So this builds a tiny warehouse (4 accounts x 40 days) twice over:

- `first_build.duckdb`: seeds loaded, no models -- the SQL of a first (full) build;
- `incremental.duckdb`: seeds and every model built -- the SQL of an incremental run;

and lints the given paths against each, in parallel (one process per core).

    python -m chw.lintsql [paths...]        # default: models tests; exit 1 on violations
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

from chw.errors import ChwError, ExitCode
from chw.generate import generate
from chw.settings import PROJECT_DIR

DEFAULT_PATHS = ("models", "tests")
# database file -> what its compiled SQL is
PASSES = {
    "first_build": "a first build (seeds loaded, no model built)",
    "incremental": "an incremental run (every model built)",
}
LINT_END_DATE = date(2026, 6, 30)


def _env(work_dir: Path, database: str) -> dict[str, str]:
    return {
        **os.environ,
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "DO_NOT_TRACK": "1",
        "CHW_TARGET": "duckdb",
        "CHW_RAW_PATH": str(work_dir / "raw"),
        "CHW_DUCKDB_PATH": str(work_dir / f"{database}.duckdb"),
        "CHW_DUCKDB_TEMP_DIR": str(work_dir / "tmp"),
    }


def _dbt(command: str, work_dir: Path, database: str) -> None:
    dbt = Path(sys.executable).with_name("dbt")
    args = [str(dbt), "--quiet", "--no-use-colors", command, "--project-dir", str(PROJECT_DIR)]
    args += ["--target-path", str(work_dir / "target"), "--log-path", str(work_dir / "logs")]
    result = subprocess.run(
        args, env=_env(work_dir, database), cwd=PROJECT_DIR, capture_output=True, text=True
    )
    if result.returncode != 0:
        detail = (result.stdout + result.stderr)[-3000:]
        raise ChwError(f"dbt {command} for the lint database failed:\n{detail}", ExitCode.BUILD)


def build_lint_databases(work_dir: Path) -> None:
    """Generate the tiny raw data, `dbt seed` (first build) and `dbt run` (incremental)."""
    shutil.rmtree(work_dir, ignore_errors=True)
    (work_dir / "tmp").mkdir(parents=True)
    generate(work_dir / "raw", accounts=4, days=40, seed=1, end_date=LINT_END_DATE)
    _dbt("seed", work_dir, "first_build")
    shutil.copy2(work_dir / "first_build.duckdb", work_dir / "incremental.duckdb")
    _dbt("run", work_dir, "incremental")


def lint(paths: list[str], work_dir: Path) -> int:
    """sqlfluff against each database in parallel; print both reports; 0 when both are clean."""
    sqlfluff = str(Path(sys.executable).with_name("sqlfluff"))
    running = {
        name: subprocess.Popen(
            [sqlfluff, "lint", *paths, "--processes", "1", "--nocolor"],
            env=_env(work_dir, name),
            cwd=PROJECT_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for name in PASSES
    }
    status = 0
    for name, process in running.items():
        output, _ = process.communicate()
        print(f"== sqlfluff, SQL as compiled for {PASSES[name]}:")
        print(output.rstrip())
        status = max(status, process.returncode)
    return status


def main(argv: list[str]) -> int:
    work_dir = Path(os.environ.get("CHW_LINT_DIR", PROJECT_DIR / "warehouse" / "lint"))
    try:
        build_lint_databases(work_dir.resolve())
    except ChwError as error:
        print(f"error: {error}", file=sys.stderr)
        return int(error.code)
    return lint(argv or list(DEFAULT_PATHS), work_dir.resolve())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
