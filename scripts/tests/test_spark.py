"""The same project on Spark (dbt-spark session mode, local PySpark): same scores as DuckDB.

Not part of `make test`: it needs requirements-spark.txt (PySpark, a JVM) and takes minutes.
Run it with `make test-spark` (= `pytest -m spark scripts/tests/test_spark.py`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from chw.generate import generate
from chw.portability import (
    compare_scores,
    dbt_build,
    dbt_env,
    run_module,
    scores_duckdb,
    scores_spark_warehouse,
)

pytestmark = pytest.mark.spark

TOLERANCE = 1e-6


@pytest.fixture(scope="module")
def raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw_dir = tmp_path_factory.mktemp("portability") / "raw"
    generate(raw_dir, accounts=60, days=200, seed=7, end_date=date(2026, 6, 30))
    return raw_dir


def test_spark_scores_match_duckdb(raw: Path, tmp_path: Path) -> None:
    pytest.importorskip("pyspark", reason="pip install -r requirements-spark.txt")
    pytest.importorskip("dbt.adapters.spark", reason="pip install -r requirements-spark.txt")
    duckdb_dir, spark_dir = tmp_path / "duckdb", tmp_path / "spark"
    duckdb_seconds = dbt_build("duckdb", dbt_env(raw, duckdb_dir), duckdb_dir)
    reference = scores_duckdb(duckdb_dir / "build.duckdb")

    # The loader and dbt run in spark_dir: both find the same Derby metastore (metastore_db/)
    # and managed tables (spark-warehouse/) there, one process after the other.
    env = dbt_env(raw, spark_dir)
    run_module("chw.load", ["spark", str(raw)], env, spark_dir)
    spark_seconds = dbt_build("spark", env, spark_dir)
    scores = scores_spark_warehouse(spark_dir / "spark-warehouse")

    result = compare_scores(reference, scores)
    print(
        f"\nscores compared: {result.rows:,} account-days; largest |score diff| "
        f"{result.max_score_diff:.3g} at {result.worst_key}; dbt build seconds: "
        f"duckdb {duckdb_seconds:.1f}, spark {spark_seconds:.1f}"
    )
    assert result.rows > 0
    assert not result.missing and not result.extra, (result.missing[:5], result.extra[:5])
    assert not result.null_mismatches, result.null_mismatches[:5]
    assert not result.band_mismatches, result.band_mismatches[:5]
    assert result.max_score_diff <= TOLERANCE
