"""The semantic layer (MetricFlow's `mf`) on a real build, checked against plain SQL.

Band counts and ARR are snapshots: over a month they are read on the month's last scored day
(`non_additive_dimension`, window_choice max), never summed across its days. `mf` reads the
dbt project, profile and `target/semantic_manifest.json` of its working directory, so the
tests run it in a copy of the project holding the manifest of the workspace's build.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import Workspace

from chw.project import copy_project

SNAPSHOT_METRICS = (
    "accounts_red",
    "accounts_yellow",
    "accounts_green",
    "arr_red_usd",
    "arr_yellow_usd",
    "arr_green_usd",
)

# Per month: the rows of its last scored day, by band (what the snapshot metrics must equal).
MONTH_END_SQL = """
with month_ends as (
    select date_trunc('month', score_date) as month, max(score_date) as last_day
    from marts.fct_account_health_daily
    group by 1
),
fact as (
    select health.account_id, health.score_date, health.published_band, days.arr_usd
    from marts.fct_account_health_daily as health
    inner join intermediate.int_account_days_enumerated as days
        on health.account_id = days.account_id and health.score_date = days.score_date
)
select
    cast(month_ends.month as date) as month,
    count(distinct account_id) as accounts_scored,
    count(distinct case when published_band is null then account_id end) as accounts_unbanded,
    {bands}
from fact
inner join month_ends on fact.score_date = month_ends.last_day
group by 1
"""
BANDS = ("red", "yellow", "green")
BAND_COLUMNS = ",\n    ".join(
    f"count(case when published_band = '{band}' then 1 end) as accounts_{band}, "
    f"coalesce(sum(case when published_band = '{band}' then arr_usd end), 0) as arr_{band}_usd"
    for band in BANDS
)

Table = dict[str, dict[str, float]]


class SemanticLayer:
    """`mf` run in a copy of the project against a workspace's build database."""

    def __init__(self, workspace: Workspace, project: Path) -> None:
        self.workspace, self.project = workspace, project

    def env(self) -> dict[str, str]:
        paths = self.workspace.paths
        return {
            **self.workspace.env(),
            "DBT_PROFILES_DIR": str(self.project),
            "DBT_PROJECT_DIR": str(self.project),
            "CHW_DUCKDB_PATH": str(paths.build_db),
            "CHW_DUCKDB_TEMP_DIR": str(paths.warehouse / "tmp"),
            "DO_NOT_TRACK": "1",
        }

    def mf(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(Path(sys.executable).with_name("mf")), *args]
        return subprocess.run(
            command, env=self.env(), cwd=self.project, capture_output=True, text=True, timeout=300
        )

    def query(self, metrics: tuple[str, ...], group_by: str, out: Path) -> Table:
        """`mf query --csv`, as {first group-by value: {metric: value}}."""
        result = self.mf(
            "query", "--metrics", ",".join(metrics), "--group-by", group_by, "--csv", str(out)
        )
        assert result.returncode == 0 and out.exists(), result.stdout[-3000:]
        with out.open(newline="") as handle:
            rows = list(csv.DictReader(handle))
        return {
            row[group_by][:10]: {name: float(row[name] or 0) for name in metrics} for row in rows
        }


@pytest.fixture(scope="module")
def semantic_layer(
    published_workspace: Workspace, tmp_path_factory: pytest.TempPathFactory
) -> SemanticLayer:
    project = copy_project(tmp_path_factory.mktemp("semantic") / "project")
    (project / "target").mkdir()
    manifest = published_workspace.paths.warehouse / "target" / "semantic_manifest.json"
    shutil.copy2(manifest, project / "target" / "semantic_manifest.json")
    return SemanticLayer(published_workspace, project)


def month_ends(database: Path) -> Table:
    with duckdb.connect(str(database), read_only=True) as connection:
        relation = connection.sql(MONTH_END_SQL.format(bands=BAND_COLUMNS))
        columns, rows = relation.columns, relation.fetchall()
    return {
        row[0].isoformat(): {
            name: float(value) for name, value in zip(columns[1:], row[1:], strict=True)
        }
        for row in rows
    }


def test_semantic_configs_validate(semantic_layer: SemanticLayer) -> None:
    """`mf validate-configs` parses the manifest and checks every measure against the data."""
    result = semantic_layer.mf("validate-configs")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert "Successfully validated metrics against data warehouse" in output, output[-3000:]
    assert "ERRORS: 0," in output and "ERRORS: 1" not in output


def test_snapshot_metrics_read_the_last_day_of_the_month(
    semantic_layer: SemanticLayer, tmp_path: Path
) -> None:
    """Monthly band counts and ARR equal the month's last scored day, never a sum of days."""
    queried = semantic_layer.query(SNAPSHOT_METRICS, "metric_time__month", tmp_path / "m.csv")
    expected = month_ends(semantic_layer.workspace.paths.build_db)
    print("\nmonth: mf accounts_red / SQL accounts_red / SQL accounts scored")
    for month, values in sorted(queried.items()):
        sql = expected[month]
        print(
            f"{month}: {values['accounts_red']:.0f} / {sql['accounts_red']:.0f} / "
            f"{sql['accounts_scored']:.0f}"
        )
    assert queried.keys() == expected.keys()
    for month, values in queried.items():
        assert values["accounts_red"] <= expected[month]["accounts_scored"], month
        for name in SNAPSHOT_METRICS:
            assert values[name] == pytest.approx(expected[month][name], rel=1e-9), (month, name)


def test_month_end_accounts_add_up(semantic_layer: SemanticLayer, tmp_path: Path) -> None:
    """Red + yellow + green + unbanded (not enough data) = the accounts scored on the month's
    last day (SQL)."""
    metrics = ("accounts_scored", *(f"accounts_{band}" for band in BANDS))
    queried = semantic_layer.query(metrics, "metric_time__month", tmp_path / "n.csv")
    expected = month_ends(semantic_layer.workspace.paths.build_db)
    for month, values in queried.items():
        bands = sum(values[f"accounts_{band}"] for band in BANDS)
        unbanded = expected[month]["accounts_unbanded"]
        assert bands + unbanded == values["accounts_scored"], month
        assert values["accounts_scored"] == expected[month]["accounts_scored"], month


def test_snapshot_share_is_a_ratio_of_month_end_arr(
    semantic_layer: SemanticLayer, tmp_path: Path
) -> None:
    """The derived ARR-at-risk share is (red + yellow) / all ARR on the month's last day."""
    queried = semantic_layer.query(("arr_at_risk_share",), "metric_time__month", tmp_path / "s.csv")
    expected = month_ends(semantic_layer.workspace.paths.build_db)
    for month, values in queried.items():
        arr = {band: expected[month][f"arr_{band}_usd"] for band in BANDS}
        share = (arr["red"] + arr["yellow"]) / sum(arr.values())
        assert 0 <= values["arr_at_risk_share"] <= 1
        assert values["arr_at_risk_share"] == pytest.approx(share, rel=1e-9), month
