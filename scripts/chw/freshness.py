"""Freshness limits of the raw sources, as `dbt source freshness` reads them (the sources
YAML's `warn_after` / `error_after`, from the build's manifest), so the data-quality report
and dbt agree on what is late."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

PERIOD_HOURS = {"minute": 1 / 60, "hour": 1.0, "day": 24.0}


@dataclass(frozen=True)
class Limits:
    """Hours after which a source is late (warn) or stale (error); None: not checked."""

    warn_hours: float | None
    error_hours: float | None

    def status(self, age_hours: float) -> str:
        if self.error_hours is not None and age_hours > self.error_hours:
            return "stale"
        if self.warn_hours is not None and age_hours > self.warn_hours:
            return "late"
        if self.warn_hours is None and self.error_hours is None:
            return "not checked"
        return "fresh"


def _hours(threshold: dict | None) -> float | None:
    if not threshold or threshold.get("count") is None or threshold.get("period") is None:
        return None
    return float(threshold["count"]) * PERIOD_HOURS[threshold["period"]]


def source_limits(manifest_path: Path) -> dict[str, Limits]:
    """`source.table` -> its limits; empty when there is no manifest (nothing built yet)."""
    if not manifest_path.exists():
        return {}
    manifest = json.loads(manifest_path.read_text())
    limits = {}
    for source in manifest["sources"].values():
        freshness = source.get("freshness") or {}
        limits[f"{source['source_name']}.{source['name']}"] = Limits(
            _hours(freshness.get("warn_after")), _hours(freshness.get("error_after"))
        )
    return limits
