"""`chw calibrate --apply`: copy a reviewed proposal into the seeds, only if it was fitted
from the seeds as they are now (nothing is overwritten silently)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from chw.errors import ChwError, ExitCode
from chw.fit.inputs import SEED_FILES, seeds_digest
from chw.fit.run import STATUS_PROPOSED


def apply_proposal(fit_dir: Path, seeds_dir: Path) -> list[str]:
    """Copy fit_dir/proposed/*.csv into seeds_dir; return the names of the files changed."""
    fit_file = fit_dir / "fit.json"
    if not fit_file.exists():
        raise ChwError(
            f"no proposal in {fit_dir}: run `chw calibrate --fit` first", ExitCode.NOT_FOUND
        )
    fit = json.loads(fit_file.read_text())
    if fit.get("status") != STATUS_PROPOSED:
        raise ChwError(
            f"{fit_file} holds no fitted proposal ({fit.get('status')}): see fit.md",
            ExitCode.BAD_INPUT,
        )
    proposed = [fit_dir / "proposed" / name for name in SEED_FILES]
    missing = [p.name for p in proposed if not p.exists()]
    if missing:
        raise ChwError(f"the proposal lacks {', '.join(missing)}", ExitCode.NOT_FOUND)
    if seeds_digest(seeds_dir) != fit.get("seeds_sha256"):
        raise ChwError(
            f"the seeds in {seeds_dir} changed since the fit of {fit.get('generated_at')}: "
            "run `chw calibrate --fit` again (nothing was copied)",
            ExitCode.BAD_INPUT,
        )
    changed = []
    for source in proposed:
        target = seeds_dir / source.name
        if target.read_bytes() != source.read_bytes():
            shutil.copyfile(source, target)
            changed.append(source.name)
    return changed


def diff_stat(seeds_dir: Path) -> str:
    """`git diff --stat` of the seeds folder, or '' outside a git work tree."""
    try:
        done = subprocess.run(
            ["git", "diff", "--stat", "--", "."],
            cwd=seeds_dir,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""
