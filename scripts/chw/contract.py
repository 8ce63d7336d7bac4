"""The raw data contract, read from the dbt sources YAML (the single place it is written)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import yaml

from chw.settings import PROJECT_DIR

SOURCES_YAML = PROJECT_DIR / "models" / "staging" / "__sources.yml"


@dataclass(frozen=True)
class RawTable:
    source: str
    name: str
    columns: tuple[str, ...]
    types: tuple[str, ...]
    required: bool = False  # only accounts and subscriptions; any other table may be absent


@cache
def raw_tables() -> tuple[RawTable, ...]:
    """Every raw table with its columns, in the order the YAML lists them."""
    spec = yaml.safe_load(SOURCES_YAML.read_text())
    return tuple(
        RawTable(
            source=source["name"],
            name=table["name"],
            columns=tuple(c["name"] for c in table["columns"]),
            types=tuple(c["data_type"] for c in table["columns"]),
            required=bool(table.get("meta", {}).get("required", False)),
        )
        for source in spec["sources"]
        for table in source["tables"]
    )
