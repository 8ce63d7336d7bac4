"""Load connector-shaped tables (Stripe, Zendesk, Salesforce, Segment as Fivetran syncs them)
into a warehouse schema named after the connector: the fixtures of the adapter tests, or a
user's CSV export to try an adapter before the connector runs (docs/adapters.md).

Each connector's columns and types are read from its sources YAML
(models/staging/connectors/<connector>/_<connector>__sources.yml), so the loader and the
adapter models agree. A CSV may omit columns (loaded as null) but not add unknown ones.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import yaml

from chw.errors import ChwError, ExitCode
from chw.settings import PROJECT_DIR

CONNECTORS_DIR = PROJECT_DIR / "models" / "staging" / "connectors"
DBT_PROJECT = PROJECT_DIR / "dbt_project.yml"
CONNECTORS = ("stripe", "zendesk", "salesforce", "segment")
POSTGRES_TYPES = {"double": "double precision", "varchar": "text"}


@dataclass(frozen=True)
class ConnectorTable:
    connector: str
    name: str
    columns: dict[str, str]  # column -> contract-style type name (varchar, bigint, ...)


def connector_tables(connector: str) -> dict[str, ConnectorTable]:
    """The tables an adapter reads, from the connector's sources YAML."""
    if connector not in CONNECTORS:
        raise ChwError(
            f"unknown connector {connector!r}; choose one of {', '.join(CONNECTORS)}",
            ExitCode.USAGE,
        )
    path = CONNECTORS_DIR / connector / f"_{connector}__sources.yml"
    spec = yaml.safe_load(path.read_text())
    tables = spec["sources"][0]["tables"]
    return {
        table["name"]: ConnectorTable(
            connector, table["name"], {c["name"]: c["data_type"] for c in table["columns"]}
        )
        for table in tables
    }


def connector_adapters() -> dict[str, dict[str, list[str]]]:
    """source -> connector -> raw tables it fills (var connector_adapters of dbt_project.yml)."""
    return yaml.safe_load(DBT_PROJECT.read_text())["vars"]["connector_adapters"]


def served_tables(dbt_vars: str | None) -> dict[str, str]:
    """The raw tables a run reads from connectors instead of native files, each with its
    connector, from the `<source>_source` vars of `chw run --vars`."""
    try:
        chosen = yaml.safe_load(dbt_vars or "{}") or {}
    except yaml.YAMLError as exc:
        raise ChwError(f"--vars is not YAML: {str(exc).splitlines()[0]}", ExitCode.USAGE) from None
    if not isinstance(chosen, dict):
        raise ChwError(
            "--vars must be a YAML mapping, e.g. '{billing_source: stripe}'", ExitCode.USAGE
        )
    served: dict[str, str] = {}
    for source, adapters in connector_adapters().items():
        connector = str(chosen.get(f"{source}_source", "native")).lower()
        if connector == "native":
            continue
        if connector not in adapters:
            raise ChwError(
                f"{source}_source: {connector!r} is not a connector for {source}; choose native or "
                + " or ".join(adapters),
                ExitCode.USAGE,
            )
        served.update(dict.fromkeys(adapters[connector], connector))
    return served


def _csv_header(path: Path, table: ConnectorTable) -> list[str]:
    with path.open(newline="") as handle:
        header = next(csv.reader(handle), [])
    unknown = sorted(set(header) - set(table.columns))
    if unknown:
        raise ChwError(
            f"{path}: column(s) {', '.join(unknown)} are not in {table.connector}.{table.name}",
            ExitCode.BAD_INPUT,
        )
    return header


def _csv_files(folder: Path, connector: str) -> list[tuple[Path, ConnectorTable]]:
    tables = connector_tables(connector)
    files = sorted(folder.glob("*.csv"))
    if not files:
        raise ChwError(f"no CSV files in {folder}", ExitCode.BAD_INPUT)
    unknown = [path.name for path in files if path.stem not in tables]
    if unknown:
        raise ChwError(
            f"{folder}: {', '.join(unknown)} name no table of {connector} "
            f"({', '.join(sorted(tables))})",
            ExitCode.BAD_INPUT,
        )
    return [(path, tables[path.stem]) for path in files]


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def load_duckdb(folder: Path, connector: str, database: Path, schema: str | None = None) -> int:
    """(Re)create schema.<table> in a DuckDB file from each CSV; return the rows loaded."""
    import duckdb

    schema = schema or connector
    rows = 0
    with duckdb.connect(str(database)) as con:
        con.execute(f"create schema if not exists {_quote(schema)}")
        for path, table in _csv_files(folder, connector):
            header = _csv_header(path, table)
            name = f"{_quote(schema)}.{_quote(table.name)}"
            columns = ", ".join(f"{_quote(c)} {t}" for c, t in table.columns.items())
            con.execute(f"create or replace table {name} ({columns})")
            casts = ", ".join(f"cast({_quote(c)} as {table.columns[c]})" for c in header)
            quoted_path = str(path).replace("'", "''")
            con.execute(
                f"insert into {name} ({', '.join(map(_quote, header))}) select {casts} "
                f"from read_csv('{quoted_path}', header = true, all_varchar = true)"
            )
            rows += con.execute(f"select count(*) from {name}").fetchone()[0]
    return rows


def load_postgres(
    folder: Path, connector: str, params: dict[str, str | int], schema: str | None = None
) -> int:
    """(Re)create schema.<table> in PostgreSQL from each CSV (COPY); return the rows loaded."""
    import psycopg2

    schema = schema or connector
    rows = 0
    connection = psycopg2.connect(**params)
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute(f"create schema if not exists {_quote(schema)}")
            for path, table in _csv_files(folder, connector):
                header = _csv_header(path, table)
                name = f"{_quote(schema)}.{_quote(table.name)}"
                columns = ", ".join(
                    f"{_quote(c)} {POSTGRES_TYPES.get(t, t)}" for c, t in table.columns.items()
                )
                cursor.execute(f"drop table if exists {name} cascade")
                cursor.execute(f"create table {name} ({columns})")
                with path.open() as handle:
                    cursor.copy_expert(
                        f"copy {name} ({', '.join(map(_quote, header))}) "
                        "from stdin with (format csv, header true)",
                        handle,
                    )
                cursor.execute(f"select count(*) from {name}")
                rows += cursor.fetchone()[0]
    finally:
        connection.close()
    return rows
