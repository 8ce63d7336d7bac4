"""Re-scoring is separate from measuring: a changed metric weight (scoring_metrics.csv)
re-scores every day from normalisation on, and re-measures nothing. The observable is the
decision each incremental model logs when its configuration changed ("recomputing all of its
days", macros/config_fingerprint.sql): after the weight change the scoring models log it, the
metric, activity and staging models do not, and the marts equal a full build's."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import Workspace, make_workspace
from test_config_change import _same_marts

from chw.project import copy_project

RECOMPUTED = re.compile(r"(\w+): its scoring configuration or sources changed since it was built")
RESCORED = {
    "int_account_metrics_normalised",
    "int_account_health_scored",
    "int_account_metric_contributions",
    "int_account_drivers_ranked",
    "fct_account_health_daily",
}
MEASURING = re.compile(
    r"^(int_.+_metrics_computed|int_product_.+|int_account_metrics_joined|base_.+)$"
)


def _recomputed(log: Path, start: int) -> set[str]:
    """Models that recomputed every day in the dbt run logged after byte `start`."""
    with open(log, "rb") as handle:
        handle.seek(start)
        return set(RECOMPUTED.findall(handle.read().decode(errors="replace")))


def test_changed_metric_weight_rescores_without_remeasuring(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    base = make_workspace(tmp_path / "incremental", accounts=30, days=120)
    incremental = Workspace(base.root, project=project)
    assert incremental.chw("run").returncode == 0
    log = incremental.paths.warehouse / "logs" / "dbt.log"
    start = log.stat().st_size

    metrics = project / "seeds" / "scoring_metrics.csv"
    text = metrics.read_text()
    # weight moves between two engagement metrics (a component's weights sum to 1)
    changed = text.replace(
        "active_days,engagement,higher,absolute,5,28,30,0.2,",
        "active_days,engagement,higher,absolute,5,28,30,0.3,",
    ).replace(
        "active_user_ratio,engagement,higher,absolute,0.05,0.6,30,0.25,",
        "active_user_ratio,engagement,higher,absolute,0.05,0.6,30,0.15,",
    )
    assert "active_days,engagement,higher,absolute,5,28,30,0.3," in changed
    assert "active_user_ratio,engagement,higher,absolute,0.05,0.6,30,0.15," in changed
    metrics.write_text(changed)
    rerun = incremental.chw("run", "--accept-drop")
    assert rerun.returncode == 0, rerun.stderr[-2000:]

    recomputed = _recomputed(log, start)
    assert recomputed >= RESCORED, f"not re-scored: {sorted(RESCORED - recomputed)}"
    remeasured = sorted(name for name in recomputed if MEASURING.match(name))
    assert remeasured == [], f"a weight change re-measured {remeasured}"

    full = Workspace(tmp_path / "full", project=project)
    shutil.copytree(incremental.paths.raw, full.paths.raw)
    assert full.chw("run").returncode == 0
    assert _same_marts(incremental.paths.published_db, full.paths.published_db) == []


def test_an_undeclared_seed_read_stops_the_compile(tmp_path: Path) -> None:
    """A metric model reading a setting its config_reads leaves out would not re-measure when
    that setting changes: the compile stops and names the read."""
    project = copy_project(tmp_path / "project")
    config = project / "dbt_project.yml"
    text = config.read_text()
    declared = "rows: [survey_half_life_days, min_observed_days]"
    assert declared in text
    config.write_text(text.replace(declared, "rows: [survey_half_life_days]"))
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(project),
        "CHW_DUCKDB_PATH": str(tmp_path / "build.duckdb"),
        "CHW_DUCKDB_TEMP_DIR": str(tmp_path / "tmp"),
        "CHW_RAW_PATH": str(tmp_path / "raw"),
    }
    dbt = [str(Path(sys.executable).with_name("dbt")), "--no-use-colors"]
    where = ["--project-dir", str(project), "--target-path", str(tmp_path / "target")]
    compiled = subprocess.run(
        [*dbt, "compile", *where, "--select", "int_engagement_metrics_computed"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert compiled.returncode != 0
    assert "int_engagement_metrics_computed reads scoring_settings setting = min_observed_days" in (
        compiled.stdout
    )
