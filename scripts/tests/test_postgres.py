"""The same project on PostgreSQL: a real local server, the same scores as DuckDB (SPEC §9).

Starts a private PostgreSQL on 127.0.0.1 (installs it with apt when missing), loads a small
generated dataset into schema raw, runs `dbt build` on PostgreSQL and on DuckDB from the same
Parquet files, and compares marts.fct_account_health_daily.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from chw.generate import generate
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

# Metric values and scores are rounded to 1e-9 (macro round_float_noise), so equal values stay
# equal on both engines; a value halfway between two 1e-9 steps may round to either one.
TOLERANCE = 1e-6


@pytest.fixture(scope="module")
def raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw_dir = tmp_path_factory.mktemp("portability") / "raw"
    generate(raw_dir, accounts=60, days=200, seed=7, end_date=date(2026, 6, 30))
    return raw_dir


def test_postgres_scores_match_duckdb(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
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
    print(
        f"\nscores compared: {result.rows:,} account-days; largest |score diff| "
        f"{result.max_score_diff:.3g} at {result.worst_key}; dbt build seconds: "
        f"duckdb {duckdb_seconds:.1f}, postgres {postgres_seconds:.1f}"
    )
    assert result.rows > 0
    assert not result.missing and not result.extra, (result.missing[:5], result.extra[:5])
    assert not result.null_mismatches, result.null_mismatches[:5]
    assert not result.band_mismatches, result.band_mismatches[:5]
    assert result.max_score_diff <= TOLERANCE
