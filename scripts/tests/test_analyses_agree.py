"""The analyses in `analyses/` and `chw calibrate`'s report give the same tables.

`analyses/churn_by_band.sql` and `churn_by_score_decile.sql` are what an analyst runs in the
warehouse; `band_table` and `decile_table` are what the report prints. Both are run here on
one built demo warehouse, over all segments and per segment, and must agree number for number.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import duckdb
import jinja2
import pandas as pd
import pytest

from chw.calibrate import band_table, decile_table
from chw.calibrate.inputs import read_inputs
from chw.settings import PROJECT_DIR

BAND_COLUMNS = ("snapshots", "accounts", "churned_snapshots", "share_of_snapshots", "churn_rate")
BAND_COLUMNS += ("lift", "expansion_rate")
DECILE_COLUMNS = ("snapshots", "min_score", "max_score", "mean_score", "churn_rate", "lift")


def run_analysis(database: Path, name: str) -> pd.DataFrame:
    """The analysis as dbt compiles it (its only Jinja is ref()), run on the built warehouse."""
    text = (PROJECT_DIR / "analyses" / f"{name}.sql").read_text()
    sql = jinja2.Template(text).render(ref=lambda model: f"marts.{model}")
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute(sql).df()
    finally:
        con.close()


def _same(expected: Any, actual: Any) -> bool:
    if expected is None or (isinstance(expected, float) and math.isnan(expected)):
        return actual is None or pd.isna(actual)
    return actual == pytest.approx(expected, rel=1e-9, abs=1e-12)


def _differences(
    report: list[dict[str, Any]], analysis: pd.DataFrame, key: str, columns: tuple[str, ...]
) -> list[str]:
    rows = {row[key]: row for row in analysis.to_dict("records")}
    problems = []
    for expected in report:
        if expected["snapshots"] == 0:  # the report lists an empty band; SQL has no row
            continue
        actual = rows.get(expected[key])
        if actual is None:
            problems.append(f"{key} {expected[key]}: no row in the analysis")
            continue
        problems += [
            f"{key} {expected[key]} {column}: report {expected[column]}, sql {actual[column]}"
            for column in columns
            if not _same(expected[column], actual[column])
        ]
    return problems


def test_band_and_decile_tables_agree_with_the_analyses(demo_build: Path) -> None:
    frame = read_inputs(demo_build).outcomes
    bands = run_analysis(demo_build, "churn_by_band").rename(columns={"published_band": "band"})
    deciles = run_analysis(demo_build, "churn_by_score_decile").rename(
        columns={"score_decile": "decile"}
    )
    scopes = {"all": frame} | {s: frame[frame["segment"] == s] for s in frame["segment"].unique()}
    problems = []
    for scope, part in scopes.items():
        problems += [
            f"{scope}: {p}"
            for p in _differences(
                band_table(part), bands[bands["scope"] == scope], "band", BAND_COLUMNS
            )
        ]
        problems += [
            f"{scope}: {p}"
            for p in _differences(
                decile_table(part), deciles[deciles["scope"] == scope], "decile", DECILE_COLUMNS
            )
        ]
    assert len(scopes) > 2 and not problems, problems[:10]
