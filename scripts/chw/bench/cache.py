"""The bench's raw data, generated once per history length and kept in .cache/bench: the whole
history in `all/`, and `before-N/` lacking the rows loaded on the last N days, so each
incremental run lands one more day."""

from __future__ import annotations

import json
import os
import shutil
from datetime import date, timedelta
from pathlib import Path

from rich.console import Console

from chw.generate import RAW_TABLES, generate
from chw.landing import STREAMS, landed_before

BENCH_ACCOUNTS = 10_000
BENCH_END = date(2026, 6, 30)  # fixed, so the cache is reusable and figures comparable
NEW_DAYS = 3  # incremental runs measured after the full build


def generated_once(raw: Path, marker: Path, accounts: int, days: int) -> bool:
    """Generate `accounts` x `days` into `raw` unless the parameters recorded in `marker` (a
    params.json) match; True when it generated."""
    params = {"accounts": accounts, "days": days, "end": BENCH_END.isoformat()}
    params["streams"] = list(STREAMS)
    if marker.exists() and json.loads(marker.read_text()) == params:
        return False
    marker.unlink(missing_ok=True)
    shutil.rmtree(raw, ignore_errors=True)
    Console().print(f"generating {accounts:,} accounts x {days} days into {raw} …")
    generate(raw, accounts=accounts, days=days, end_date=BENCH_END)
    marker.write_text(json.dumps(params))
    return True


def prepare_cache(cache: Path, days: int) -> list[Path]:
    """Generate `days` of history once into `all/`; derive `before-N/`. Returns the raw
    folders oldest first: the full build's, then one per new day."""
    everything = cache / "all" / "raw"
    if generated_once(everything, cache / "params.json", BENCH_ACCOUNTS, days):
        for stale in cache.glob("before-*/raw/.complete"):
            stale.unlink()
    folders = []
    for days_back in range(NEW_DAYS, 0, -1):
        before = cache / f"before-{days_back}" / "raw"
        if not (before / ".complete").exists():
            landed_before(everything, before, BENCH_END - timedelta(days=days_back - 1))
            (before / ".complete").touch()
        folders.append(before)
    return [*folders, everything]


def land(source: Path, raw: Path) -> None:
    """Swap a day's raw files into the folder the build reads (hard links: no copying)."""
    raw.mkdir(parents=True, exist_ok=True)
    for table in RAW_TABLES:
        staged = raw / f".{table}.parquet"
        staged.unlink(missing_ok=True)
        os.link(source / f"{table}.parquet", staged)
        staged.replace(raw / f"{table}.parquet")
