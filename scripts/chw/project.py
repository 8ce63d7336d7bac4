"""A copy of the dbt project (a customer's fork): the re-score bench and the tests change a
copy's seeds, never the repository's. CHW_PROJECT_DIR runs chw on such a copy."""

from __future__ import annotations

import shutil
from pathlib import Path

from chw.settings import PROJECT_DIR

PROJECT_PARTS = (
    "models",
    "macros",
    "seeds",
    "tests",
    "analyses",
    "gx",
    "dbt_project.yml",
    "profiles.yml",
)


def copy_project(dest: Path, source: Path = PROJECT_DIR) -> Path:
    """Copy the project's parts into `dest` (replacing an older copy there)."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    for part in PROJECT_PARTS:
        if (source / part).is_dir():
            shutil.copytree(source / part, dest / part)
        else:
            shutil.copy2(source / part, dest / part)
    return dest
