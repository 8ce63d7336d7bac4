"""Calibration (SPEC §8): does the published health score predict churn, and which component
weights would predict it better?

dbt labels every account-day snapshot with what happened in the next 90 days
(`marts.fct_churn_outcomes`; the SQL behind the band and decile tables is in `analyses/`).
This module only measures, with scikit-learn:

- ROC AUC of the score for 90-day churn (higher score = lower churn), with a bootstrap
  confidence interval that resamples accounts (an account's daily snapshots are correlated);
- churn rate and lift per band, observed vs fitted churn rate per score decile, per segment;
- the latent health of the synthetic data (`truth/latent_health.parquet`), when present, as
  the upper bound the score is compared with;
- a weight proposal: an L2-regularised logistic regression of churn on the component scores,
  trained on early snapshots and judged on later ones (a purged, time-based split), written in
  the seed's format for a person to review. The seed itself is never touched.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression, LogisticRegressionCV
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedGroupKFold

from chw.errors import ChwError, ExitCode

COMPONENTS = ("engagement", "satisfaction", "experience", "financial", "support")
COMPONENT_COLUMNS = tuple(f"{c}_score" for c in COMPONENTS)
BANDS = ("red", "yellow", "green")
HORIZON_DAYS = 90
N_BOOTSTRAP = 500
TARGET_AUC = 0.80
TARGET_SHARE_OF_LATENT = 0.90
MIN_HOLDOUT_DAYS = 30
MIN_CHURNED_ACCOUNTS = 10
WEIGHT_STEP = 100  # proposed weights are whole hundredths that sum to exactly 1
C_GRID = np.logspace(-3, 2, 11)
FIT_EVERY_DAYS = 7  # fit on weekly snapshots: daily ones of an account are nearly copies

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


# --- discrimination ------------------------------------------------------------------------


def churn_auc(churned: np.ndarray, score: np.ndarray, weight: np.ndarray | None = None) -> float:
    """ROC AUC of a score for churn, where a higher score means less churn; NaN if undefined."""
    churned = np.asarray(churned)
    score = np.asarray(score, dtype=float)
    keep = ~np.isnan(score)
    if weight is not None:
        keep &= np.asarray(weight) > 0
    if len(np.unique(churned[keep])) < 2:
        return math.nan
    return float(
        roc_auc_score(
            churned[keep], -score[keep], sample_weight=None if weight is None else weight[keep]
        )
    )


def bootstrap_aucs(
    churned: np.ndarray,
    scores: dict[str, np.ndarray],
    accounts: np.ndarray,
    *,
    replicates: int,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """AUC of every score on the same account-clustered bootstrap samples (paired replicates).

    Each replicate draws accounts with replacement and keeps all of a drawn account's
    snapshots, once per draw (a row weight), so correlated snapshots move together.
    """
    codes, uniques = pd.factorize(accounts)
    draws = {name: np.empty(replicates) for name in scores}
    for i in range(replicates):
        counts = np.bincount(rng.integers(0, len(uniques), len(uniques)), minlength=len(uniques))
        row_weight = counts[codes].astype(float)
        for name, score in scores.items():
            draws[name][i] = churn_auc(churned, score, row_weight)
    return draws


def interval(draws: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """Percentile interval of bootstrap replicates (NaN replicates ignored)."""
    tail = (1 - level) / 2 * 100
    low, high = np.nanpercentile(draws, [tail, 100 - tail])
    return float(low), float(high)


def aucs_with_intervals(
    frame: pd.DataFrame,
    scores: dict[str, np.ndarray],
    *,
    replicates: int,
    rng: np.random.Generator,
) -> tuple[dict[str, dict[str, float]], dict[str, np.ndarray]]:
    """AUC of each score on every snapshot, with a 95% account-clustered bootstrap interval.

    The bootstrap runs on weekly snapshots (daily ones of an account are near copies and
    cost 7x the time): its replicates give the spread, which is centred on the AUC of all
    snapshots. Returns the summaries and the centred replicates (paired across scores).
    """
    churned = frame["churned"].to_numpy()
    thin = weekly(frame)
    draws = bootstrap_aucs(
        churned[thin],
        {name: score[thin] for name, score in scores.items()},
        frame["account_id"].to_numpy()[thin],
        replicates=replicates,
        rng=rng,
    )
    summaries, centred = {}, {}
    for name, score in scores.items():
        auc = churn_auc(churned, score)
        centred[name] = draws[name] + (auc - churn_auc(churned[thin], score[thin]))
        low, high = interval(centred[name])
        summaries[name] = {"auc": auc, "ci_low": low, "ci_high": high}
    return summaries, centred


# --- band and decile tables ----------------------------------------------------------------


def band_table(frame: pd.DataFrame, band_column: str = "published_band") -> list[dict[str, Any]]:
    """Churn rate and lift (band churn rate / overall churn rate) per band."""
    overall = frame["churned"].mean()
    rows = []
    for band in BANDS:
        part = frame[frame[band_column] == band]
        rate = part["churned"].mean() if len(part) else math.nan
        rows.append(
            {
                "band": band,
                "snapshots": len(part),
                "share_of_snapshots": len(part) / len(frame) if len(frame) else math.nan,
                "accounts": part["account_id"].nunique(),
                "churned_snapshots": int(part["churned"].sum()),
                "churn_rate": rate,
                "lift": rate / overall if overall else math.nan,
                "expansion_rate": part["expanded"].mean() if len(part) else math.nan,
            }
        )
    return rows


def decile_table(
    frame: pd.DataFrame, score_column: str = "published_score"
) -> list[dict[str, Any]]:
    """Deciles of the score (1 = lowest scores): observed vs fitted churn rate and lift.

    The fitted rate maps the score to a churn probability with a one-feature logistic
    regression (Platt scaling), so the table shows how far the score's ordering is from a
    calibrated probability in each decile.
    """
    if len(frame) < 10:
        return []
    score = frame[score_column].to_numpy(dtype=float)
    churned = frame["churned"].to_numpy()
    decile = pd.qcut(pd.Series(score).rank(method="first"), 10, labels=False).to_numpy() + 1
    fitted = platt_probabilities(score, churned)
    overall = churned.mean()
    rows = []
    for d in range(1, 11):
        part = decile == d
        rate = churned[part].mean()
        rows.append(
            {
                "decile": d,
                "snapshots": int(part.sum()),
                "min_score": float(score[part].min()),
                "max_score": float(score[part].max()),
                "mean_score": float(score[part].mean()),
                "churn_rate": float(rate),
                "fitted_churn_rate": float(fitted[part].mean()),
                "lift": float(rate / overall) if overall else math.nan,
            }
        )
    return rows


def platt_probabilities(score: np.ndarray, churned: np.ndarray) -> np.ndarray:
    """Churn probability per snapshot from a logistic fit of churn on the score."""
    if len(np.unique(churned)) < 2:
        return np.full(len(score), float(np.mean(churned)))
    model = LogisticRegression(C=1e6, max_iter=1000)
    model.fit(score.reshape(-1, 1) / 100.0, churned)
    return model.predict_proba(score.reshape(-1, 1) / 100.0)[:, 1]


# --- weights -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimeSplit:
    """Train on early snapshots, judge on late ones; the gap keeps their outcome windows apart."""

    train_from: date
    train_to: date
    holdout_from: date
    holdout_to: date

    def masks(self, days: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        train = (days >= self.train_from) & (days <= self.train_to)
        holdout = (days >= self.holdout_from) & (days <= self.holdout_to)
        return train.to_numpy(), holdout.to_numpy()


def time_split(days: Iterable[date], horizon_days: int = HORIZON_DAYS) -> TimeSplit:
    """Split the labelled days into train, a purge gap of `horizon_days`, and a holdout.

    A training snapshot's outcome window ends before the first holdout day, so no churn event
    is seen in training and scored again in the holdout. Train and holdout get equal days
    (train takes the odd one).
    """
    unique_days = sorted(set(days))
    first, last = unique_days[0], unique_days[-1]
    usable = (last - first).days + 1 - horizon_days
    holdout_days = usable // 2
    if holdout_days < MIN_HOLDOUT_DAYS:
        raise ChwError(
            f"calibration needs at least {2 * MIN_HOLDOUT_DAYS + horizon_days} labelled days "
            f"(each {horizon_days} days before the end of the data); found "
            f"{(last - first).days + 1}",
            ExitCode.BAD_INPUT,
        )
    train_to = first + timedelta(days=usable - holdout_days - 1)
    return TimeSplit(
        train_from=first,
        train_to=train_to,
        holdout_from=train_to + timedelta(days=horizon_days + 1),
        holdout_to=last,
    )


def component_matrix(frame: pd.DataFrame) -> np.ndarray:
    """Component scores as 0-1 features. A missing component takes the row's computed score:
    the same as the scoring rule that shares its weight over the measured components."""
    scores = frame[list(COMPONENT_COLUMNS)].to_numpy(dtype=float)
    fill = np.repeat(frame["computed_score"].to_numpy(dtype=float)[:, None], len(COMPONENTS), 1)
    return np.where(np.isnan(scores), fill, scores) / 100.0


def weighted_score(frame: pd.DataFrame, weights: pd.DataFrame) -> np.ndarray:
    """The overall score under a set of segment weights, with the scoring chain's N/A rule."""
    table = weights.pivot(index="segment", columns="component", values="weight")
    table = table.reindex(columns=list(COMPONENTS)).fillna(0.0)
    w = table.reindex(frame["segment"]).to_numpy(dtype=float)
    s = frame[list(COMPONENT_COLUMNS)].to_numpy(dtype=float)
    present = ~np.isnan(s)
    numerator = np.where(present, w * np.nan_to_num(s), 0.0).sum(axis=1)
    denominator = np.where(present, w, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, numerator / denominator, np.nan)


