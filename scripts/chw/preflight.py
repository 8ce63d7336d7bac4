"""Structural checks of the raw files before anything runs: a broken file stops the run
with one line naming the file and the problem, instead of a stack trace from deep in dbt."""

from __future__ import annotations

from pathlib import Path

import duckdb

from chw.contract import RawTable, raw_tables
from chw.errors import ChwError, ExitCode

# DuckDB type names each contract type accepts.
_ACCEPTED = {
    "timestamp": ("TIMESTAMP",),
    "date": ("DATE", "TIMESTAMP"),
    "bigint": ("BIGINT", "INTEGER", "HUGEINT", "UBIGINT"),
    "integer": ("INTEGER", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT"),
    "double": ("DOUBLE", "FLOAT", "DECIMAL", "INTEGER", "BIGINT"),
    "boolean": ("BOOLEAN",),
    "varchar": ("VARCHAR",),
}


def _type_matches(contract_type: str, actual: str) -> bool:
    return actual.upper().startswith(_ACCEPTED[contract_type])


def check_table(raw_dir: Path, table: RawTable, con: duckdb.DuckDBPyConnection) -> int:
    """Raise ChwError if the table's file breaks the contract; return its row count (0 for
    an optional table whose file is absent)."""
    path = raw_dir / f"{table.name}.parquet"
    if not path.exists():
        if not table.required:
            return 0
        raise ChwError(f"{path}: file is missing (a required table)", ExitCode.BAD_INPUT)
    try:
        described = con.execute(f"describe select * from read_parquet('{path}')").fetchall()
        rows = con.execute(f"select count(*) from read_parquet('{path}')").fetchone()[0]
    except duckdb.Error as exc:
        first_line = str(exc).splitlines()[0]
        raise ChwError(
            f"{path}: not a readable Parquet file ({first_line})", ExitCode.BAD_INPUT
        ) from None
    actual = {name: data_type for name, data_type, *_ in described}
    for column, contract_type in zip(table.columns, table.types, strict=True):
        if column not in actual:
            extra = sorted(set(actual) - set(table.columns))
            hint = f"; unexpected column(s): {', '.join(extra)}" if extra else ""
            raise ChwError(f"{path}: column '{column}' is missing{hint}", ExitCode.BAD_INPUT)
        if not _type_matches(contract_type, actual[column]):
            raise ChwError(
                f"{path}: column '{column}' is {actual[column]}, expected {contract_type}",
                ExitCode.BAD_INPUT,
            )
    if rows == 0 and table.required:
        raise ChwError(f"{path}: file has no rows (a required table)", ExitCode.BAD_INPUT)
    return int(rows)


def check_raw(raw_dir: Path) -> dict[str, int]:
    """Check every raw table of the contract; return rows per table (0 = absent)."""
    if not raw_dir.is_dir():
        raise ChwError(
            f"{raw_dir}: raw data folder does not exist (run `chw generate` first)",
            ExitCode.BAD_INPUT,
        )
    con = duckdb.connect()
    try:
        return {table.name: check_table(raw_dir, table, con) for table in raw_tables()}
    finally:
        con.close()


def absent_tables(raw_rows: dict[str, int]) -> list[str]:
    """The optional raw tables a run does without (no file or no rows): partial sources."""
    return [table.name for table in raw_tables() if not table.required and not raw_rows[table.name]]
