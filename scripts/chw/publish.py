"""Write-audit-publish: copy the audited marts of the build database into a new file, then
swap it in with one atomic rename. BI readers hold read-only connections to the published
file; they never see a half-built state and never block a build (the build is another file)."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from chw.publish_views import copy_views
from chw.settings import Paths
from chw.sqlquote import literal

PUBLISHED_SCHEMAS = ("marts", "scoring_config")


def publish(paths: Paths, run_id: str) -> dict[str, int]:
    """Publish the build's marts atomically; return rows per published table."""
    staging_file = paths.published_db.with_name(f".{paths.published_db.name}.{run_id}.tmp")
    staging_file.unlink(missing_ok=True)
    con = duckdb.connect()
    try:
        con.execute(f"attach {literal(paths.build_db)} as build (read_only)")
        con.execute(f"attach {literal(staging_file)} as published")
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_catalog = 'build' and table_type = 'BASE TABLE' "
            f"and table_schema in {PUBLISHED_SCHEMAS} order by 1, 2"
        ).fetchall()
        rows: dict[str, int] = {}
        for schema in PUBLISHED_SCHEMAS:
            con.execute(f"create schema published.{schema}")
        for schema, table in tables:
            con.execute(
                f"create table published.{schema}.{table} as select * from build.{schema}.{table}"
            )
            rows[f"{schema}.{table}"] = con.execute(
                f"select count(*) from published.{schema}.{table}"
            ).fetchone()[0]
        # a mart kept as a view: the same view, over copies of the tables it reads
        for schema, view in copy_views(con, "build", "published", PUBLISHED_SCHEMAS):
            rows[f"{schema}.{view}"] = con.execute(
                f"select count(*) from published.{schema}.{view}"
            ).fetchone()[0]
        published_at = datetime.now(UTC).replace(tzinfo=None)
        con.execute(
            "create table published.main.publication as "
            "select ? as run_id, ? as published_at, ? as tables_json",
            [run_id, published_at, json.dumps(rows, sort_keys=True)],
        )
        con.execute("detach published")
        con.execute("detach build")
    finally:
        con.close()
    _fsync(staging_file)
    os.replace(staging_file, paths.published_db)  # atomic on POSIX
    return rows


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def file_sha256(path: Path) -> str | None:
    """Checksum of a file's bytes, or None when it does not exist."""
    if not path.exists():
        return None
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


FLOAT_TYPES = ("DOUBLE", "FLOAT", "REAL")


def content_fingerprint(db_path: Path) -> dict[str, dict[str, object]]:
    """What every published mart contains, independent of row order and file layout: an exact
    checksum of its non-float columns and row count, and the sum of each float column (parallel
    sums add floats in a different order from run to run, so those compare with a tolerance)."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        columns = con.execute(
            "select table_schema, table_name, column_name, data_type "
            f"from information_schema.columns where table_schema in {PUBLISHED_SCHEMAS} "
            "order by table_schema, table_name, ordinal_position"
        ).fetchall()
        tables: dict[str, list[tuple[str, bool]]] = {}
        for schema, table, column, data_type in columns:
            tables.setdefault(f"{schema}.{table}", []).append((column, data_type in FLOAT_TYPES))
        fingerprint: dict[str, dict[str, object]] = {}
        for name, cols in tables.items():
            exact = [f'"{c}"' for c, is_float in cols if not is_float] or ["1"]
            sums = [f'sum("{c}")' for c, is_float in cols if is_float]
            row = con.execute(
                f"select count(*), coalesce(sum(hash({', '.join(exact)})), 0)::varchar"
                f"{''.join(', ' + s for s in sums)} from {name}"
            ).fetchone()
            floats = [c for c, is_float in cols if is_float]
            fingerprint[name] = {
                "rows": row[0],
                "checksum": row[1],
                **dict(zip(floats, row[2:], strict=True)),
            }
        return fingerprint
    finally:
        con.close()
