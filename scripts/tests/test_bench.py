"""The bench's profile of a dbt run, read from its run_results.json."""

from __future__ import annotations

import os
import resource
import sys

from chw.bench import model_times, run_step


def test_model_seconds_lists_models_only_slowest_first() -> None:
    run_results = {
        "results": [
            {"unique_id": "model.customer_health.fast", "execution_time": 1.254},
            {"unique_id": "seed.customer_health.scoring_bands", "execution_time": 9.0},
            {"unique_id": "model.customer_health.slow", "execution_time": 2.0},
            {"unique_id": "test.customer_health.unique_fast_id.1a2b", "execution_time": 5.0},
        ]
    }
    assert list(model_times(run_results).items()) == [("slow", 2.0), ("fast", 1.25)]


# a child that leaves a grandchild behind, which fills {mb} MB after its parent has exited
ORPHAN = (
    "import subprocess, sys; subprocess.Popen([sys.executable, '-c', "
    "'import time; time.sleep(0.5); b = bytearray({mb} * 2**20); time.sleep(0.5)'])"
)


def test_reaper_counts_the_memory_of_processes_left_behind() -> None:
    """Spark's JVM outlives dbt: run through chw.reaper, its memory is in the step's peak."""
    # a forked child starts with this process's peak: the grandchild fills 300 MB above it
    own_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    orphan = ORPHAN.format(mb=int(own_mb) + 300)
    plain = run_step("orphan", [sys.executable, "-c", orphan], dict(os.environ))
    reaper = [sys.executable, "-m", "chw.reaper", sys.executable, "-c", orphan]
    reaped = run_step("orphan", reaper, dict(os.environ))
    assert plain.peak_rss_mb < own_mb + 100 < own_mb + 250 < reaped.peak_rss_mb
    assert reaped.seconds >= 1.0  # it waited for the grandchild


def test_ratios_take_the_steady_days_after_the_first_and_compare_histories() -> None:
    from chw.bench.report import ratios
    from chw.bench.steps import Measure

    def history(day_seconds: list[float], startup: bool) -> list[Measure]:
        steps = [Measure("floor", 10.0, 100.0), Measure("full", 120.0, 5000.0)]
        steps += [Measure(f"incremental day {n}", s, 900.0) for n, s in enumerate(day_seconds, 1)]
        if startup:
            steps += [Measure("dbt start-up", 4.0, 300.0), Measure("re-score", 40.0, 2000.0)]
        return steps

    found = ratios(
        {365: history([30.0, 10.0, 12.0], True), 730: history([50.0, 12.0, 12.0], False)}
    )
    assert found["full_over_floor"] == 12.0
    assert found["steady_day_seconds"] == 11.0  # the first day pays one-off costs
    assert found["steady_day_over_startup"] == 2.75
    assert found["steady_day_730_over_365"] == round(12.0 / 11.0, 3)
    assert found["rescore_over_floor"] == 4.0
    assert found["peak_rss_mb"] == 5000.0
