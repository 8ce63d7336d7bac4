"""The mart comparison `chw bench-spark` trusts: planted differences are found and measured.

No Spark here: the "other engine" is a warehouse folder laid out as local Spark writes it
(`marts.db/<table>/part-*.parquet`), written by DuckDB."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from chw.bench.spark import verdict_table
from chw.mart_compare import TableDiff, compare_marts, unique_keys
from chw.sqlquote import literal

SCORES = """
create table marts.fct_scores as
select * from (values
    ('a1', date '2026-01-01', 50.0, 'green', timestamp '2026-01-01 10:00:00'),
    ('a1', date '2026-01-02', 40.0, 'yellow', timestamp '2026-01-02 10:00:00'),
    ('a2', date '2026-01-01', 1234.5, 'red', timestamp '2026-01-01 10:00:00'),
    ('a2', date '2026-01-02', null, null, timestamp '2026-01-02 10:00:00')
) as t(account_id, score_date, score, band, loaded_at)
"""
SEGMENTS = "create table marts.agg_segments as select 'smb' as segment, 3::bigint as accounts"
DROPPED = "create table marts.dim_dropped as select 1 as id"


def _spark_warehouse(con: duckdb.DuckDBPyConnection, root: Path, tables: dict[str, str]) -> Path:
    """Write each query's rows as Spark lays out a managed table; return the warehouse."""
    for name, query in tables.items():
        folder = root / "marts.db" / name
        folder.mkdir(parents=True)
        target = literal(folder / "part-00000-c000.snappy.parquet")
        con.execute(f"copy ({query}) to {target} (format parquet)")
    return root


@pytest.fixture()
def engines(tmp_path: Path) -> tuple[Path, Path]:
    """A DuckDB build file and a 'Spark' warehouse with planted differences."""
    reference = tmp_path / "build.duckdb"
    with duckdb.connect(str(reference)) as con:
        con.execute("create schema marts")
        for statement in (SCORES, SEGMENTS, DROPPED):
            con.execute(statement)
        warehouse = _spark_warehouse(
            con,
            tmp_path / "spark-warehouse",
            {
                # a1/01-01 off by 1e-9 relative (tolerated); a2/01-01's score off by 0.5 and
                # its band changed; a1/01-02 missing; a3 extra; timestamps as UTC instants
                "fct_scores": """
                    select account_id, score_date,
                        case when account_id = 'a1' then score * (1 + 1e-9)
                             when score_date = date '2026-01-01' then score + 0.5
                             else score end as score,
                        case when account_id = 'a2' and score is not null then 'yellow'
                             else band end as band,
                        loaded_at::timestamptz as loaded_at
                    from marts.fct_scores where not (account_id = 'a1' and score = 40)
                    union all
                    select 'a3', date '2026-01-01', 70.0, 'green', null::timestamptz""",
                "agg_segments": "select accounts, segment from marts.agg_segments",
            },
        )
    return reference, warehouse


def test_planted_differences_are_reported(engines: tuple[Path, Path]) -> None:
    reference, warehouse = engines
    keys = {"fct_scores": ["account_id", "score_date"], "agg_segments": ["segment"]}
    diffs = {d.table: d for d in compare_marts(reference, warehouse, keys)}
    assert diffs["agg_segments"].equal  # same rows, columns in another order
    scores = diffs["fct_scores"]
    assert not scores.equal
    assert (scores.reference_rows, scores.other_rows) == (4, 4)
    assert (scores.missing_rows, scores.extra_rows) == (1, 1)
    assert scores.example_missing == ["a1|2026-01-02"]
    assert scores.example_extra == ["a3|2026-01-01"]
    assert set(scores.columns) == {"score", "band"}  # the 1e-9 gap and the timestamps match
    assert scores.columns["score"].rows == 1
    assert scores.columns["score"].max_abs_diff == pytest.approx(0.5)
    assert scores.columns["score"].example_key == "a2|2026-01-01"
    assert "score: 1 rows differ, max |diff| 0.5" in scores.describe()
    dropped = diffs["dim_dropped"]
    assert dropped.other_rows is None and not dropped.equal


def test_an_undeclared_key_falls_back_to_the_exact_columns(engines: tuple[Path, Path]) -> None:
    reference, warehouse = engines
    scores = next(d for d in compare_marts(reference, warehouse, {}) if d.table == "fct_scores")
    # key = every non-fraction column: a changed band moves a row instead of a value
    assert scores.key == ["account_id", "score_date", "band", "loaded_at"]
    assert scores.missing_rows == 2 and scores.extra_rows == 2


def test_verdict_names_the_marts_that_differ(engines: tuple[Path, Path]) -> None:
    reference, warehouse = engines
    diffs = compare_marts(reference, warehouse, {"fct_scores": ["account_id", "score_date"]})
    table, equal = verdict_table(diffs)
    assert not equal
    rows = dict(zip(table.columns[0].cells, table.columns[3].cells, strict=True))
    assert rows["agg_segments"] == "equal"
    assert "missing on the other engine" in str(rows["dim_dropped"])
    assert "1 rows missing" in str(rows["fct_scores"])
    assert verdict_table([TableDiff("t", ["k"], 0, 0)])[1]


def test_keys_come_from_the_unique_tests(tmp_path: Path) -> None:
    def test(name: str, model: str, **kwargs: object) -> dict[str, object]:
        return {
            "test_metadata": {"name": name, "kwargs": kwargs},
            "attached_node": f"model.customer_health.{model}",
        }

    manifest = tmp_path / "manifest.json"
    nodes = {
        "t1": test("unique_combination_of_columns", "fct", combination_of_columns=["a", "b"]),
        "t2": test("unique", "fct", column_name="c"),
        "t3": test("unique", "dim", column_name="id"),
        "t4": test("not_null", "agg", column_name="x"),
        "model.customer_health.fct": {"resource_type": "model"},
    }
    manifest.write_text(json.dumps({"nodes": nodes}))
    assert unique_keys(manifest) == {"fct": ["a", "b"], "dim": ["id"]}