def _segment_design(frame: pd.DataFrame, segments: Sequence[str]) -> np.ndarray:
    """Shared component effects, per-segment deviations (shrunk by the L2 penalty), intercepts."""
    x = component_matrix(frame)
    blocks = [x]
    for segment in segments:
        is_segment = (frame["segment"] == segment).to_numpy(dtype=float)[:, None]
        blocks.append(x * is_segment)
    for segment in segments:
        blocks.append((frame["segment"] == segment).to_numpy(dtype=float)[:, None])
    return np.hstack(blocks)


def weekly(frame: pd.DataFrame) -> np.ndarray:
    """Mask of every FIT_EVERY_DAYS-th snapshot day counted back from the last (same days for
    every account; a single cohort's one day is always kept)."""
    ordinal = np.array([d.toordinal() for d in frame["score_date"]])
    return (ordinal.max(initial=0) - ordinal) % FIT_EVERY_DAYS == 0


def fit_logistic_cv(
    x: np.ndarray, churned: np.ndarray, accounts: np.ndarray
) -> LogisticRegressionCV:
    """L2 logistic regression with C chosen by AUC over cross-validation folds of whole
    accounts (an account's snapshots never sit on both sides of a fold). Folds are
    stratified so each holds churned accounts: a fold without any has no AUC."""
    groups = pd.factorize(accounts)[0]
    n_splits = min(5, len(np.unique(groups[churned == 1])))
    folds = list(StratifiedGroupKFold(n_splits=n_splits).split(x, churned, groups))
    model = LogisticRegressionCV(
        Cs=C_GRID,
        l1_ratios=(0.0,),
        cv=folds,
        scoring="roc_auc",
        max_iter=5000,
        use_legacy_attributes=False,
    )
    return model.fit(x, churned)


