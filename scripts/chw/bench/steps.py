"""One measured step of the bench: a child process, its wall time and its own peak memory;
for a dbt step, also dbt's time running the models and the slowest of them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from chw.portability import dbt_env
from chw.settings import PROJECT_DIR


@dataclass
class Measure:
    step: str
    seconds: float
    peak_rss_mb: float
    models_seconds: float | None = None  # dbt's run of the models (run_results.json)
    summed_model_seconds: float | None = None  # over both threads: can exceed the wall time
    slowest_models: dict[str, float] | None = None  # where a dbt step's time went


def model_times(run_results: dict[str, Any]) -> dict[str, float]:
    """Each model's seconds in a dbt run (from its run_results.json), slowest first: the
    profile the bench prints for every incremental day."""
    timed = (
        (result["unique_id"].rsplit(".", 1)[-1], round(result["execution_time"], 2))
        for result in run_results["results"]
        if result["unique_id"].startswith("model.")
    )
    return dict(sorted(timed, key=lambda item: item[1], reverse=True))


def run_step(
    step: str, command: list[str], env: dict[str, str], cwd: Path = PROJECT_DIR
) -> Measure:
    """Run a child process; time it and read its own peak RSS from wait4."""
    started = time.monotonic()
    process = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    if os.waitstatus_to_exitcode(status) != 0:
        error = process.stderr.read().decode(errors="replace")[-2000:] if process.stderr else ""
        raise RuntimeError(f"{step} failed: {error}")
    return Measure(step, round(seconds, 2), round(usage.ru_maxrss / 1024, 1))


@dataclass
class DbtRunner:
    """dbt commands against one bench warehouse (its raw folder, DuckDB file and target)."""

    work: Path
    project: Path = PROJECT_DIR

    @property
    def env(self) -> dict[str, str]:
        return dbt_env(self.work / "raw", self.work)

    def command(self, verb: str, *args: str) -> list[str]:
        dbt = str(Path(sys.executable).with_name("dbt"))
        paths = ["--target-path", str(self.work / "target"), "--log-path", str(self.work / "logs")]
        return [dbt, verb, "--project-dir", str(self.project), *paths, "--quiet", *args]

    def seed(self) -> Measure:
        return run_step("seed", self.command("seed"), self.env)

    def run(self, step: str, *args: str) -> Measure:
        measure = run_step(step, self.command("run", *args), self.env)
        results = json.loads((self.work / "target" / "run_results.json").read_text())
        models = model_times(results)
        return replace(
            measure,
            models_seconds=round(results["elapsed_time"], 2),
            summed_model_seconds=round(sum(models.values()), 1),
            slowest_models=dict(list(models.items())[:5]),
        )
