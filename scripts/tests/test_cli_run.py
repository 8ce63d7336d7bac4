"""`chw run` at scale: dbt node selection, the live progress of the build, and library logs
kept out of the terminal unless --verbose."""

from __future__ import annotations

import json
import os
import shutil

import pytest
from conftest import Workspace

from chw.dbt import BuildProgress, run_dbt

GX_CHATTER = "Created temporary directory"
SMALL = "stg_crm__accounts"


@pytest.fixture(scope="module")
def cli_workspace(
    published_workspace: Workspace, tmp_path_factory: pytest.TempPathFactory
) -> Workspace:
    """A copy of the published workspace: these runs (one fails on purpose) must not leave
    their run.json in the workspace other tests read."""
    workspace = Workspace(tmp_path_factory.mktemp("cli_run"))
    for part in ("data", "warehouse", "output"):
        shutil.copytree(published_workspace.root / part, workspace.root / part)
    return workspace


def _dbt_nodes(workspace: Workspace) -> int:
    run = json.loads((workspace.paths.report_dir / "run.json").read_text())
    return sum(run["dbt_counts"].values())


def test_select_builds_only_the_selection_and_hides_library_logs(
    cli_workspace: Workspace,
) -> None:
    whole_build = _dbt_nodes(cli_workspace)  # the fixture's run built everything
    quiet = cli_workspace.chw("run", "--select", SMALL)
    assert quiet.returncode == 0, quiet.stderr[-3000:]
    assert 1 <= _dbt_nodes(cli_workspace) < whole_build / 5  # the model and its tests
    assert GX_CHATTER not in quiet.stderr + quiet.stdout

    loud = cli_workspace.chw("run", "--select", SMALL, "--verbose")
    assert loud.returncode == 0, loud.stderr[-3000:]
    assert GX_CHATTER in loud.stderr  # the library's INFO line is there to be hidden


def test_unknown_target_is_a_build_error_in_one_line(cli_workspace: Workspace) -> None:
    result = cli_workspace.chw("run", "--target", "no_such_output", "--select", SMALL)
    assert result.returncode == 4, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert "no_such_output" in result.stderr


def test_progress_counts_nodes_done_out_of_total(cli_workspace: Workspace) -> None:
    seen: list[tuple[int, int, str]] = []

    def record(progress: BuildProgress) -> None:
        seen.append((progress.done, progress.total, progress.current))

    saved = dict(os.environ)
    try:
        outcome = run_dbt(
            ["build", "--select", f"{SMALL}+1", "--exclude", "resource_type:unit_test"],
            cli_workspace.paths,
            on_progress=record,
        )
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert outcome.success, outcome.failures
    done, total, _ = seen[-1]
    # the run results also hold the on-run-start/-end hooks (operations): not nodes
    nodes = sum(n for (kind, _), n in outcome.counts.items() if kind != "operation")
    assert done == total == nodes > 1
    assert [d for d, _, _ in seen] == sorted(d for d, _, _ in seen)  # never goes back
    assert SMALL in {current for _, _, current in seen}
    assert all(t == total for _, t, _ in seen[1:])  # the total is known from the first node
