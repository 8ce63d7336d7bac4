"""Slim CI (`make slim-ci`, docs/ci.md): a changed model rebuilds itself and its children
only; every other ref is read from the production build it defers to."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
from conftest import Workspace, make_workspace

from chw.project import copy_project
from chw.settings import PROJECT_DIR

CHANGED = "model.customer_health.int_account_health_published"
CHANGED_FILE = "models/intermediate/scoring/int_account_health_published.sql"


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, Path]:
    """A fork built and published once ("production"), its manifest saved like the
    workflow's `prod-manifest` artifact."""
    root = tmp_path_factory.mktemp("slim")
    workspace = Workspace(
        make_workspace(root, accounts=40, days=120).root, copy_project(root / "project")
    )
    result = workspace.chw("run")
    assert result.returncode == 0, result.stderr[-3000:]
    state = root / "prod-manifest"
    state.mkdir()
    shutil.copy2(workspace.paths.warehouse / "target" / "manifest.json", state)
    return workspace, state


def _slim(workspace: Workspace, state: Path) -> subprocess.CompletedProcess[str]:
    """`make slim-ci STATE=...` in the fork's environment, as a developer runs it."""
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(PROJECT_DIR), "slim-ci", f"STATE={state}"],
        env=workspace.env(),
        capture_output=True,
        text=True,
        timeout=600,
    )


def _descendants(manifest: dict, node: str) -> set[str]:
    children, queue, seen = manifest["child_map"], [node], set()
    while queue:
        for child in children.get(queue.pop(), []):
            if child not in seen:
                seen.add(child)
                queue.append(child)
    return seen


def _ran(workspace: Workspace) -> set[str]:
    results = workspace.paths.warehouse / "ci" / "target" / "run_results.json"
    return {r["unique_id"] for r in json.loads(results.read_text())["results"]}


def test_unchanged_fork_builds_nothing(production: tuple[Workspace, Path]) -> None:
    workspace, state = production
    result = _slim(workspace, state)
    assert result.returncode == 0, result.stderr[-3000:]
    assert not {n for n in _ran(workspace) if n.startswith("model.")}


def test_changed_model_rebuilds_itself_and_its_children_only(
    production: tuple[Workspace, Path],
) -> None:
    workspace, state = production
    assert workspace.project is not None
    model = workspace.project / CHANGED_FILE
    model.write_text(model.read_text() + "-- slim CI: a reviewed change\n")

    result = _slim(workspace, state)
    assert result.returncode == 0, result.stderr[-3000:]

    manifest = json.loads((state / "manifest.json").read_text())
    expected = {CHANGED} | {n for n in _descendants(manifest, CHANGED) if n.startswith("model.")}
    ran_models = {n for n in _ran(workspace) if n.startswith("model.")}
    models = sum(1 for n in manifest["nodes"] if n.startswith("model."))
    print(f"\nslim CI built {len(ran_models)} of {models} models: {sorted(ran_models)}")
    assert ran_models == expected
    assert len(expected) < 15  # the point: a handful, not the project

    # the CI database holds the change and its children; parents were read from production
    con = duckdb.connect(str(workspace.paths.warehouse / "ci" / "ci.duckdb"), read_only=True)
    try:
        built = {row[0] for row in con.execute("select table_name from duckdb_tables()").fetchall()}
        rows = con.execute("select count(*) from ci_marts.fct_account_health_daily").fetchone()
    finally:
        con.close()
    assert "int_account_health_published" in built and "fct_account_health_daily" in built
    assert "int_account_health_scored" not in built  # the unchanged parent: deferred
    assert rows and rows[0] > 0


def test_missing_production_state_is_one_line(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)
    result = workspace.chw("slim-ci", "--state", str(tmp_path / "prod-manifest"))
    assert result.returncode == 5, result.stderr
    assert "no production manifest" in result.stderr and "Traceback" not in result.stderr
    (tmp_path / "prod-manifest").mkdir()
    (tmp_path / "prod-manifest" / "manifest.json").write_text("{}")
    result = workspace.chw("slim-ci", "--state", str(tmp_path / "prod-manifest"))
    assert result.returncode == 3 and "not a dbt manifest" in result.stderr, result.stderr
