"""The same project on Spark (dbt-spark session mode, local PySpark): same scores as DuckDB.

Not part of `make test`: it needs requirements-spark.txt (PySpark, a JVM) and takes minutes.
Run it with `make test-spark` (= `pytest -m spark scripts/tests/test_spark.py`).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import assert_engines_agree

from chw.portability import (
    compare_scores,
    dbt_build,
    dbt_env,
    run_module,
    scores_duckdb,
    scores_spark_warehouse,
)

pytestmark = pytest.mark.spark


def test_spark_scores_match_duckdb(portability_raw: Path, tmp_path: Path) -> None:
    pytest.importorskip("pyspark", reason="pip install -r requirements-spark.txt")
    pytest.importorskip("dbt.adapters.spark", reason="pip install -r requirements-spark.txt")
    raw = portability_raw
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
    assert_engines_agree(result, "spark", {"duckdb": duckdb_seconds, "spark": spark_seconds})
