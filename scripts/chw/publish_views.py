"""Views among the published marts (a mart stored as a view over a wide table, such as
`fct_account_metric_daily`): the publication holds the same view, with the tables it reads
copied beside it under their own schema names. dbt writes such a view's inputs without a
database name, and DuckDB binds a view's names in the file that holds it, so the view
resolves in the published file, whatever name a reader attaches it under."""

from __future__ import annotations

import json
import re
from typing import Any

import duckdb

# `CREATE VIEW <name> [(<columns>)] AS <query>`, as DuckDB keeps a view's definition
_VIEW_HEAD = re.compile(r"^\s*create\s+(?:or\s+replace\s+)?view\s+.+?\s+as\s+", re.I | re.S)


def build_views(
    con: duckdb.DuckDBPyConnection, catalog: str, schemas: tuple[str, ...]
) -> list[tuple[str, str, str]]:
    """(schema, view, query) of every view in `schemas` of the attached `catalog`."""
    rows = con.execute(
        "select schema_name, view_name, sql from duckdb_views() "
        "where database_name = ? and not internal order by 1, 2",
        [catalog],
    ).fetchall()
    return [(s, v, view_query(sql)) for s, v, sql in rows if s in schemas]


def view_query(definition: str) -> str:
    """The query of a `CREATE VIEW ... AS <query>` statement."""
    head = _VIEW_HEAD.match(definition)
    if head is None:
        raise ValueError(f"not a view definition: {definition[:80]}")
    return definition[head.end() :].rstrip().rstrip(";")


def read_relations(con: duckdb.DuckDBPyConnection, query: str) -> set[tuple[str, str]]:
    """(schema, table) of every schema-qualified relation `query` reads (its CTEs aside)."""
    tree = json.loads(con.execute("select json_serialize_sql(?)", [query]).fetchall()[0][0])
    if tree.get("error"):
        raise ValueError(f"cannot read the view's query: {tree.get('error_message')}")
    found: set[tuple[str, str]] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "BASE_TABLE" and node.get("schema_name"):
                found.add((node["schema_name"], node["table_name"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(tree)
    return found


def copy_views(
    con: duckdb.DuckDBPyConnection,
    source: str,
    target: str,
    schemas: tuple[str, ...],
) -> list[tuple[str, str]]:
    """Recreate the views of `schemas` from catalog `source` in catalog `target` (whose
    published tables exist already); copy the tables they read from other schemas first.
    Returns the (schema, view) created."""
    views = build_views(con, source, schemas)
    copied: set[tuple[str, str]] = set()
    for _, _, query in views:
        for schema, table in sorted(read_relations(con, query)):
            if schema in schemas or (schema, table) in copied:
                continue
            con.execute(f'create schema if not exists {target}."{schema}"')
            con.execute(
                f'create table {target}."{schema}"."{table}" as '
                f'select * from {source}."{schema}"."{table}"'
            )
            copied.add((schema, table))
    for schema, view, query in views:
        con.execute(f'create view {target}."{schema}"."{view}" as {query}')
    return [(schema, view) for schema, view, _ in views]
