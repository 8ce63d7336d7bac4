"""The raw folder as it stood before a cutoff: what had landed by then. Streams gain rows as
they are delivered; the other tables are extracts of current state (a row's `_loaded_at` is
its last change), delivered whole each time. The bench and the incremental test replay days
with it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from chw.generate import RAW_TABLES
from chw.sqlquote import literal

STREAMS = ("product_events", "web_visits", "content_interactions", "survey_responses")


def landed_before(everything: Path, target: Path, cutoff: date) -> None:
    """Write into `target` the streams' rows loaded before `cutoff` and every extract whole."""
    target.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    for table in RAW_TABLES:
        landed = f"where _loaded_at < date '{cutoff}'" if table in STREAMS else ""
        source, copy = everything / f"{table}.parquet", target / f"{table}.parquet"
        con.execute(
            f"copy (select * from read_parquet({literal(source)}) {landed}) "
            f"to {literal(copy)} (format parquet, compression zstd)"
        )
    con.close()
