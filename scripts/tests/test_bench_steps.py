"""The re-score and drill-down bench steps, and the publication of a mart kept as a view."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import duckdb

from chw.bench.drilldown import last_quarter
from chw.bench.rescore import rescore_project
from chw.publish_views import copy_views, read_relations, view_query
from chw.settings import PROJECT_DIR


def test_rescore_changes_one_weight_in_a_copy(tmp_path: Path) -> None:
    original = (PROJECT_DIR / "seeds" / "scoring_metrics.csv").read_text()
    project, change = rescore_project(tmp_path / "copy")
    assert (PROJECT_DIR / "seeds" / "scoring_metrics.csv").read_text() == original
    before = list(csv.DictReader(original.splitlines()))
    after = list(
        csv.DictReader((project / "seeds" / "scoring_metrics.csv").read_text().splitlines())
    )
    differ = [
        (a["metric_name"], key)
        for a, b in zip(before, after, strict=True)
        for key in a
        if a[key] != b[key]
    ]
    assert [key for _, key in differ] == ["weight", "weight"]
    changed = {name for name, _ in differ}
    assert len({row["component"] for row in before if row["metric_name"] in changed}) == 1
    assert sum(float(row["weight"]) for row in after) == sum(float(row["weight"]) for row in before)
    assert all(name in change for name in changed)
    assert (project / "dbt_project.yml").exists() and (project / "models").is_dir()


def test_last_whole_quarter() -> None:
    assert last_quarter(date(2026, 6, 30)) == (date(2026, 4, 1), date(2026, 6, 30))
    assert last_quarter(date(2026, 6, 29)) == (date(2026, 1, 1), date(2026, 3, 31))
    assert last_quarter(date(2026, 2, 1)) == (date(2025, 10, 1), date(2025, 12, 31))


def test_a_published_view_resolves_over_copied_inputs(tmp_path: Path) -> None:
    """The view reads a schema that is not published: the table is copied beside it, and the
    published file answers under any name it is attached as."""
    build = tmp_path / "build.duckdb"
    con = duckdb.connect(str(build))
    con.execute("create schema intermediate; create schema marts")
    con.execute("create table intermediate.wide as select 'a1' as account_id, 2.5 as x_score")
    con.execute(
        "create view marts.long as with wide as (select * from intermediate.wide) "
        "select account_id, 'x' as metric_name, x_score as metric_score from wide"
    )
    con.close()
    con = duckdb.connect()
    con.execute(f"attach '{build}' as build (read_only)")
    con.execute(f"attach '{tmp_path / 'published.duckdb'}' as published")
    con.execute("create schema published.marts")
    assert copy_views(con, "build", "published", ("marts",)) == [("marts", "long")]
    con.close()
    reader = duckdb.connect()
    reader.execute(f"attach '{tmp_path / 'published.duckdb'}' as anything (read_only)")
    assert reader.execute("select * from anything.marts.long").fetchall() == [("a1", "x", 2.5)]


def test_view_query_and_its_relations() -> None:
    query = view_query(
        'CREATE VIEW "marts"."v" AS WITH c AS (SELECT * FROM intermediate.t) SELECT * FROM c;'
    )
    assert query == "WITH c AS (SELECT * FROM intermediate.t) SELECT * FROM c"
    assert read_relations(duckdb.connect(), query) == {("intermediate", "t")}