def fit_component_weights(
    train: pd.DataFrame, current: pd.DataFrame
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Proposed weights per segment from an L2 logistic regression of churn on components.

    Fitted on weekly snapshots; the penalty is chosen by cross-validated AUC over folds of
    whole accounts. A component
    whose fitted effect is protective (higher score, less churn) gets weight in proportion to
    it; one that is not gets 0. A segment where nothing is protective keeps its weights.
    """
    segments = list(dict.fromkeys(current["segment"]))
    if train.loc[train["churned"] == 1, "account_id"].nunique() < MIN_CHURNED_ACCOUNTS:
        raise ChwError(
            f"too few churned accounts in the training period to fit weights "
            f"(need {MIN_CHURNED_ACCOUNTS})",
            ExitCode.BAD_INPUT,
        )
    sample = train[weekly(train)]
    model = fit_logistic_cv(
        _segment_design(sample, segments),
        sample["churned"].to_numpy(),
        sample["account_id"].to_numpy(),
    )
    coef = model.coef_[0]
    k = len(COMPONENTS)
    measured = train[list(COMPONENT_COLUMNS)].notna().any().to_numpy()
    rows = []
    for i, segment in enumerate(segments):
        effect = coef[:k] + coef[k * (i + 1) : k * (i + 2)]
        rows.extend(_weights_from_effects(segment, effect, current, measured))
    fit = {
        "regularisation_C": float(np.ravel(model.C_)[0]),
        "shared_coefficients": dict(zip(COMPONENTS, coef[:k].round(4).tolist(), strict=True)),
    }
    return pd.DataFrame(rows), fit


def _weights_from_effects(
    segment: str, effect: np.ndarray, current: pd.DataFrame, measured: np.ndarray
) -> list[dict[str, Any]]:
    """Never weight a component that is not measured (its column is the computed score)."""
    protective = np.where(measured, np.clip(-effect, 0.0, None), 0.0)
    if protective.sum() <= 0:
        kept = current[current["segment"] == segment].set_index("component")["weight"]
        protective = np.where(measured, kept.reindex(list(COMPONENTS)).fillna(0.0), 0.0)
    weights = round_to_total(protective / protective.sum())
    return [
        {"segment": segment, "component": component, "weight": weight, "coefficient": float(e)}
        for component, weight, e in zip(COMPONENTS, weights, effect, strict=True)
    ]


def round_to_total(shares: np.ndarray, steps: int = WEIGHT_STEP) -> list[float]:
    """Round shares to 1/steps so they still sum to exactly 1 (largest remainder)."""
    raw = np.asarray(shares, dtype=float) * steps
    whole = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - whole), kind="stable")[: steps - whole.sum()]:
        whole[i] += 1
    return [int(w) / steps for w in whole]


def fit_metric_model(
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    metric_train: pd.DataFrame,
    metric_holdout: pd.DataFrame,
) -> dict[str, Any]:
    """Reference only: the holdout AUC a logistic regression on the metric scores reaches."""
    columns = list(metric_train.columns)

    def design(frame: pd.DataFrame, metrics: pd.DataFrame) -> np.ndarray:
        values = metrics[columns].to_numpy(dtype=float)
        fill = np.repeat(frame["computed_score"].to_numpy(dtype=float)[:, None], len(columns), 1)
        return np.where(np.isnan(values), fill, values) / 100.0

    sample = weekly(train)
    model = fit_logistic_cv(
        design(train[sample], metric_train[sample]),
        train.loc[sample, "churned"].to_numpy(),
        train.loc[sample, "account_id"].to_numpy(),
    )
    risk = model.predict_proba(design(holdout, metric_holdout))[:, 1]
    return {
        "holdout_auc": churn_auc(holdout["churned"].to_numpy(), -risk),
        "regularisation_C": float(np.ravel(model.C_)[0]),
        "coefficients": dict(zip(columns, model.coef_[0].round(4).tolist(), strict=True)),
    }


# --- diagnostics ---------------------------------------------------------------------------


def component_signal(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """AUC of each component score on the snapshots where it is measured."""
    churned = frame["churned"].to_numpy()
    rows = []
    for component, column in zip(COMPONENTS, COMPONENT_COLUMNS, strict=True):
        score = frame[column].to_numpy(dtype=float)
        rows.append(
            {
                "component": component,
                "coverage": float(np.mean(~np.isnan(score))),
                "auc": churn_auc(churned, score),
            }
        )
    return rows


def metric_signal(
    frame: pd.DataFrame, metric_scores: pd.DataFrame, definitions: pd.DataFrame
) -> list[dict[str, Any]]:
    """Per metric: AUC of its normalised score, coverage, share stuck at 0 or 100, and a flag
    where the metric or its normalisation loses signal."""
    churned = frame["churned"].to_numpy()
    rows = []
    for spec in definitions.sort_values(["component", "metric_name"]).itertuples():
        if spec.metric_name not in metric_scores:
            continue
        score = metric_scores[spec.metric_name].to_numpy(dtype=float)
        measured = ~np.isnan(score)
        auc = churn_auc(churned, score)
        saturated = float(np.mean(np.isin(score[measured], (0.0, 100.0)))) if measured.any() else 0
        rows.append(
            {
                "metric": spec.metric_name,
                "component": spec.component,
                "normalisation": spec.normalisation,
                "weight": float(spec.weight),
                "coverage": float(measured.mean()),
                "auc": auc,
                "saturated_share": saturated,
                "distinct_scores": len(np.unique(score[measured])),
                "flag": _metric_flag(float(spec.weight), auc, saturated),
            }
        )
    return rows


def _metric_flag(weight: float, auc: float, saturated: float) -> str:
    if weight == 0:
        return "context only (weight 0)"
    flags = []
    if math.isnan(auc):
        flags.append("no churn among measured snapshots")
    elif auc < 0.6:
        flags.append("weak signal")
    if saturated > 0.5:
        flags.append("saturated normalisation")
    return ", ".join(flags)


# --- the whole run -------------------------------------------------------------------------


def calibrate(
    published_db: Path,
    out_dir: Path,
    *,
    truth_dir: Path | None = None,
    seed: int = 0,
    n_bootstrap: int = N_BOOTSTRAP,
) -> dict:
    """Backtest the score against 90-day churn and propose component weights.

    Reads `marts.fct_churn_outcomes` (and the metric fact and scoring seeds) from the DuckDB
    file read-only; writes calibration.json, calibration.md and proposed_component_weights.csv
    to out_dir; returns the figures written to calibration.json.
    """
    inputs = read_inputs(Path(published_db))
    frame = inputs.outcomes
    if frame.empty or frame["churned"].nunique() < 2:
        return _too_thin(frame, Path(published_db), Path(out_dir))
    rng = np.random.default_rng(seed)
    latent = read_latent_health(truth_dir, frame)
    result: dict[str, Any] = {
        "source": str(published_db),
        "horizon_days": HORIZON_DAYS,
        "snapshots": _snapshot_summary(frame),
        "bootstrap": {"replicates": n_bootstrap, "clustered_by": "account_id", "seed": seed},
    }
    result["discrimination"] = _discrimination(frame, latent, rng, n_bootstrap)
    result["targets"] = _targets(result["discrimination"])
    result["components"] = component_signal(frame)
    result["bands"] = band_table(frame)
    result["deciles"] = decile_table(frame)
    result["segments"] = _segments(frame, latent, rng, n_bootstrap)
    try:
        result["weights"], proposed = _weights(inputs, rng, n_bootstrap)
    except ChwError as exc:  # a short or single-cohort history: the rest is still reported
        result["skipped"] = [f"weights not fitted: {exc}; `chw calibrate --fit` uses folds"]
        result["weights"], proposed = None, None
    if inputs.metric_scores is not None and inputs.metric_definitions is not None:
        result["metrics"] = metric_signal(frame, inputs.metric_scores, inputs.metric_definitions)
    result = _clean(result)
    write_outputs(Path(out_dir), result, proposed)
    return result


def _snapshot_summary(frame: pd.DataFrame) -> dict[str, Any]:
    return {
        "labelled": len(frame),
        "accounts": int(frame["account_id"].nunique()),
        "churned_snapshots": int(frame["churned"].sum()),
        "churned_accounts": int(frame.loc[frame["churned"] == 1, "account_id"].nunique()),
        "churn_rate": float(frame["churned"].mean()),
        "expansion_rate": float(frame["expanded"].mean()),
        "first_day": str(min(frame["score_date"])),
        "last_day": str(max(frame["score_date"])),
    }


def _discrimination(
    frame: pd.DataFrame, latent: np.ndarray | None, rng: np.random.Generator, replicates: int
) -> dict[str, Any]:
    churned = frame["churned"].to_numpy()
    scores = {
        "published_score": frame["published_score"].to_numpy(dtype=float),
        "computed_score": frame["computed_score"].to_numpy(dtype=float),
    }
    if latent is not None:
        scores["latent_health"] = latent
    summaries, draws = aucs_with_intervals(frame, scores, replicates=replicates, rng=rng)
    out: dict[str, Any] = dict(summaries)
    out.setdefault("latent_health", None)
    if latent is not None:
        ratio = draws["published_score"] / draws["latent_health"]
        low, high = interval(ratio)
        out["score_share_of_latent"] = {
            "share": out["published_score"]["auc"] / out["latent_health"]["auc"],
            "ci_low": low,
            "ci_high": high,
        }
    cohort = frame["is_renewal_in_window"].to_numpy(dtype=bool)
    out["renewal_cohort"] = {
        "snapshots": int(cohort.sum()),
        "churn_rate": float(churned[cohort].mean()) if cohort.any() else math.nan,
        "published_score_auc": churn_auc(churned[cohort], scores["published_score"][cohort]),
        "latent_health_auc": churn_auc(churned[cohort], latent[cohort])
        if latent is not None
        else None,
    }
    return out


def _targets(discrimination: dict[str, Any]) -> dict[str, Any]:
    auc = discrimination["published_score"]["auc"]
    share = (discrimination.get("score_share_of_latent") or {}).get("share")
    return {
        "auc_target": TARGET_AUC,
        "auc_met": bool(auc >= TARGET_AUC),
        "share_of_latent_target": TARGET_SHARE_OF_LATENT,
        "share_of_latent_met": None if share is None else bool(share >= TARGET_SHARE_OF_LATENT),
    }


def _segments(
    frame: pd.DataFrame, latent: np.ndarray | None, rng: np.random.Generator, replicates: int
) -> dict[str, Any]:
    out = {}
    for segment in sorted(frame["segment"].unique()):
        mask = (frame["segment"] == segment).to_numpy()
        part = frame[mask]
        churned = part["churned"].to_numpy()
        score = part["published_score"].to_numpy(dtype=float)
        summaries, _ = aucs_with_intervals(part, {"score": score}, replicates=replicates, rng=rng)
        out[segment] = {
            "snapshots": len(part),
            "accounts": int(part["account_id"].nunique()),
            "churned_accounts": int(part.loc[part["churned"] == 1, "account_id"].nunique()),
            "churn_rate": float(churned.mean()),
            "published_score": summaries["score"],
            "latent_health_auc": churn_auc(churned, latent[mask]) if latent is not None else None,
            "bands": band_table(part),
            "deciles": decile_table(part),
        }
    return out


def _weights(
    inputs: Inputs, rng: np.random.Generator, replicates: int
) -> tuple[dict[str, Any], pd.DataFrame]:
    frame, current = inputs.outcomes, inputs.component_weights
    split = time_split(frame["score_date"])
    train_mask, holdout_mask = split.masks(frame["score_date"])
    train, holdout = frame[train_mask], frame[holdout_mask]
    proposed, fit = fit_component_weights(train, current)
    scores = {
        "current": weighted_score(holdout, current),
        "proposed": weighted_score(holdout, proposed),
    }
    summaries, draws = aucs_with_intervals(holdout, scores, replicates=replicates, rng=rng)
    holdout_auc: dict[str, Any] = dict(summaries)
    low, high = interval(draws["proposed"] - draws["current"])
    holdout_auc["difference"] = {
        "auc": holdout_auc["proposed"]["auc"] - holdout_auc["current"]["auc"],
        "ci_low": low,
        "ci_high": high,
    }
    if inputs.metric_scores is not None and inputs.metric_definitions is not None:
        weighted = inputs.metric_definitions.loc[inputs.metric_definitions["weight"] > 0]
        columns = [m for m in weighted["metric_name"] if m in inputs.metric_scores]
        metrics = inputs.metric_scores[columns]
        holdout_auc["metric_model"] = fit_metric_model(
            train, holdout, metrics[train_mask], metrics[holdout_mask]
        )
    comparison = current.merge(
        proposed[["segment", "component", "weight", "coefficient"]],
        on=["segment", "component"],
        how="left",
        suffixes=("_current", "_proposed"),
    )
    summary = {
        "split": {
            "train": [str(split.train_from), str(split.train_to)],
            "holdout": [str(split.holdout_from), str(split.holdout_to)],
            "purge_days": HORIZON_DAYS,
            "train_snapshots": len(train),
            "holdout_snapshots": len(holdout),
            "train_churned_accounts": int(train.loc[train["churned"] == 1, "account_id"].nunique()),
            "holdout_churned_accounts": int(
                holdout.loc[holdout["churned"] == 1, "account_id"].nunique()
            ),
        },
        "model": fit,
        "holdout_auc": holdout_auc,
        "recommendation": _recommendation(holdout_auc["difference"]),
        "comparison": comparison.to_dict(orient="records"),
    }
    return summary, proposed[["segment", "component", "weight"]]


def _recommendation(difference: dict[str, float]) -> str:
    if difference["ci_low"] > 0:
        return "review: the proposed weights rank holdout churn better than the current ones"
    if difference["ci_high"] < 0:
        return "keep the current weights: the proposal ranks holdout churn worse"
    return (
        "keep the current weights: the holdout shows no clear difference (the interval of the "
        "AUC difference includes 0)"
    )


def _clean(value: Any) -> Any:
    """JSON-safe: NaN -> None, numpy scalars -> Python."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


# --- writing -------------------------------------------------------------------------------


def _too_thin(frame: pd.DataFrame, published_db: Path, out_dir: Path) -> dict[str, Any]:
    """The report of a history with nothing to measure: its counts and the reason."""
    reason = (
        "no labelled snapshots with both churned and retained accounts: the history is "
        f"shorter than {HORIZON_DAYS} days or nobody churned"
    )
    result = {"source": str(published_db), "skipped": [reason]}
    result["snapshots"] = _clean(_snapshot_summary(frame)) if len(frame) else {"labelled": 0}
    write_outputs(out_dir, result, None)
    return result


def write_outputs(out_dir: Path, result: dict[str, Any], proposed: pd.DataFrame | None) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "calibration.json").write_text(json.dumps(result, indent=2, sort_keys=False) + "\n")
    if "discrimination" not in result:
        notes = [f"- {r}" for r in result["skipped"]] + [f"- {result['snapshots']}"]
        (out_dir / "calibration.md").write_text("\n".join(["# Calibration", "", *notes, ""]))
        return
    (out_dir / "calibration.md").write_text(render_markdown(result))
    stale = out_dir / "proposed_component_weights.csv"
    if proposed is None:
        stale.unlink(missing_ok=True)
    else:
        write_weights_csv(stale, proposed)


