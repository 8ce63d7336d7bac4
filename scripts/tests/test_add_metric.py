"""Adding a metric happens in one place (README "Add a metric"): a row in
seeds/scoring_metrics.csv, plus one SQL expression in the model of its kind when the measure
is new. No YAML, no other file: the wide scoring models, the metric fact, the drivers and the
documentation test all read the seed."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import Workspace, make_workspace

from chw.project import copy_project

LIFECYCLE = Path("models/intermediate/metrics/int_lifecycle_metrics_computed.sql")
METRICS_SELECT = re.compile(r"(metrics as \(\n\s+select\n\s+account_days\.account_id,\n)")


def _add_seed_row(project: Path, **values: str) -> None:
    seed = project / "seeds" / "scoring_metrics.csv"
    rows = list(csv.DictReader(seed.open()))
    rows.append({**{key: "" for key in rows[0]}, **values})
    with seed.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _changed_files(project: Path, pristine: Path) -> list[str]:
    return sorted(
        str(path.relative_to(project))
        for path in project.rglob("*")
        if path.is_file()
        and (path.read_bytes() != (pristine / path.relative_to(project)).read_bytes())
    )


NEW_METRIC = {
    "metric_name": "licensed_seats",
    "component": "financial",
    "direction": "higher",
    "normalisation": "absolute",
    "lower_bound": "1",
    "upper_bound": "50",
    "window_days": "1",
    "weight": "0",
    "computed_in": "lifecycle",
    "source_table": "subscriptions",
    "valid_min": "0",
    "description": "Seats licensed on the current contract",
}


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return make_workspace(tmp_path_factory.mktemp("add_metric") / "ws", accounts=30, days=90)


def test_a_new_metric_is_one_seed_row_and_one_expression(base: Workspace, tmp_path: Path) -> None:
    pristine = copy_project(tmp_path / "pristine")
    project = copy_project(tmp_path / "project")
    _add_seed_row(project, **NEW_METRIC)
    model = project / LIFECYCLE
    sql, found = METRICS_SELECT.subn(
        r"\1        cast(subscriptions.seats as {{ type_double() }}) as licensed_seats,\n",
        model.read_text(),
    )
    assert found == 1, "the lifecycle model's metrics CTE moved: update this test's anchor"
    model.write_text(sql)
    assert _changed_files(project, pristine) == [
        "models/intermediate/metrics/int_lifecycle_metrics_computed.sql",
        "seeds/scoring_metrics.csv",
    ]
    workspace = Workspace(base.root, project=project)
    result = workspace.chw("run")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    con = duckdb.connect(str(workspace.paths.published_db), read_only=True)
    measured, seats_ok = con.execute(
        "select count(raw_value), bool_and(raw_value >= 1) from marts.fct_account_metric_daily "
        "where metric_name = 'licensed_seats'"
    ).fetchone()
    con.close()
    assert measured > 0 and seats_ok


def test_a_seed_row_without_its_expression_fails_with_a_clear_message(
    base: Workspace, tmp_path: Path
) -> None:
    project = copy_project(tmp_path / "project")
    _add_seed_row(project, **NEW_METRIC)
    workspace = Workspace(tmp_path / "fresh", project=project)
    shutil.copytree(base.paths.raw, workspace.paths.raw)
    result = workspace.chw("run")
    assert result.returncode == 4, result.stderr[-2000:]
    message = " ".join(result.stderr.split())
    assert "licensed_seats" in message and "int_lifecycle_metrics_computed" in message, message
