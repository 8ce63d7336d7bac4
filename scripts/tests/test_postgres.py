"""The same project on PostgreSQL: a real local server, the same scores as DuckDB (SPEC §9).

Starts a private PostgreSQL on 127.0.0.1 (installs it with apt when missing), loads a small
generated dataset into schema raw, runs `dbt build` on PostgreSQL and on DuckDB from the same
Parquet files, and compares marts.fct_account_health_daily.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import assert_engines_agree

from chw.load import load_raw, postgres_connection_params
from chw.pgserver import HOST, local_postgres
from chw.portability import (
    compare_scores,
    dbt_build,
    dbt_env,
    scores_duckdb,
    scores_postgres,
)

pytestmark = pytest.mark.postgres


def test_postgres_scores_match_duckdb(
    portability_raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = portability_raw
    duckdb_dir, postgres_dir = tmp_path / "duckdb", tmp_path / "postgres"
    duckdb_seconds = dbt_build("duckdb", dbt_env(raw, duckdb_dir), duckdb_dir)
    reference = scores_duckdb(duckdb_dir / "build.duckdb")

    with local_postgres() as pg_env:
        assert pg_env["CHW_PG_HOST"] == HOST
        for name, value in pg_env.items():
            monkeypatch.setenv(name, value)
        loaded = load_raw(raw, "postgres")
        assert loaded["product_events"] > 0
        postgres_seconds = dbt_build("postgres", dbt_env(raw, postgres_dir, pg_env), postgres_dir)
        scores = scores_postgres(postgres_connection_params())

    result = compare_scores(reference, scores)
    assert_engines_agree(
        result, "postgres", {"duckdb": duckdb_seconds, "postgres": postgres_seconds}
    )
