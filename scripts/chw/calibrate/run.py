"""The whole calibration run: snapshots, discrimination, segments and the weight proposal."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from chw.calibrate.config import HORIZON_DAYS, N_BOOTSTRAP, TARGET_AUC, TARGET_SHARE_OF_LATENT
from chw.calibrate.diagnostics import component_signal, metric_signal
from chw.calibrate.fitting import (
    fit_component_weights,
    fit_metric_model,
    time_split,
    weighted_score,
)
from chw.calibrate.inputs import Inputs, read_inputs, read_latent_health
from chw.calibrate.report import _clean, _snapshot_summary, write_outputs
from chw.calibrate.statistics import (
    aucs_with_intervals,
    band_table,
    churn_auc,
    decile_table,
    interval,
)
from chw.errors import ChwError

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
