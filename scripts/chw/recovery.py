"""Recovery: clean up after an interrupted publish, and detect a poisoned incremental state.

A publish killed midway leaves its staging copy (`.health.duckdb.<run>.tmp` and its `.wal`)
beside the publication; the next run removes it. An incremental build that holds rows
stamped in the future has a watermark no later batch passes, and one whose raw files were
rewritten holds rows the files no longer have: both are reported with the way out,
`chw run --full-refresh` (after fixing the raw rows)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from chw.errors import ChwError, ExitCode
from chw.settings import Paths

FULL_REFRESH_HINT = "rebuild it with `chw run --full-refresh`"
# A row stamped later than now plus this (clock skew) holds an incremental watermark hostage.
CLOCK_SKEW = timedelta(days=1)
# dbt failures that say the incremental state no longer fits the project or the raw files.
_STATE_FAILURES = (
    "assert_raw_equals_accepted_plus_quarantined",
    "agg_source_row_counts",  # its raw = accepted + quarantined test
    "assert_no_score_before_contract_start",  # an extract withdrew contracts of held days
    "out of sync",  # on_schema_change: fail
    "Referenced column",  # a seed or model whose columns changed under a built table
)


def leftover_publishes(paths: Paths) -> list[Path]:
    """Staging copies of a publish that never finished (and their write-ahead logs)."""
    folder = paths.published_db.parent
    if not folder.is_dir():
        return []
    prefix = f".{paths.published_db.name}."
    return sorted(p for p in folder.iterdir() if p.name.startswith(prefix) and ".tmp" in p.name)


def clean_interrupted_publish(paths: Paths) -> list[Path]:
    """Remove what an interrupted publish left behind; return the removed files."""
    removed = leftover_publishes(paths)
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def incremental_bases(paths: Paths) -> list[str]:
    """Incremental base models of the last build (from its manifest), as schema.table."""
    manifest = paths.warehouse / "target" / "manifest.json"
    if not manifest.exists():
        return []
    nodes = json.loads(manifest.read_text()).get("nodes", {}).values()
    return sorted(
        f"{n['schema']}.{n['alias']}"
        for n in nodes
        if n.get("resource_type") == "model"
        and n.get("config", {}).get("materialized") == "incremental"
        and n["name"].startswith("base_")
    )


def check_build_db(paths: Paths, *, full_refresh: bool) -> Path | None:
    """A build database DuckDB cannot open: removed on --full-refresh (return it), else an
    error saying so."""
    if not paths.build_db.exists():
        return None
    try:
        duckdb.connect(str(paths.build_db), read_only=True).close()
    except duckdb.Error as exc:
        if full_refresh:
            for path in (paths.build_db, paths.build_db.with_name(paths.build_db.name + ".wal")):
                path.unlink(missing_ok=True)
            return paths.build_db
        raise ChwError(
            f"{paths.build_db}: cannot open the build database ({str(exc).splitlines()[0]}); "
            f"{FULL_REFRESH_HINT} (it starts a new one; the publication is kept)",
            ExitCode.BUILD,
        ) from None
    return None


def check_watermarks(paths: Paths) -> None:
    """Raise ChwError when an incremental base holds rows loaded after now (plus skew)."""
    if not paths.build_db.exists():
        return
    limit = datetime.now(UTC).replace(tzinfo=None) + CLOCK_SKEW
    con = duckdb.connect(str(paths.build_db), read_only=True)
    try:
        for table in incremental_bases(paths):
            try:
                # rows quarantined as loaded in the future never set a watermark (staging
                # screens them again on the next run): only the others can poison it
                latest = con.execute(
                    f"select max(loaded_at) from {table} "
                    "where coalesce(quarantine_reason, '') <> 'future_loaded_at'"
                ).fetchone()[0]
            except duckdb.Error:
                continue  # not built yet
            if latest is not None and latest > limit:
                raise ChwError(
                    f"incremental state poisoned: {table} holds rows loaded at {latest} "
                    f"(after now), so later batches would be skipped; fix or remove those "
                    f"raw rows, then {FULL_REFRESH_HINT}",
                    ExitCode.BUILD,
                )
    finally:
        con.close()


def state_hint(failures: list[str], full_refresh: bool) -> str:
    """A hint for dbt failures that an incremental rebuild cures, else ''."""
    if full_refresh or not any(key in f for f in failures for key in _STATE_FAILURES):
        return ""
    return (
        "; the incremental state may be out of step with the raw files or models: "
        + FULL_REFRESH_HINT
    )
