"""Shared fixtures: small generated data sets and a helper that runs the real `chw` CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from chw.dbt import run_dbt
from chw.generate import generate
from chw.portability import Comparison, dbt_env
from chw.settings import PROJECT_DIR, Paths

END_DATE = date(2026, 6, 30)
TEST_REPORT_DIR = PROJECT_DIR / "output" / "test-run" / "report"


def dbt_in(raw: Path, work: Path, verb: str, *args: str) -> None:
    """`dbt <verb> <args>` in a child process, building work/build.duckdb from `raw`. One fixed
    PII salt: a bare dbt run salts with its invocation id, so two builds would differ."""
    env = dbt_env(raw, work, {"CHW_PII_SALT": "test-salt"})
    dbt = str(Path(sys.executable).with_name("dbt"))
    paths = ["--target-path", str(work / "target"), "--log-path", str(work / "logs")]
    command = [dbt, verb, "--quiet", *paths, *args]
    result = subprocess.run(command, env=env, cwd=PROJECT_DIR, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


@dataclass(frozen=True)
class Workspace:
    """One isolated set of raw/warehouse/output folders, like a user's checkout; `project`
    names a copy of the dbt project to run instead of the repository's."""

    root: Path
    project: Path | None = None

    @property
    def paths(self) -> Paths:
        return Paths(
            raw=self.root / "data" / "raw",
            warehouse=self.root / "warehouse",
            output=self.root / "output",
        )

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            CHW_RAW_PATH=str(self.paths.raw),
            CHW_WAREHOUSE_DIR=str(self.paths.warehouse),
            CHW_OUTPUT_DIR=str(self.paths.output),
            DBT_PROFILES_DIR=str(self.project or PROJECT_DIR),
        )
        if self.project:
            env["CHW_PROJECT_DIR"] = str(self.project)
        return env

    def chw(self, *args: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
        """Run the installed console script as a user would."""
        command = [str(Path(sys.executable).with_name("chw")), *args]
        return subprocess.run(
            command,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=PROJECT_DIR,
        )


def make_workspace(
    root: Path, *, accounts: int = 80, days: int = 200, seed: int = 7, fault_rate: float = 0.0
) -> Workspace:
    workspace = Workspace(root)
    generate(
        workspace.paths.raw,
        accounts=accounts,
        days=days,
        seed=seed,
        end_date=END_DATE,
        fault_rate=fault_rate,
    )
    return workspace


@pytest.fixture(scope="session")
def published_workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """Small clean data, run once through the whole pipeline and published."""
    workspace = make_workspace(tmp_path_factory.mktemp("clean"))
    result = workspace.chw("run")
    assert result.returncode == 0, result.stderr[-3000:]
    # `make test` prints this run's data-quality report at the end
    shutil.copytree(workspace.paths.report_dir, TEST_REPORT_DIR, dirs_exist_ok=True)
    return workspace


@pytest.fixture
def workspace_factory(tmp_path: Path) -> Callable[..., Workspace]:
    return lambda **kwargs: make_workspace(tmp_path / "ws", **kwargs)


# Metric values and scores are rounded to 1e-9 (macro round_float_noise), so equal values stay
# equal on every engine; a value halfway between two 1e-9 steps may round either way.
ENGINE_TOLERANCE = 1e-6


@pytest.fixture(scope="session")
def portability_raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small data set every engine builds from."""
    raw_dir = tmp_path_factory.mktemp("portability") / "raw"
    generate(raw_dir, accounts=60, days=200, seed=7, end_date=END_DATE)
    return raw_dir


def assert_engines_agree(result: Comparison, engine: str, seconds: dict[str, float]) -> None:
    """Same account-days, same bands and nulls, scores within ENGINE_TOLERANCE."""
    print(
        f"\nscores compared: {result.rows:,} account-days; largest |score diff| "
        f"{result.max_score_diff:.3g} at {result.worst_key}; dbt build seconds: "
        + ", ".join(f"{name} {value:.1f}" for name, value in seconds.items())
    )
    assert result.rows > 0
    assert not result.missing and not result.extra, (result.missing[:5], result.extra[:5])
    assert not result.null_mismatches, result.null_mismatches[:5]
    assert not result.band_mismatches, result.band_mismatches[:5]
    assert result.max_score_diff <= ENGINE_TOLERANCE, engine


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Fixed-seed demo data built through fct_churn_outcomes; yields the DuckDB file.

    Shared by the calibration and analyses tests (one build per session).
    """
    root = tmp_path_factory.mktemp("calibration-demo")
    paths = Paths(raw=root / "raw", warehouse=root / "warehouse", output=root / "output")
    generate(paths.raw, accounts=300, days=365, seed=42, end_date=END_DATE)
    saved = dict(os.environ)
    try:
        outcome = run_dbt(
            [
                "build",
                "--select",
                "+fct_churn_outcomes",
                "--resource-type",
                "seed",
                "--resource-type",
                "model",
            ],
            paths,
        )
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert outcome.success, outcome.failures
    yield paths.build_db
