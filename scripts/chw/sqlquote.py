"""Quoting for values pasted into SQL text (paths in read_parquet, attach, copy)."""

from __future__ import annotations

from pathlib import Path


def literal(value: str | Path) -> str:
    """A SQL string literal: single quotes around the value, its own quotes doubled."""
    return "'" + str(value).replace("'", "''") + "'"


def inner(value: str | Path) -> str:
    """The value with its single quotes doubled, to sit inside quotes already in a template."""
    return str(value).replace("'", "''")
