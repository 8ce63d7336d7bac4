"""Reading the published marts and the synthetic truth into frames for calibration."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from chw.calibrate.config import COMPONENT_COLUMNS
from chw.errors import ChwError, ExitCode

OUTCOMES_SQL = f"""
    select
        account_id, score_date, segment,
        published_score, published_band, computed_score, computed_band,
        {", ".join(COMPONENT_COLUMNS)},
        is_renewal_in_window,
        cast(churned_within_90d as integer) as churned,
        cast(expanded_within_90d as integer) as expanded
    from marts.fct_churn_outcomes
    where is_labelled
    order by account_id, score_date
"""

METRIC_SCORES_SQL = """
    select metrics.account_id, metrics.score_date, metrics.metric_name, metrics.metric_score
    from marts.fct_account_metric_daily as metrics
    inner join marts.fct_churn_outcomes as outcomes
        on metrics.account_id = outcomes.account_id
        and metrics.score_date = outcomes.score_date
    where outcomes.is_labelled
"""


# --- reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Inputs:
    """Everything calibration reads: labelled snapshots, configuration, optional extras."""

    outcomes: pd.DataFrame
    component_weights: pd.DataFrame  # segment, component, weight (as built)
    metric_definitions: pd.DataFrame | None  # metric_name, component, normalisation, weight
    metric_scores: pd.DataFrame | None  # wide: one column per metric, aligned with outcomes


def read_inputs(published_db: Path) -> Inputs:
    """Read the labelled snapshots and the scoring configuration from a DuckDB file, read-only."""
    if not Path(published_db).exists():
        raise ChwError(
            f"no warehouse at {published_db}: build and publish first", ExitCode.NOT_FOUND
        )
    con = duckdb.connect(str(published_db), read_only=True)
    try:
        tables = _tables(con)
        if "marts.fct_churn_outcomes" not in tables:
            raise ChwError(
                f"{published_db} has no marts.fct_churn_outcomes: build the project first",
                ExitCode.NOT_FOUND,
            )
        outcomes = con.execute(OUTCOMES_SQL).df()
        weights = con.execute(
            "select segment, component, weight from scoring_config.scoring_component_weights"
        ).df()
        definitions = metric_scores = None
        if {"marts.fct_account_metric_daily", "scoring_config.scoring_metrics"} <= tables:
            definitions = con.execute(
                "select metric_name, component, normalisation, weight "
                "from scoring_config.scoring_metrics"
            ).df()
            metric_scores = _align_metric_scores(con.execute(METRIC_SCORES_SQL).df(), outcomes)
    finally:
        con.close()
    outcomes["score_date"] = pd.to_datetime(outcomes["score_date"]).dt.date
    return Inputs(outcomes, weights, definitions, metric_scores)


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "select table_schema || '.' || table_name from information_schema.tables"
    ).fetchall()
    return {row[0] for row in rows}


def _align_metric_scores(long: pd.DataFrame, outcomes: pd.DataFrame) -> pd.DataFrame:
    wide = long.pivot_table(
        index=["account_id", "score_date"],
        columns="metric_name",
        values="metric_score",
        aggfunc="first",
        dropna=False,
    )
    keys = pd.MultiIndex.from_frame(outcomes[["account_id", "score_date"]])
    return wide.reindex(keys).reset_index(drop=True)


def read_latent_health(truth_dir: Path | None, outcomes: pd.DataFrame) -> np.ndarray | None:
    """The generator's latent health on each labelled snapshot, or None without ground truth."""
    if truth_dir is None or not (Path(truth_dir) / "latent_health.parquet").exists():
        return None
    truth = pd.read_parquet(Path(truth_dir) / "latent_health.parquet")
    truth["score_date"] = pd.to_datetime(truth["day"]).dt.date
    joined = outcomes[["account_id", "score_date"]].merge(
        truth[["account_id", "score_date", "latent_health"]],
        on=["account_id", "score_date"],
        how="left",
    )
    return joined["latent_health"].to_numpy(dtype=float)
