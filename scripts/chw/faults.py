"""Bad-input injection for the synthetic raw data (SPEC §3: bad input is normal input).

Two kinds of damage:

* row faults (`inject_faults`): duplicates, null keys, orphans, out-of-range scores, negative
  amounts, future timestamps, unknown currency and late-arriving rows, each at about a chosen
  share of a table's rows. It works on one pyarrow table at a time, so the product event stream
  is damaged chunk by chunk.
* structural faults (`break_raw_file`): a raw Parquet file that is missing, lacks or renames a
  column, has a wrongly typed column, is empty or is not Parquet at all.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

ROW_FAULTS = (
    "duplicate",
    "null_key",
    "orphan",
    "out_of_range",
    "negative_amount",
    "future_timestamp",
    "unknown_currency",
    "late_arriving",
)
FILE_FAULTS = (
    "missing_file",
    "missing_column",
    "renamed_column",
    "wrong_type",
    "empty",
    "unreadable",
)

ORPHAN_PREFIX = "A_UNKNOWN_"
UNKNOWN_CURRENCY = "XXX"
FUTURE_OFFSET_DAYS = 3650
SCORE_SCALES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}

_US_PER_HOUR = 3_600_000_000
_US_PER_DAY = 24 * _US_PER_HOUR
_LAST_LOAD_HOUR = 4  # late and duplicate rows land by 04:00 the day after the last day
# The timestamp that says when the thing happened, per table that gets future timestamps.
_EVENT_TIME = {
    "product_events": "occurred_at",
    "web_visits": "occurred_at",
    "content_interactions": "occurred_at",
    "survey_responses": "responded_at",
    "support_tickets": "opened_at",
}
_AMOUNTS = {"invoices": ("amount",), "subscriptions": ("arr", "mrr")}
_SCORES = {"survey_responses": "score", "support_tickets": "csat_score"}


def applicable_faults(table: str, columns: list[str]) -> list[str]:
    """Row fault kinds that make sense for a raw table with these columns."""
    kinds = ["duplicate", "null_key", "late_arriving"]
    if table == "accounts" or "account_id" in columns[1:]:
        kinds.append("orphan")
    if table in _SCORES:
        kinds.append("out_of_range")
    if table in _AMOUNTS:
        kinds += ["negative_amount", "unknown_currency"]
    if table in _EVENT_TIME:
        kinds.append("future_timestamp")
    return [k for k in ROW_FAULTS if k in kinds]


def inject_faults(
    table: pa.Table, name: str, rate: float, rng: np.random.Generator, *, end_date: date
) -> pa.Table:
    """Damage about `rate` of the rows of raw table `name` with each applicable fault kind.

    Each kind hits ceil(rate * rows) rows; the kinds hit disjoint rows when the table has room
    for them all, so a row carries one fault and staging can quarantine it for one reason.
    Duplicates are appended copies of clean rows (same id, later `_loaded_at`).
    """
    n = table.num_rows
    if rate <= 0 or n == 0:
        return table
    kinds = applicable_faults(name, table.column_names)
    k = min(n, math.ceil(rate * n))
    perm = rng.permutation(n)
    # Consecutive blocks of a permutation: disjoint when the table is big enough, otherwise
    # wrapping round so tiny tables (a couple of overrides) still show each kind.
    picks = {kind: np.unique(perm[(i * k + np.arange(k)) % n]) for i, kind in enumerate(kinds)}
    schema = table.schema
    for kind, rows in picks.items():
        if kind != "duplicate":
            table = _APPLY[kind](table, name, rows, rng, end_date)
    copies = table.take(pa.array(picks["duplicate"]))
    copies = _shift_loaded_at(copies, rng.integers(1, 25, copies.num_rows) * _US_PER_HOUR, end_date)
    return pa.concat_tables([table, copies]).cast(schema)


def _mask(n: int, rows: np.ndarray) -> pa.Array:
    mask = np.zeros(n, dtype=bool)
    mask[rows] = True
    return pa.array(mask)


def _replace(table: pa.Table, column: str, rows: np.ndarray, values: pa.Array) -> pa.Table:
    """Set `column` at `rows` (sorted) to `values`."""
    col = table.column(column).combine_chunks()
    new = pc.replace_with_mask(col, _mask(len(col), rows), values.cast(col.type))
    return table.set_column(table.schema.get_field_index(column), column, new)


def _ints(arr: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return arr.cast(pa.int64()).to_numpy(zero_copy_only=False)


def _shift_loaded_at(table: pa.Table, delta_us: np.ndarray, end_date: date) -> pa.Table:
    """Land rows later, but not after the morning after `end_date`: nothing lands after the
    simulated world stops (the warehouse's as-of date is the day before the latest load)."""
    before = _ints(table.column("_loaded_at"))
    cap = ((end_date - date(1970, 1, 1)).days + 1) * _US_PER_DAY + _LAST_LOAD_HOUR * _US_PER_HOUR
    loaded = np.maximum(before, np.minimum(before + delta_us, cap))
    idx = table.schema.get_field_index("_loaded_at")
    return table.set_column(idx, "_loaded_at", pa.array(loaded, type=pa.timestamp("us")))


def _null_key(table: pa.Table, name: str, rows: np.ndarray, rng, end_date) -> pa.Table:
    # Half lose their id, half their account (web visits may legitimately lack an account).
    key = table.column_names[0]
    use_account = "account_id" in table.column_names[1:] and name != "web_visits"
    half = rows[rng.random(len(rows)) < 0.5] if use_account else rows
    rest = np.setdiff1d(rows, half)
    table = _replace(table, key, half, pa.nulls(len(half), table.schema.field(key).type))
    if len(rest):
        table = _replace(table, "account_id", rest, pa.nulls(len(rest), pa.string()))
    return table


def _orphan(table: pa.Table, name: str, rows: np.ndarray, rng, end_date) -> pa.Table:
    column = "parent_account_id" if name == "accounts" else "account_id"
    nums = pc.cast(pa.array(rng.integers(1, 1000, len(rows))), pa.string())
    return _replace(table, column, rows, pc.binary_join_element_wise(ORPHAN_PREFIX, nums, ""))


def _out_of_range(table: pa.Table, name: str, rows: np.ndarray, rng, end_date) -> pa.Table:
    below = rng.random(len(rows)) < 0.5
    if name == "support_tickets":
        values = np.where(below, 0, 9)
    else:
        types = table.column("survey_type").take(pa.array(rows)).to_numpy(zero_copy_only=False)
        lo = np.array([SCORE_SCALES.get(t, (1, 5))[0] for t in types])
        hi = np.array([SCORE_SCALES.get(t, (1, 5))[1] for t in types])
        values = np.where(below, lo - 1, hi + 1)
    return _replace(table, _SCORES[name], rows, pa.array(values, type=pa.int32()))


def _negative_amount(table: pa.Table, name: str, rows: np.ndarray, rng, end_date) -> pa.Table:
    for column in _AMOUNTS[name]:
        values = pc.negate(pc.abs(table.column(column).combine_chunks().take(pa.array(rows))))
        table = _replace(table, column, rows, values)
    return table


def _future_timestamp(table: pa.Table, name: str, rows: np.ndarray, rng, end_date) -> pa.Table:
    column = _EVENT_TIME[name]
    base = (end_date - date(1970, 1, 1)).days + FUTURE_OFFSET_DAYS
    time_of_day = _ints(table.column(column).take(pa.array(rows))) % _US_PER_DAY
    values = pa.array(base * _US_PER_DAY + time_of_day, type=pa.timestamp("us"))
    return _replace(table, column, rows, values)


def _unknown_currency(table: pa.Table, name: str, rows: np.ndarray, rng, end_date) -> pa.Table:
    return _replace(table, "currency", rows, pa.array([UNKNOWN_CURRENCY] * len(rows)))


def _late_arriving(table: pa.Table, name: str, rows: np.ndarray, rng, end_date) -> pa.Table:
    delta = np.zeros(table.num_rows, dtype=np.int64)
    delta[rows] = rng.integers(2 * _US_PER_DAY, 10 * _US_PER_DAY, len(rows))
    return _shift_loaded_at(table, delta, end_date)


_APPLY = {
    "null_key": _null_key,
    "orphan": _orphan,
    "out_of_range": _out_of_range,
    "negative_amount": _negative_amount,
    "future_timestamp": _future_timestamp,
    "unknown_currency": _unknown_currency,
    "late_arriving": _late_arriving,
}


def break_raw_file(raw_dir: Path, table: str, kind: str, *, column: str | None = None) -> None:
    """Structurally break `raw_dir/<table>.parquet` in place.

    kinds: missing_file (deleted), missing_column (drops `column`, default account_id, else the
    first non-id column), renamed_column (same column renamed to '<name>_renamed'), wrong_type
    (`column`, default the first timestamp column other than _loaded_at, rewritten as the string
    'not a date'), empty (zero rows, same schema), unreadable (garbage bytes).
    """
    path = Path(raw_dir) / f"{table}.parquet"
    if kind not in FILE_FAULTS:
        raise ValueError(f"unknown file fault {kind!r}; expected one of {', '.join(FILE_FAULTS)}")
    if kind == "missing_file":
        path.unlink()
        return
    if kind == "unreadable":
        path.write_bytes(b"this is not a parquet file\x00\xff" * 64)
        return
    schema = pq.read_schema(path)
    if kind == "empty":
        _atomic_write(path, [schema.empty_table()], schema)
        return
    target = column or _default_column(schema, kind)
    if kind == "missing_column":
        new_schema = schema.remove(schema.get_field_index(target))
    elif kind == "renamed_column":
        new_schema = pa.schema(
            [f.with_name(f"{f.name}_renamed") if f.name == target else f for f in schema]
        )
    else:
        new_schema = schema.set(schema.get_field_index(target), pa.field(target, pa.string()))
    batches = (
        _rebuild(pa.Table.from_batches([b]), new_schema, target, kind)
        for b in pq.ParquetFile(path).iter_batches(batch_size=1_000_000)
    )
    _atomic_write(path, batches, new_schema)


def _default_column(schema: pa.Schema, kind: str) -> str:
    if kind == "wrong_type":
        temporal = [f.name for f in schema if pa.types.is_temporal(f.type)]
        return next((c for c in temporal if c != "_loaded_at"), "_loaded_at")
    if "account_id" in schema.names:
        return "account_id"
    return schema.names[1]


def _rebuild(batch: pa.Table, schema: pa.Schema, target: str, kind: str) -> pa.Table:
    if kind == "missing_column":
        return batch.drop_columns([target])
    if kind == "renamed_column":
        return batch.rename_columns(schema.names)
    idx = batch.schema.get_field_index(target)
    bad = pa.array(["not a date"] * batch.num_rows, type=pa.string())
    return batch.set_column(idx, target, bad)


def _atomic_write(path: Path, tables, schema: pa.Schema) -> None:
    # Stream into a sibling file, then swap: a half-written raw file never appears.
    tmp = path.with_name(path.name + ".tmp")
    with pq.ParquetWriter(tmp, schema) as writer:
        for t in tables:
            writer.write_table(t.cast(schema))
    tmp.replace(path)
