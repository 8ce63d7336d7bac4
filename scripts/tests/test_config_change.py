"""A changed scoring seed re-scores all history (SPEC §5): after an edit of the weights, the
next incremental run publishes exactly what a full build with the new seeds publishes, so a
score history never mixes two configurations."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import Workspace, make_workspace

from chw.project import copy_project
from chw.publish import content_fingerprint


def _same_marts(left: Path, right: Path) -> list[str]:
    a, b = content_fingerprint(left), content_fingerprint(right)
    differ = []
    for table, values in a.items():
        for key, value in values.items():
            other = b.get(table, {}).get(key)
            same = (
                other == pytest.approx(value, rel=1e-9, abs=1e-9)
                if isinstance(value, float)
                else other == value
            )
            if not same:
                differ.append(f"{table}.{key}")
    return differ


def test_changed_weights_rescore_every_day(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    base = make_workspace(tmp_path / "incremental", accounts=40, days=150)
    incremental = Workspace(base.root, project=project)
    assert incremental.chw("run").returncode == 0

    weights = project / "seeds" / "scoring_component_weights.csv"
    weights.write_text(
        weights.read_text()
        .replace("starter,engagement,0.35", "starter,engagement,0.1")
        .replace("starter,satisfaction,0.2", "starter,satisfaction,0.45")
    )
    rerun = incremental.chw("run")
    assert rerun.returncode == 0, rerun.stderr[-2000:]

    full = Workspace(tmp_path / "full", project=project)
    shutil.copytree(incremental.paths.raw, full.paths.raw)
    assert full.chw("run").returncode == 0
    assert _same_marts(incremental.paths.published_db, full.paths.published_db) == []