def write_weights_csv(path: Path, weights: pd.DataFrame) -> None:
    """The seed's format (segment,component,weight), weights as short decimals."""
    lines = ["segment,component,weight"]
    lines += [f"{r.segment},{r.component},{r.weight:g}" for r in weights.itertuples()]
    path.write_text("\n".join(lines) + "\n")


def _f(value: Any, digits: int = 3) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _pct(value: Any) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _ci(summary: dict[str, Any] | None) -> str:
    if not summary:
        return "n/a"
    return f"{_f(summary['auc'])} [{_f(summary['ci_low'])}, {_f(summary['ci_high'])}]"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return out


def _band_rows(bands: list[dict[str, Any]]) -> list[list[str]]:
    return [
        [
            b["band"],
            str(b["snapshots"]),
            _pct(b["share_of_snapshots"]),
            _pct(b["churn_rate"]),
            _f(b["lift"], 2),
            _pct(b["expansion_rate"]),
        ]
        for b in bands
    ]


def _decile_rows(deciles: list[dict[str, Any]]) -> list[list[str]]:
    return [
        [
            str(d["decile"]),
            f"{d['min_score']:.0f}-{d['max_score']:.0f}",
            str(d["snapshots"]),
            _pct(d["churn_rate"]),
            _pct(d["fitted_churn_rate"]),
            _f(d["lift"], 2),
        ]
        for d in deciles
    ]


