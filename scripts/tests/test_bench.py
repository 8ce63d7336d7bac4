"""The bench's profile of a dbt run, read from its run_results.json."""

from __future__ import annotations

from chw.bench import model_times


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
