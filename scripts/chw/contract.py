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
    allow_empty: bool = False


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
            allow_empty=bool(table.get("meta", {}).get("allow_empty", False)),
        )
        for source in spec["sources"]
        for table in source["tables"]
    )
