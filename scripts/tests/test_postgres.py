"""The same project on PostgreSQL: a real local server, the same scores as DuckDB (SPEC §9).

Starts a private PostgreSQL on 127.0.0.1 (installs it with apt when missing), loads a small
generated dataset into schema raw, runs `dbt build` on PostgreSQL with two targets side by side
(a developer's `postgres` target and `prod`) and on DuckDB from the same Parquet files, and
compares marts.fct_account_health_daily.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest
from conftest import assert_engines_agree

from chw.load import load_raw, postgres_connection_params
from chw.pgserver import HOST, local_postgres
from chw.portability import (
    MARTS_SCHEMA,
    compare_scores,
    dbt_build,
    dbt_env,
    scores_duckdb,
    scores_postgres,
)

pytestmark = pytest.mark.postgres

DEV_SCHEMA = "dev_alice"  # the developer target's schema (CHW_PG_SCHEMA)
CUSTOM_SCHEMAS = ("staging", "intermediate", MARTS_SCHEMA, "scoring_config")


@dataclass(frozen=True)
class PostgresBuilds:
    """One server holding a developer's build and production's, with their dbt seconds."""

    params: dict[str, str | int]
    seconds: dict[str, float]


def schema_tables(params: dict[str, str | int]) -> dict[str, set[str]]:
    """Every table and view per schema (system schemas left out)."""
    query = """
        select table_schema, table_name from information_schema.tables
        where table_schema not in ('pg_catalog', 'information_schema')
    """
    connection = psycopg2.connect(**params)
    try:
        with connection.cursor() as cursor:
            cursor.execute(query)
            rows = cursor.fetchall()
    finally:
        connection.close()
    tables: dict[str, set[str]] = {}
    for schema, table in rows:
        tables.setdefault(schema, set()).add(table)
    return tables


@pytest.fixture(scope="module")
def postgres_builds(
    portability_raw: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PostgresBuilds]:
    """`dbt build` with target postgres (schema dev_alice), then with target prod."""
    work = tmp_path_factory.mktemp("postgres")
    with local_postgres() as pg_env, pytest.MonkeyPatch.context() as monkeypatch:
        assert pg_env["CHW_PG_HOST"] == HOST
        for name, value in pg_env.items():
            monkeypatch.setenv(name, value)
        loaded = load_raw(portability_raw, "postgres")
        assert loaded["product_events"] > 0
        seconds = {}
        for target in ("postgres", "prod"):
            env = dbt_env(portability_raw, work / target, {**pg_env, "CHW_PG_SCHEMA": DEV_SCHEMA})
            seconds[target] = dbt_build(target, env, work / target)
        yield PostgresBuilds(postgres_connection_params(), seconds)


def test_postgres_scores_match_duckdb(
    postgres_builds: PostgresBuilds, portability_raw: Path, tmp_path: Path
) -> None:
    duckdb_seconds = dbt_build("duckdb", dbt_env(portability_raw, tmp_path), tmp_path)
    reference = scores_duckdb(tmp_path / "build.duckdb")
    scores = scores_postgres(postgres_builds.params, f"{DEV_SCHEMA}_{MARTS_SCHEMA}")
    result = compare_scores(reference, scores)
    assert_engines_agree(result, "postgres", {"duckdb": duckdb_seconds, **postgres_builds.seconds})


def test_two_targets_build_side_by_side(postgres_builds: PostgresBuilds) -> None:
    """A developer target prefixes every custom schema with its own; prod keeps the names."""
    tables = schema_tables(postgres_builds.params)
    print("\nschemas:", {schema: len(names) for schema, names in sorted(tables.items())})
    for custom in CUSTOM_SCHEMAS:
        dev, prod = f"{DEV_SCHEMA}_{custom}", custom
        assert tables.get(dev), f"the developer target built nothing in {dev}"
        assert tables.get(prod), f"the prod target built nothing in {prod}"
        assert tables[dev] == tables[prod], custom
    assert "fct_account_health_daily" in tables[f"{DEV_SCHEMA}_{MARTS_SCHEMA}"]
    dev_scores = scores_postgres(postgres_builds.params, f"{DEV_SCHEMA}_{MARTS_SCHEMA}")
    prod_scores = scores_postgres(postgres_builds.params, MARTS_SCHEMA)
    assert dev_scores and dev_scores == prod_scores