BAND_HEADER = ("band", "snapshots", "share", "churn rate", "lift", "expansion rate")
DECILE_HEADER = ("decile", "score", "snapshots", "churn rate", "fitted rate", "lift")


def render_markdown(result: dict[str, Any]) -> str:
    """The calibration report for people (the JSON holds the same figures)."""
    snap, disc, targets = result["snapshots"], result["discrimination"], result["targets"]
    lines = [
        "# Calibration: does the health score predict churn?",
        "",
        f"{snap['labelled']:,} labelled account-day snapshots ({snap['first_day']} to "
        f"{snap['last_day']}, {snap['accounts']} accounts); {snap['churned_accounts']} accounts "
        f"churned within {result['horizon_days']} days of a snapshot; churn rate "
        f"{_pct(snap['churn_rate'])} of snapshots. Scores are point in time. Intervals: 95% "
        f"bootstrap, {result['bootstrap']['replicates']} resamples of whole accounts.",
        "",
        "## Discrimination (ROC AUC, higher score = lower churn)",
        "",
    ]
    share = disc.get("score_share_of_latent")
    rows = [
        ["published score", _ci(disc["published_score"])],
        ["computed score (before overrides)", _ci(disc["computed_score"])],
        ["latent health (generator truth, upper bound)", _ci(disc.get("latent_health"))],
    ]
    if share:
        rows.append(
            [
                "score AUC / latent AUC",
                f"{_pct(share['share'])} [{_pct(share['ci_low'])}, {_pct(share['ci_high'])}]",
            ]
        )
    cohort = disc["renewal_cohort"]
    rows.append(
        [
            f"renewal cohort only ({cohort['snapshots']:,} snapshots renewing in the window)",
            f"score {_f(cohort['published_score_auc'])}, latent {_f(cohort['latent_health_auc'])}",
        ]
    )
    lines += _table(("score", "AUC [95% CI]"), rows)
    verdict = "met" if targets["auc_met"] else "NOT met"
    lines += ["", f"Target AUC >= {targets['auc_target']}: **{verdict}**."]
    if targets["share_of_latent_met"] is not None:
        verdict = "met" if targets["share_of_latent_met"] else "NOT met"
        lines.append(
            f"Target >= {_pct(targets['share_of_latent_target'])} of latent: **{verdict}**."
        )
    lines += ["", "## Churn by band (published band)", ""]
    lines += _table(BAND_HEADER, _band_rows(result["bands"]))
    lines += ["", "## Calibration by score decile (1 = lowest scores)", ""]
    lines += _table(DECILE_HEADER, _decile_rows(result["deciles"]))
    lines += ["", "## Per segment", ""]
    seg_rows = [
        [
            name,
            str(s["snapshots"]),
            str(s["churned_accounts"]),
            _pct(s["churn_rate"]),
            _ci(s["published_score"]),
            _f(s["latent_health_auc"]),
        ]
        for name, s in result["segments"].items()
    ]
    header = (
        "segment",
        "snapshots",
        "churned accounts",
        "churn rate",
        "AUC [95% CI]",
        "latent AUC",
    )
    lines += _table(header, seg_rows)
    for name, s in result["segments"].items():
        lines += ["", f"### {name}", ""]
        lines += _table(BAND_HEADER, _band_rows(s["bands"]))
        lines += [""]
        lines += _table(DECILE_HEADER, _decile_rows(s["deciles"]))
    lines += _weights_markdown(result["weights"]) if result["weights"] else ["", *result["skipped"]]
    lines += _signal_markdown(result)
    return "\n".join(lines) + "\n"


