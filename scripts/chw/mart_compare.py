"""Compare every mart table of two engines row by row and value by value (SPEC §9).

The reference is the DuckDB build file; the other engine's tables are Parquet folders (a
local Spark warehouse writes `<schema>.db/<table>/part-*.parquet`). Both are read by one
in-memory DuckDB connection and joined on each table's key, which the project's own unique
tests declare (manifest.json). Numbers match within a relative tolerance; everything else
must be equal. The result says which marts differ and by how much.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from chw.portability import MARTS_SCHEMA
from chw.sqlquote import literal

TOLERANCE = 1e-6  # |a - b| <= TOLERANCE * max(1, |a|): floating-point order of sums only
OTHER = "other"  # the schema of views over the other engine's Parquet folders
NUMERIC_PREFIXES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE")
NUMERIC_PREFIXES += ("DECIMAL", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "REAL")


@dataclass(frozen=True)
class ColumnDiff:
    """A value column's rows that differ, the largest numeric gap, and a key where it is."""

    rows: int
    max_abs_diff: float | None
    example_key: str | None


@dataclass
class TableDiff:
    """How one mart on the other engine differs from the reference."""

    table: str
    key: list[str]
    reference_rows: int
    other_rows: int | None  # None: the other engine has no such table
    missing_rows: int = 0  # keys only in the reference
    extra_rows: int = 0  # keys only in the other engine
    example_missing: list[str] = field(default_factory=list)
    example_extra: list[str] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)
    extra_columns: list[str] = field(default_factory=list)
    columns: dict[str, ColumnDiff] = field(default_factory=dict)  # only those that differ

    @property
    def equal(self) -> bool:
        return (
            self.other_rows is not None
            and not (self.missing_rows or self.extra_rows)
            and not (self.missing_columns or self.extra_columns or self.columns)
        )

    def describe(self) -> str:
        """One line: 'equal', or what differs and by how much."""
        if self.other_rows is None:
            return "missing on the other engine"
        parts = []
        if self.missing_rows or self.extra_rows:
            parts.append(
                f"{self.missing_rows:,} rows missing (e.g. {', '.join(self.example_missing)}), "
                f"{self.extra_rows:,} extra (e.g. {', '.join(self.example_extra)})"
            )
        if self.missing_columns or self.extra_columns:
            parts.append(f"columns missing {self.missing_columns}, extra {self.extra_columns}")
        for name, diff in self.columns.items():
            gap = "" if diff.max_abs_diff is None else f", max |diff| {diff.max_abs_diff:.3g}"
            parts.append(f"{name}: {diff.rows:,} rows differ{gap} (e.g. {diff.example_key})")
        return "; ".join(parts) or "equal"


def unique_keys(manifest_path: Path) -> dict[str, list[str]]:
    """Each model's key, from its unique_combination_of_columns or unique test in the manifest."""
    manifest = json.loads(manifest_path.read_text())
    keys: dict[str, list[str]] = {}
    for node in manifest["nodes"].values():
        metadata = node.get("test_metadata") or {}
        attached = (node.get("attached_node") or "").rsplit(".", 1)[-1]
        kwargs = metadata.get("kwargs", {})
        if metadata.get("name") == "unique_combination_of_columns" and attached:
            keys[attached] = list(kwargs["combination_of_columns"])
        elif metadata.get("name") == "unique" and attached and kwargs.get("column_name"):
            keys.setdefault(attached, [kwargs["column_name"]])
    return keys


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    return {
        name: kind
        for name, kind, *_ in con.execute(f"describe select * from {relation}").fetchall()
    }


def attach_spark_warehouse(
    con: duckdb.DuckDBPyConnection, warehouse_dir: Path, schema: str = MARTS_SCHEMA
) -> None:
    """Views in schema `other` over each table folder of `<warehouse>/<schema>.db/`."""
    con.execute(f"create schema if not exists {OTHER}")
    for folder in sorted((warehouse_dir / f"{schema}.db").glob("*/")):
        if any(folder.glob("*.parquet")):
            files = literal(folder / "*.parquet")
            name = f"{OTHER}.{_quote(folder.name)}"
            con.execute(f"create view {name} as select * from read_parquet({files})")


def _join_key(columns: dict[str, str], key: list[str] | None) -> list[str]:
    """The declared key if both sides have it, else every column that is not a fraction."""
    if key and set(key) <= columns.keys():
        return key
    return [c for c, t in columns.items() if not t.startswith(("DOUBLE", "FLOAT", "DECIMAL"))]


