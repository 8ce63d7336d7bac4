"""What every importer needs: write a frame as one raw table of the contract (its columns and
types, from the sources YAML), and append provided-metric rows to scoring_metrics.csv."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from chw.contract import RawTable, raw_tables
from chw.errors import ChwError, ExitCode
from chw.settings import PROJECT_DIR

SCORING_METRICS_CSV = PROJECT_DIR / "seeds" / "scoring_metrics.csv"
SCORING_METRIC_COLUMNS = (
    "metric_name",
    "component",
    "direction",
    "normalisation",
    "lower_bound",
    "upper_bound",
    "window_days",
    "weight",
    "computed_in",
    "source_table",
    "description",
)


@dataclass
class ImportSummary:
    """What an import wrote: rows per raw table, and the metric rows proposed for the seed."""

    raw_dir: Path
    rows: dict[str, int] = field(default_factory=dict)
    metric_rows: list[dict[str, object]] = field(default_factory=list)
    metrics_csv: Path | None = None
    notes: list[str] = field(default_factory=list)


def contract_table(name: str) -> RawTable:
    """The contract of one raw table; a clear error if the sources YAML does not list it."""
    for table in raw_tables():
        if table.name == name:
            return table
    raise ChwError(
        f"raw table {name!r} is not in the data contract (__sources.yml)", ExitCode.BUILD
    )


def refuse_foreign_tables(raw_dir: Path, written: Iterable[str]) -> None:
    """An import owns its raw folder: other contract tables there would be mixed in silently."""
    mine = set(written)
    foreign = sorted(
        f"{t.name}.parquet"
        for t in raw_tables()
        if t.name not in mine and (raw_dir / f"{t.name}.parquet").exists()
    )
    if foreign:
        raise ChwError(
            f"{raw_dir} already holds {', '.join(foreign)}: import into an empty folder "
            "(--out) or remove them",
            ExitCode.USAGE,
        )


def write_raw_table(frame: pd.DataFrame, name: str, raw_dir: Path) -> int:
    """Write `frame` as `<raw_dir>/<name>.parquet` with exactly the contract's columns and types."""
    table = contract_table(name)
    missing = [c for c in table.columns if c not in frame.columns]
    if missing:
        raise ChwError(f"{name}: the importer built no column {', '.join(missing)}", ExitCode.BUILD)
    select = ", ".join(
        f'cast("{column}" as {sql_type}) as "{column}"'
        for column, sql_type in zip(table.columns, table.types, strict=True)
    )
    raw_dir.mkdir(parents=True, exist_ok=True)
    target = raw_dir / f"{name}.parquet"
    with duckdb.connect() as con:
        con.register("frame", frame)
        con.execute(f"copy (select {select} from frame) to '{target}' (format parquet)")
    return len(frame)


def write_metric_rows(rows: list[dict[str, object]], path: Path) -> Path:
    """Write scoring_metrics.csv rows (the seed's columns) to a CSV of their own."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=SCORING_METRIC_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def append_metric_rows(
    rows: list[dict[str, object]], seed: Path = SCORING_METRICS_CSV
) -> list[str]:
    """Append the rows whose metric the seed does not define yet; never rewrite a row.
    Returns the names appended."""
    if not seed.exists():
        raise ChwError(f"{seed} does not exist", ExitCode.NOT_FOUND)
    text = seed.read_text()
    reader = csv.DictReader(text.splitlines())
    header = reader.fieldnames or []
    lacking = [c for c in SCORING_METRIC_COLUMNS if c not in header]
    if lacking:
        raise ChwError(
            f"{seed} has no column {', '.join(lacking)}: it predates provided metrics",
            ExitCode.BAD_INPUT,
        )
    known = {row["metric_name"] for row in reader}
    new = [row for row in rows if row["metric_name"] not in known]
    if not new:
        return []
    with seed.open("a", newline="") as handle:
        if text and not text.endswith("\n"):
            handle.write("\n")
        writer = csv.DictWriter(handle, fieldnames=header, restval="", lineterminator="\n")
        writer.writerows(new)
    return [str(row["metric_name"]) for row in new]
