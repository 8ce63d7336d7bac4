"""Bench step: re-scoring after a seed change. A metric weight changes in a copy of the
project (the repository's seeds are never edited); `dbt seed` loads it and an incremental
`dbt run` of the copy re-scores every day, from normalisation on, over the database the
bench's incremental days left. Measuring (events, activity, metrics) must not run again, so
its cost is set against the floor (one scan and aggregate of the raw events)."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from chw.bench.steps import DbtRunner, Measure
from chw.project import copy_project
from chw.settings import PROJECT_DIR

STEP = "re-score"
SHIFT = Decimal("0.05")  # weight moved between two metrics of one component


def rescore_project(dest: Path, source: Path = PROJECT_DIR) -> tuple[Path, str]:
    """A copy of the project where a component's first metric takes 0.05 of weight from
    another of the component (its weights still sum to 1); returns the copy and the change."""
    copy_project(dest, source)
    seed = dest / "seeds" / "scoring_metrics.csv"
    rows = list(csv.DictReader(io.StringIO(seed.read_text())))
    gainer, giver = next(
        (a, b)
        for a in rows
        for b in rows
        if a is not b and a["component"] == b["component"] and Decimal(b["weight"]) >= SHIFT
    )
    gainer["weight"] = str(Decimal(gainer["weight"]) + SHIFT)
    giver["weight"] = str(Decimal(giver["weight"]) - SHIFT)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0].keys()), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    seed.write_text(out.getvalue())
    change = f"weight {SHIFT} from {giver['metric_name']} to {gainer['metric_name']}"
    return dest, change


def measure_rescore(runner: DbtRunner) -> tuple[Measure, str]:
    """Seed and run the changed copy against the bench's warehouse; the run's measure and the
    change."""
    project, change = rescore_project(runner.work / "rescore-project")
    rescorer = replace(runner, project=project)
    rescorer.seed()
    return rescorer.run(STEP), change