def _side(relation: str, columns: dict[str, str], key: list[str], cast: bool) -> str:
    """A side of the join: its columns (the other's cast to the reference's types) and `_n`,
    the row's number among rows with the same key (1 when the key is unique)."""
    exprs = [
        f"try_cast({_quote(c)} as {t}) as {_quote(c)}" if cast else _quote(c)
        for c, t in columns.items()
    ]
    partition = ", ".join(_quote(c) for c in key) or "1"
    order = ", ".join(_quote(c) for c in columns) or "1"
    number = f"row_number() over (partition by {partition} order by {order}) as _n"
    return f"select {', '.join(exprs)}, {number} from {relation}"


def _differs(column: str, numeric: bool) -> str:
    a, b = f"a.{_quote(column)}", f"b.{_quote(column)}"
    if not numeric:
        return f"{a} is distinct from {b}"
    gap = f"abs(cast({a} as double) - cast({b} as double))"
    bound = f"{TOLERANCE} * greatest(1, abs(cast({a} as double)))"
    return f"{a} is distinct from {b} and not coalesce({gap} <= {bound}, false)"


def _compare_sql(reference: str, other: str, columns: dict[str, str], key: list[str]) -> str:
    values = [c for c in columns if c not in key]
    on = " and ".join(f"a.{_quote(c)} is not distinct from b.{_quote(c)}" for c in key)
    key_text = "concat_ws('|', " + ", ".join(f"{{s}}.{_quote(c)}" for c in key) + ")"
    both = "a._n is not null and b._n is not null"
    selects = [
        "count(*) filter (where b._n is null)",
        "count(*) filter (where a._n is null)",
        f"(list({key_text.format(s='a')}) filter (where b._n is null))[1:3]",
        f"(list({key_text.format(s='b')}) filter (where a._n is null))[1:3]",
    ]
    for column in values:
        numeric = columns[column].startswith(NUMERIC_PREFIXES)
        differs = f"{both} and ({_differs(column, numeric)})"
        gap = f"abs(cast(a.{_quote(column)} as double) - cast(b.{_quote(column)} as double))"
        selects += [
            f"count(*) filter (where {differs})",
            f"max({gap}) filter (where {differs})" if numeric else "null",
            f"arg_max({key_text.format(s='a')}, coalesce({gap}, 0)) filter (where {differs})"
            if numeric
            else f"any_value({key_text.format(s='a')}) filter (where {differs})",
        ]
    return (
        f"with a as ({_side(reference, columns, key, False)}), "
        f"b as ({_side(other, columns, key, True)}) "
        f"select {', '.join(selects)} from a full outer join b on {on} and a._n = b._n"
    )


def compare_table(
    con: duckdb.DuckDBPyConnection, reference: str, other: str, name: str, key: list[str] | None
) -> TableDiff:
    """Compare relation `other` with `reference`, joined on `key`."""
    ref_columns = _columns(con, reference)
    reference_rows = con.execute(f"select count(*) from {reference}").fetchone()[0]  # type: ignore[index]
    try:
        other_columns = _columns(con, other)
    except duckdb.CatalogException:
        return TableDiff(name, key or [], reference_rows, None)
    common = {c: t for c, t in ref_columns.items() if c in other_columns}
    join_key = _join_key(common, key)
    diff = TableDiff(
        name,
        join_key,
        reference_rows,
        con.execute(f"select count(*) from {other}").fetchone()[0],  # type: ignore[index]
        missing_columns=[c for c in ref_columns if c not in other_columns],
        extra_columns=[c for c in other_columns if c not in ref_columns],
    )
    row = con.execute(_compare_sql(reference, other, common, join_key)).fetchone()
    assert row is not None
    diff.missing_rows, diff.extra_rows, diff.example_missing, diff.example_extra = row[:4]
    values = [c for c in common if c not in join_key]
    for index, column in enumerate(values):
        rows, gap, example = row[4 + 3 * index : 7 + 3 * index]
        if rows:
            diff.columns[column] = ColumnDiff(rows, gap, example)
    return diff


def compare_marts(
    reference_db: Path, spark_warehouse: Path, keys: dict[str, list[str]]
) -> list[TableDiff]:
    """Every table of the reference's marts schema against the Spark warehouse's."""
    with duckdb.connect() as con:
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"attach {literal(reference_db)} as reference (read_only)")
        attach_spark_warehouse(con, spark_warehouse)
        tables = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables "
                "where table_catalog = 'reference' and table_schema = ? order by 1",
                [MARTS_SCHEMA],
            ).fetchall()
        ]
        return [
            compare_table(
                con,
                f"reference.{MARTS_SCHEMA}.{_quote(name)}",
                f"{OTHER}.{_quote(name)}",
                name,
                keys.get(name),
            )
            for name in tables
        ]