def _weights_markdown(weights: dict[str, Any]) -> list[str]:
    split, auc = weights["split"], weights["holdout_auc"]
    lines = [
        "",
        "## Proposed component weights",
        "",
        f"L2-regularised logistic regression of churn on the five component scores (shared "
        f"effects plus per-segment deviations; C = {_f(weights['model']['regularisation_C'], 4)} "
        f"by cross-validated AUC over folds of whole accounts), trained on snapshots "
        f"{split['train'][0]} to {split['train'][1]} ({split['train_churned_accounts']} churned "
        f"accounts) and judged on {split['holdout'][0]} to {split['holdout'][1]} "
        f"({split['holdout_churned_accounts']} churned accounts); the {split['purge_days']}-day "
        "gap keeps training outcome windows out of the holdout. A weight is the component's "
        "protective effect as a share of the segment's total (negative effects get 0).",
        "",
    ]
    rows = [
        ["current weights", _ci(auc["current"])],
        ["proposed weights", _ci(auc["proposed"])],
        ["difference (proposed - current)", _ci(auc["difference"])],
    ]
    if "metric_model" in auc:
        rows.append(
            ["reference: logistic model on metric scores", _f(auc["metric_model"]["holdout_auc"])]
        )
    lines += _table(("holdout", "AUC [95% CI]"), rows)
    lines += ["", f"Recommendation: **{weights['recommendation']}**.", ""]
    lines += _table(
        ("segment", "component", "current", "proposed", "fitted effect"),
        [
            [
                str(r["segment"]),
                str(r["component"]),
                _f(r["weight_current"], 2),
                _f(r["weight_proposed"], 2),
                _f(r["coefficient"], 2),
            ]
            for r in weights["comparison"]
        ],
    )
    lines += [
        "",
        "The proposal is `proposed_component_weights.csv` beside this report, in the format of "
        "`seeds/scoring_component_weights.csv`. Nothing changes until a person copies it into "
        "the seed and the change is reviewed.",
    ]
    return lines


