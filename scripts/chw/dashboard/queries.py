"""Reading the published marts: the SQL the dashboard runs and the `Marts` it returns."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

import duckdb

from chw.dashboard.formatting import SPARKLINE_DAYS, Row

# --------------------------------------------------------------------------- reading the marts

# DuckDB caches the blocks it scans up to its memory limit (by default most of the machine's
# memory): the few set-based queries here need far less, so the dashboard stays small. The
# daily score percentiles hold every scored account-day's score (3.1M at 10,000 accounts x
# 365 days, five quantiles): 256 MB ran out of memory there.
MEMORY_LIMIT = "1GB"


class Metric(NamedTuple):
    """One metric of an account on its latest day (a tuple: 26 a scorecard, 10,000 cards)."""

    metric_name: str
    component: str
    raw_value: float | None
    metric_score: float | None
    metric_weight: float | None
    effective_weight: float | None
    contribution: float | None
    points_lost: float | None
    contribution_change_30d: float | None


@dataclass
class Marts:
    accounts: list[Row]
    latest: dict[str, Row]
    history: dict[str, tuple[list[int], list[float]]]  # days before the latest, scores
    metrics: dict[str, list[Metric]]
    segments: list[Row]
    quantiles: list[Row]
    thresholds: dict[str, tuple[float, float]]
    component_weights: dict[tuple[str, str], float] = field(default_factory=dict)
    components: tuple[str, ...] = ()  # in the order of scoring_component_weights
    published_at: datetime | None = None
    descriptions: dict[str, str] = field(default_factory=dict)  # metric name -> description


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[Row]:
    cursor = con.execute(sql)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _optional_rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[Row]:
    """Rows of a table the dashboard can live without (config, publication record)."""
    try:
        return _rows(con, sql)
    except duckdb.CatalogException:
        return []


ACCOUNTS_SQL = """
select account_id, account_name, parent_account_id, segment, industry, region, csm_owner,
       lifecycle_stage, last_scored_date, is_active_customer, published_score, published_band,
       computed_score, score_change_30d, top_negative_drivers, recommended_action, is_overridden,
       arr_usd, seats, renewal_date, days_to_renewal
from marts.dim_accounts
"""
# every column: a `<component>_score` per component of the seeds, whichever they are
LATEST_SQL = """
select h.*
from marts.fct_account_health_daily as h
join marts.dim_accounts as a
  on a.account_id = h.account_id and a.last_scored_date = h.score_date
"""
# one row per account: its last SPARKLINE_DAYS of scores as lists (few Python objects)
HISTORY_SQL = f"""
select h.account_id,
       list(date_diff('day', h.score_date, a.last_scored_date) order by h.score_date) as ago,
       list(round(h.published_score, 2) order by h.score_date) as scores
from marts.fct_account_health_daily as h
join marts.dim_accounts as a on a.account_id = h.account_id
where h.score_date > a.last_scored_date - interval {SPARKLINE_DAYS} day
  and h.published_score is not null
  and isfinite(h.published_score)
group by h.account_id
"""
METRICS_SQL = """
select m.account_id, m.metric_name, m.component, m.raw_value, m.metric_score, m.metric_weight,
       m.effective_weight, m.contribution, m.points_lost, m.contribution_change_30d
-- the columns of Metric, in its order, after the account
from marts.fct_account_metric_daily as m
join marts.dim_accounts as a
  on a.account_id = m.account_id and a.last_scored_date = m.score_date
order by m.account_id, m.effective_weight desc, m.metric_name
"""
SEGMENTS_SQL = """
select score_date, segment, accounts, red_accounts, yellow_accounts, green_accounts, arr_usd,
       red_arr_usd, yellow_arr_usd, green_arr_usd, average_score
from marts.agg_segment_health_daily
order by score_date, segment
"""
QUANTILES_SQL = """
select score_date,
       quantile_cont(published_score, 0.1) as p10, quantile_cont(published_score, 0.25) as p25,
       quantile_cont(published_score, 0.5) as p50, quantile_cont(published_score, 0.75) as p75,
       quantile_cont(published_score, 0.9) as p90
from marts.fct_account_health_daily
where published_score is not null
group by score_date
order by score_date
"""


def read_marts(published_db: Path) -> Marts:
    """Everything the pages show, in a handful of set-based queries (read-only connection)."""
    con = duckdb.connect(str(published_db), read_only=True, config={"memory_limit": MEMORY_LIMIT})
    try:
        history = {
            account_id: (ago, scores)
            for account_id, ago, scores in con.execute(HISTORY_SQL).fetchall()
        }
        metrics: dict[str, list[Metric]] = defaultdict(list)
        for account_id, *values in con.execute(METRICS_SQL).fetchall():
            metrics[account_id].append(Metric(*values))
        definitions = _optional_rows(
            con, "select metric_name, component, description from scoring_config.scoring_metrics"
        )
        thresholds = {
            r["segment"]: (float(r["red_below"]), float(r["green_from"]))
            for r in _optional_rows(
                con, "select segment, red_below, green_from from scoring_config.scoring_bands"
            )
        }
        weights = {
            (r["segment"], r["component"]): float(r["weight"])
            for r in _optional_rows(
                con,
                "select segment, component, weight from scoring_config.scoring_component_weights",
            )
        }
        publication = _optional_rows(con, "select max(published_at) as at from main.publication")
        seeded = tuple(dict.fromkeys(component for _, component in weights))
        named = tuple(dict.fromkeys(r["component"] for r in definitions))
        return Marts(
            accounts=_rows(con, ACCOUNTS_SQL),
            latest={r["account_id"]: r for r in _rows(con, LATEST_SQL)},
            history=history,
            metrics=dict(metrics),
            segments=_rows(con, SEGMENTS_SQL),
            quantiles=_rows(con, QUANTILES_SQL),
            thresholds=thresholds,
            component_weights=weights,
            components=seeded or named,  # in seed order: the weights', else the metrics'
            published_at=publication[0]["at"] if publication else None,
            descriptions={r["metric_name"]: r["description"] or "" for r in definitions},
        )
    finally:
        con.close()
