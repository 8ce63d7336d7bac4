"""The GitHub Actions workflow shipped for forks (.github/workflows/customer-health.yml)
cannot run here: check that it parses and holds the steps docs/ci.md promises."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from chw.settings import PROJECT_DIR

WORKFLOW = PROJECT_DIR / ".github" / "workflows" / "customer-health.yml"


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    return yaml.safe_load(WORKFLOW.read_text())


def test_valid_against_githubs_workflow_schema() -> None:
    """The GitHub workflow JSON schema check-jsonschema vendors (SchemaStore's)."""
    checker = Path(sys.executable).with_name("check-jsonschema")
    result = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _steps(workflow: dict[str, Any], job: str) -> list[dict[str, Any]]:
    return workflow["jobs"][job]["steps"]


def _step(steps: list[dict[str, Any]], pattern: str) -> dict[str, Any]:
    """The one step whose name, `uses` or `run` matches pattern."""
    found = [
        s
        for s in steps
        if re.search(pattern, " ".join(str(s.get(k, "")) for k in ("name", "uses", "run")))
    ]
    assert len(found) == 1, (pattern, [s.get("name") for s in found])
    return found[0]


def test_triggers(workflow: dict[str, Any]) -> None:
    # YAML 1.1 reads the bare key `on` as true
    triggers = workflow.get("on", workflow.get(True))
    assert triggers["push"]["branches"] == ["main"]
    assert "pull_request" in triggers
    assert workflow["permissions"]["actions"] == "read"  # to download production's state


def test_test_job_runs_make_test_and_publishes_reports(workflow: dict[str, Any]) -> None:
    steps = _steps(workflow, "test")
    assert steps[0]["uses"].startswith("actions/checkout@")
    assert _step(steps, r"\bmake test\b")["run"].strip() == "make test"
    summary = _step(steps, r"GITHUB_STEP_SUMMARY")
    assert "data_quality.md" in summary["run"] and summary["if"] == "always()"
    reports = _step(steps, r"name: health-reports|Upload report")
    assert reports["uses"].startswith("actions/upload-artifact@")
    paths = set(reports["with"]["path"].split())
    assert paths == {"output/report", "output/calibration", "output/dashboard"}


def test_main_saves_production_state(workflow: dict[str, Any]) -> None:
    steps = _steps(workflow, "test")
    manifest = _step(steps, r"production's manifest")
    assert manifest["with"]["name"] == "prod-manifest"
    assert manifest["with"]["path"] == "warehouse/target/manifest.json"
    assert "refs/heads/main" in manifest["if"] and "pull_request" in manifest["if"]
    database = _step(steps, r"production's build database")
    assert database["with"]["path"] == "warehouse/build.duckdb"


def test_pull_requests_run_slim_ci(workflow: dict[str, Any]) -> None:
    job = workflow["jobs"]["slim-ci"]
    assert job["if"] == "github.event_name == 'pull_request'"
    steps = job["steps"]
    _step(steps, r"actions/setup-python@")
    download = _step(steps, r"gh run download")["run"]
    assert "-n prod-manifest -D prod-manifest" in download
    slim = _step(steps, r"state:modified\+")
    assert "dbt build --select state:modified+ --defer --state prod-manifest/" in slim["name"]
    assert slim["run"].startswith("make slim-ci STATE=prod-manifest")


def test_every_step_is_well_formed(workflow: dict[str, Any]) -> None:
    for name, job in workflow["jobs"].items():
        assert job["runs-on"] == "ubuntu-latest", name
        for step in job["steps"]:
            assert ("uses" in step) != ("run" in step), (name, step)
            if "uses" in step:
                assert re.fullmatch(r"[\w-]+/[\w-]+@v\d+", step["uses"]), step["uses"]


def test_make_target_exists() -> None:
    makefile = (PROJECT_DIR / "Makefile").read_text()
    assert re.search(r"^slim-ci:.*\n\t\$\(CHW\) slim-ci --state \$\(STATE\)", makefile, re.M)
    assert Path(WORKFLOW).is_file()
