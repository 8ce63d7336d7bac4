"""Where things live. Every path can be moved with an environment variable."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# The dbt project (models, seeds, gx, ...): this checkout, or a copy named by CHW_PROJECT_DIR
# (a customer's fork, or a test that edits seeds without touching the repository's).
PROJECT_DIR = Path(os.environ.get("CHW_PROJECT_DIR") or Path(__file__).resolve().parents[2])


@dataclass(frozen=True)
class Paths:
    """The folders one pipeline run reads and writes."""

    raw: Path
    warehouse: Path
    output: Path

    @property
    def build_db(self) -> Path:
        """The write side of write-audit-publish: dbt builds here."""
        return self.warehouse / "build.duckdb"

    @property
    def published_db(self) -> Path:
        """What BI tools open (read-only); replaced atomically on publish."""
        return self.warehouse / "health.duckdb"

    @property
    def truth(self) -> Path:
        """Generator ground truth (latent health), never read by the models."""
        return self.raw.parent / "truth"

    @property
    def report_dir(self) -> Path:
        return self.output / "report"

    @property
    def dashboard_dir(self) -> Path:
        return self.output / "dashboard"

    @property
    def calibration_dir(self) -> Path:
        return self.output / "calibration"

    def dbt_env(self) -> dict[str, str]:
        """Environment the dbt profile and project read (profiles.yml, dbt_project.yml)."""
        return {
            "CHW_RAW_PATH": str(self.raw),
            "CHW_DUCKDB_PATH": str(self.build_db),
            "CHW_DUCKDB_TEMP_DIR": str(self.warehouse / "tmp"),
        }


def default_paths() -> Paths:
    """Paths from CHW_RAW_PATH / CHW_WAREHOUSE_DIR / CHW_OUTPUT_DIR, defaulting to the repo."""
    return Paths(
        raw=Path(os.environ.get("CHW_RAW_PATH", PROJECT_DIR / "data" / "raw")).resolve(),
        warehouse=Path(os.environ.get("CHW_WAREHOUSE_DIR", PROJECT_DIR / "warehouse")).resolve(),
        output=Path(os.environ.get("CHW_OUTPUT_DIR", PROJECT_DIR / "output")).resolve(),
    )
