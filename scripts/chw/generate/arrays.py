"""Small vectorised helpers shared by every stream: random streams, ids, timestamps, writing."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from chw.generate.schemas import SCHEMAS, TS, US_PER_MIN


def _rng(seed: int, stream: str) -> np.random.Generator:
    """An independent random stream per table: changing one table never shifts another."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, *stream.encode()])))


def _ids(prefix: str, n: int, width: int, start: int = 1) -> pa.Array:
    """'<prefix><zero-padded number>' ids, built in Arrow (no Python string loop)."""
    nums = pc.cast(pa.array(np.arange(start, start + n, dtype=np.int64)), pa.string())
    return pc.binary_join_element_wise(prefix, pc.utf8_lpad(nums, width=width, padding="0"), "")


def _take(values: pa.Array | np.ndarray, idx: np.ndarray, mask: np.ndarray | None = None):
    """values[idx] as an Arrow array; rows where `mask` is True become null."""
    if isinstance(values, np.ndarray):
        values = pa.array(values)
    return values.take(pa.array(np.asarray(idx, dtype=np.int64), mask=mask))


def _ts(us: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    return pa.array(np.asarray(us, dtype=np.int64), type=TS, mask=mask)


def _dates(epoch_days: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(epoch_days, dtype=np.int32), type=pa.date32())


def _pick(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One categorical draw per row of a (rows, k) probability matrix."""
    u = rng.random(len(probs))[:, None]
    return np.minimum((u > np.cumsum(probs, axis=1)).sum(axis=1), probs.shape[1] - 1)


def _time_of_day(rng: np.random.Generator, peak_hour: np.ndarray, sd_hours: float) -> np.ndarray:
    """Microseconds into the UTC day, around each row's regional working-day peak."""
    sec = np.mod(rng.normal(peak_hour * 3600.0, sd_hours * 3600.0), 86_400.0)
    return (sec * 1e6).astype(np.int64)


def _delay(rng: np.random.Generator, n: int, min_minutes: float, mean_minutes: float):
    """EL landing delay in microseconds: a floor plus an exponential tail."""
    return ((min_minutes + rng.exponential(mean_minutes, n)) * US_PER_MIN).astype(np.int64)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(account, day) index of every row of an (accounts, days) count matrix."""
    flat = np.repeat(np.arange(counts.size), counts.ravel())
    return np.divmod(flat, counts.shape[1])


def _write(path: Path, tables: Iterable[pa.Table], schema: pa.Schema) -> int:
    """Write tables as row groups of one Parquet file, atomically; return rows written."""
    tmp = path.with_name(path.name + ".tmp")
    rows = 0
    with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
        for table in tables:
            writer.write_table(table.cast(schema), row_group_size=1 << 20)
            rows += table.num_rows
    tmp.replace(path)
    return rows


def _table(name: str, columns: dict[str, pa.Array], order: pa.Array | None = None) -> pa.Table:
    table = pa.table(columns).select(SCHEMAS[name].names).cast(SCHEMAS[name])
    return table if order is None else table.take(pc.sort_indices(order))
