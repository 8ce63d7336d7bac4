"""What the fit reads: the labelled snapshots of the published warehouse (sampled weekly per
account) and the current scoring configuration from the seeds folder (kept verbatim, so a
proposal changes only the cells it means to change)."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from chw.errors import ChwError, ExitCode
from chw.fit.score import percent_rank

SEED_FILES = ("scoring_metrics.csv", "scoring_component_weights.csv", "scoring_bands.csv")
SAMPLE_EVERY_DAYS = 7  # an account's daily snapshots are near copies: keep one a week

SAMPLED_SQL = f"""
    with labelled as (
        select
            account_id, score_date, segment, computed_score,
            cast(churned_within_90d as integer) as churned,
            date_diff('day', score_date, max(score_date) over (partition by account_id))
                as days_back
        from marts.fct_churn_outcomes
        where is_labelled and churned_within_90d is not null
    )
    select account_id, score_date, segment, computed_score, churned
    from labelled
    where days_back % {SAMPLE_EVERY_DAYS} = 0
"""

COUNTS_SQL = """
    select
        count(*) as snapshots,
        count(distinct account_id) as accounts,
        count(*) filter (where is_labelled) as labelled_snapshots,
        count(distinct account_id) filter (where is_labelled) as labelled_accounts,
        count(distinct account_id) filter (where churned_within_90d) as churned_accounts,
        min(score_date) filter (where is_labelled) as first_labelled_day,
        max(score_date) filter (where is_labelled) as last_labelled_day
    from marts.fct_churn_outcomes
"""


@dataclass(frozen=True)
class SeedTable:
    """One seed CSV: its header and rows as the text they hold, and the file's bytes."""

    name: str
    header: list[str]
    rows: list[dict[str, str]]
    text: str

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=self.header)


@dataclass(frozen=True)
class Config:
    """The current scoring configuration: the three seeds and a hash of their bytes."""

    metrics: SeedTable
    weights: SeedTable
    bands: SeedTable
    digest: str

    def metric_frame(self) -> pd.DataFrame:
        """metric_name, component, direction, normalisation, bounds and weight, typed."""
        frame = self.metrics.frame()
        for column in ("lower_bound", "upper_bound", "weight"):
            frame[column] = pd.to_numeric(frame[column].replace("", np.nan))
        return frame

    def weight_frame(self) -> pd.DataFrame:
        frame = self.weights.frame()
        frame["weight"] = pd.to_numeric(frame["weight"])
        return frame

    def band_frame(self) -> pd.DataFrame:
        frame = self.bands.frame()
        for column in ("red_below", "green_from"):
            frame[column] = pd.to_numeric(frame[column])
        return frame


def read_seed(path: Path) -> SeedTable:
    text = path.read_text()
    reader = csv.DictReader(io.StringIO(text))
    rows = [{k: (v or "") for k, v in row.items()} for row in reader]
    return SeedTable(path.name, list(reader.fieldnames or []), rows, text)


def seeds_digest(seeds_dir: Path) -> str:
    """sha256 over the three scoring seeds: a proposal is applied only to the seeds it read."""
    digest = hashlib.sha256()
    for name in SEED_FILES:
        digest.update(name.encode() + b"\0" + (seeds_dir / name).read_bytes() + b"\0")
    return digest.hexdigest()


def read_config(seeds_dir: Path) -> Config:
    missing = [name for name in SEED_FILES if not (seeds_dir / name).exists()]
    if missing:
        raise ChwError(f"{seeds_dir} has no {', '.join(missing)}", ExitCode.NOT_FOUND)
    tables = [read_seed(seeds_dir / name) for name in SEED_FILES]
    required = {
        "scoring_metrics.csv": {"metric_name", "component", "direction", "normalisation"},
        "scoring_component_weights.csv": {"segment", "component", "weight"},
        "scoring_bands.csv": {"segment", "red_below", "green_from"},
    }
    for table in tables:
        lacking = required[table.name] - set(table.header)
        if lacking:
            raise ChwError(
                f"{seeds_dir / table.name} lacks column(s) {', '.join(sorted(lacking))}",
                ExitCode.BAD_INPUT,
            )
    return Config(*tables, digest=seeds_digest(seeds_dir))


