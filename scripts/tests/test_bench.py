"""The bench's profile of a dbt run, read from its run_results.json."""

from __future__ import annotations

import os
import resource
import sys

from chw.bench import _run, model_times


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
    plain = _run("orphan", [sys.executable, "-c", orphan], dict(os.environ))
    reaper = [sys.executable, "-m", "chw.reaper", sys.executable, "-c", orphan]
    reaped = _run("orphan", reaper, dict(os.environ))
    assert plain.peak_rss_mb < own_mb + 100 < own_mb + 250 < reaped.peak_rss_mb
    assert reaped.seconds >= 1.0  # it waited for the grandchild