def _signal_markdown(result: dict[str, Any]) -> list[str]:
    lines = ["", "## Where the signal is", ""]
    lines += _table(
        ("component", "coverage", "AUC"),
        [[c["component"], _pct(c["coverage"]), _f(c["auc"])] for c in result["components"]],
    )
    if "metrics" in result:
        lines += [""]
        lines += _table(
            (
                "metric",
                "component",
                "normalisation",
                "weight",
                "coverage",
                "AUC",
                "at 0/100",
                "flag",
            ),
            [
                [
                    m["metric"],
                    m["component"],
                    m["normalisation"],
                    _f(m["weight"], 2),
                    _pct(m["coverage"]),
                    _f(m["auc"]),
                    _pct(m["saturated_share"]),
                    m["flag"],
                ]
                for m in result["metrics"]
            ],
        )
    return lines


def dashboard_summary(result: dict[str, Any]) -> dict[str, Any]:
    """The few calibration figures the dashboard shows, from a calibrate() result."""
    discrimination = result.get("discrimination", {})
    score = discrimination.get("published_score", {})
    latent = discrimination.get("latent_health") or {}
    return {
        "auc": score.get("auc"),
        "auc_ci": [score.get("ci_low"), score.get("ci_high")],
        "latent_auc": latent.get("auc"),
        "band_lift": result.get("bands", []),
        "deciles": [
            {
                "decile": d["decile"],
                "mean_score": d["mean_score"],
                "snapshots": d["snapshots"],
                "churn_rate": d["churn_rate"],
                "lift": d["lift"],
            }
            for d in result.get("deciles", [])
        ],
    }