@dataclass(frozen=True)
class Snapshots:
    """Sampled labelled snapshots: one row per account-day, aligned across the frames."""

    frame: pd.DataFrame  # account_id, score_date, segment, computed_score, churned
    values: pd.DataFrame  # raw value per metric (NaN = not measured)
    ranks: pd.DataFrame  # percentile metrics: 0-100 rank, higher orientation
    counts: dict[str, object]


def read_snapshots(published_db: Path) -> Snapshots:
    """The weekly sample of labelled snapshots and their metrics, read-only."""
    if not Path(published_db).exists():
        raise ChwError(
            f"no warehouse at {published_db}: build and publish first", ExitCode.NOT_FOUND
        )
    con = duckdb.connect(str(published_db), read_only=True)
    try:
        tables = {
            r[0]
            for r in con.execute(
                "select table_schema || '.' || table_name from information_schema.tables"
            ).fetchall()
        }
        needed = {"marts.fct_churn_outcomes", "marts.fct_account_metric_daily"}
        if not needed <= tables:
            raise ChwError(
                f"{published_db} lacks {', '.join(sorted(needed - tables))}: build first",
                ExitCode.NOT_FOUND,
            )
        counts = dict(
            zip(
                [d[0] for d in con.execute(COUNTS_SQL).description],
                con.execute(COUNTS_SQL).fetchone(),
                strict=True,
            )
        )
        frame = con.execute(SAMPLED_SQL + " order by account_id, score_date").df()
        long = con.execute(
            f"with sampled as ({SAMPLED_SQL}) "
            "select m.account_id, m.score_date, m.metric_name, m.raw_value, m.metric_score "
            "from marts.fct_account_metric_daily as m "
            "inner join sampled using (account_id, score_date)"
        ).df()
        built = _built_metrics(con, tables)
    finally:
        con.close()
    counts = {k: (str(v) if hasattr(v, "isoformat") else v) for k, v in counts.items()}
    values, ranks = _align(long, frame, built)
    return Snapshots(frame, values, ranks, counts)


def _built_metrics(con: duckdb.DuckDBPyConnection, tables: set[str]) -> pd.DataFrame:
    """How the warehouse normalised each metric (its metric_score is a percentile rank when
    the built normalisation is percentile)."""
    if "scoring_config.scoring_metrics" not in tables:
        return pd.DataFrame(columns=["metric_name", "direction", "normalisation"])
    return con.execute(
        "select metric_name, direction, normalisation from scoring_config.scoring_metrics"
    ).df()


def _align(
    long: pd.DataFrame, frame: pd.DataFrame, built: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    keys = pd.MultiIndex.from_frame(frame[["account_id", "score_date"]])

    def wide(column: str) -> pd.DataFrame:
        table = long.pivot_table(
            index=["account_id", "score_date"],
            columns="metric_name",
            values=column,
            aggfunc="first",
            dropna=False,
        )
        return table.reindex(keys).reset_index(drop=True)

    if long.empty:
        return pd.DataFrame(index=frame.index), pd.DataFrame(index=frame.index)
    values, scores = wide("raw_value"), wide("metric_score")
    ranks = {}
    percentile = built[built["normalisation"] == "percentile"].set_index("metric_name")
    for metric in values.columns:
        if metric in percentile.index:
            score = scores[metric].to_numpy(dtype=float)
            higher = percentile.loc[metric, "direction"] == "higher"
            ranks[metric] = score if higher else 100.0 - score
        else:  # not built as a percentile: rank within the sample's segment-days
            peers = frame["segment"].astype(str) + "|" + frame["score_date"].astype(str)
            ranks[metric] = percent_rank(values[metric].to_numpy(dtype=float), peers.to_numpy())
    return values, pd.DataFrame(ranks, index=values.index)
