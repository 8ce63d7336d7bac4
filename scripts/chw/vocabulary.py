"""The scoring vocabulary from the seeds, the one place it is defined: the components (and
the metrics of each) are rows of seeds/scoring_component_weights.csv and
seeds/scoring_metrics.csv, in the project chw runs (CHW_PROJECT_DIR or this checkout).
Python reads them here; dbt reads the built seeds; the tests compare both with the seeds."""

from __future__ import annotations

import csv
from pathlib import Path

from chw.settings import PROJECT_DIR


def _rows(seed: str, project_dir: Path) -> list[dict[str, str]]:
    with (project_dir / "seeds" / f"{seed}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def components(project_dir: Path = PROJECT_DIR) -> tuple[str, ...]:
    """The score's components, in the order of scoring_component_weights."""
    rows = _rows("scoring_component_weights", project_dir)
    return tuple(dict.fromkeys(row["component"] for row in rows))


def metrics_by_component(project_dir: Path = PROJECT_DIR) -> dict[str, tuple[str, ...]]:
    """Each component's metrics, in the order of scoring_metrics."""
    grouped: dict[str, list[str]] = {}
    for row in _rows("scoring_metrics", project_dir):
        grouped.setdefault(row["component"], []).append(row["metric_name"])
    return {component: tuple(names) for component, names in grouped.items()}
