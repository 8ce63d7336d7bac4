"""Write the fit: the proposed seeds in the seeds' own format (every column the current files
have, only the proposed cells changed), fit.json, and fit.md with the diff of each seed."""

from __future__ import annotations

import csv
import difflib
import io
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from chw.fit.inputs import Config, SeedTable
from chw.fit.markdown import render

METRIC_COLUMNS = ("direction", "normalisation", "lower_bound", "upper_bound", "weight")


def number(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:.10g}"


def _same(text: str, value: Any) -> bool:
    """Does the seed's cell already hold this value (so its text is kept as written)?"""
    if isinstance(value, str):
        return text == value
    try:
        return (text == "" and math.isnan(float(value))) or float(text) == float(value)
    except (TypeError, ValueError):
        return False


def _render(table: SeedTable, rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=table.header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _cell(row: dict[str, str], column: str, value: Any) -> None:
    if not _same(row.get(column, ""), value):
        row[column] = value if isinstance(value, str) else number(value)


def metrics_csv(table: SeedTable, proposed: pd.DataFrame) -> str:
    by_name = proposed.set_index("metric_name")
    rows = []
    for current in table.rows:
        row = dict(current)
        spec = by_name.loc[row["metric_name"]]
        for column in METRIC_COLUMNS:
            _cell(row, column, spec[column])
        rows.append(row)
    return _render(table, rows)


def keyed_csv(table: SeedTable, proposed: pd.DataFrame, keys: list[str]) -> str:
    """Rows of the current file with proposed values; proposed rows it lacks appended."""
    current = {tuple(r[k] for k in keys): r for r in table.rows}
    rows = []
    for record in proposed.to_dict(orient="records"):
        key = tuple(str(record[k]) for k in keys)
        row = dict(current.get(key, dict.fromkeys(table.header, "")))
        for column, value in record.items():
            if column in keys:
                row[column] = str(value)
            else:
                _cell(row, column, value)
        rows.append(row)
    return _render(table, rows)


def proposed_texts(
    config: Config, metrics: pd.DataFrame, weights: pd.DataFrame, bands: pd.DataFrame
) -> dict[str, str]:
    return {
        config.metrics.name: metrics_csv(config.metrics, metrics),
        config.weights.name: keyed_csv(config.weights, weights, ["segment", "component"]),
        config.bands.name: keyed_csv(config.bands, bands, ["segment"]),
    }


def seed_diff(config: Config, texts: dict[str, str]) -> str:
    diff = []
    for table in (config.metrics, config.weights, config.bands):
        diff += difflib.unified_diff(
            table.text.splitlines(keepends=True),
            texts[table.name].splitlines(keepends=True),
            fromfile=f"seeds/{table.name}",
            tofile=f"proposed/{table.name}",
        )
    return "".join(diff)


def clean(value: Any) -> Any:
    """JSON-safe: NaN -> None, numpy scalars -> Python."""
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def write_fit(out_dir: Path, result: dict[str, Any], texts: dict[str, str] | None) -> None:
    """proposed/*.csv (when there is a proposal), fit.json and fit.md; stale files removed."""
    proposed_dir = out_dir / "proposed"
    proposed_dir.mkdir(parents=True, exist_ok=True)
    for old in proposed_dir.glob("*.csv"):
        old.unlink()
    for name, text in (texts or {}).items():
        (proposed_dir / name).write_text(text)
    result = clean(result)
    (out_dir / "fit.json").write_text(json.dumps(result, indent=2) + "\n")
    (out_dir / "fit.md").write_text(render(result))
