"""Discrimination statistics: AUC with account bootstrap intervals, band and decile tables."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from chw.calibrate.config import BANDS, FIT_EVERY_DAYS

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
    # ties in frame order (account, day), as the analysis orders by score, account, day
    position = pd.Series(score).rank(method="first").to_numpy(dtype=int) - 1
    decile = ntile(position, 10)
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


def ntile(position: np.ndarray, buckets: int) -> np.ndarray:
    """SQL's ntile(buckets) of rows at 0-based `position` in their order: bucket sizes differ
    by at most one, the larger buckets first (as in analyses/churn_by_score_decile.sql)."""
    size, larger = divmod(len(position), buckets)
    in_larger = larger * (size + 1)
    return (
        np.where(
            position < in_larger,
            position // (size + 1),
            larger + (position - in_larger) // max(size, 1),
        )
        + 1
    )


def platt_probabilities(score: np.ndarray, churned: np.ndarray) -> np.ndarray:
    """Churn probability per snapshot from a logistic fit of churn on the score."""
    if len(np.unique(churned)) < 2:
        return np.full(len(score), float(np.mean(churned)))
    model = LogisticRegression(C=1e6, max_iter=1000)
    model.fit(score.reshape(-1, 1) / 100.0, churned)
    return model.predict_proba(score.reshape(-1, 1) / 100.0)[:, 1]


def weekly(frame: pd.DataFrame) -> np.ndarray:
    """Mask of every FIT_EVERY_DAYS-th snapshot day counted back from the last (same days for
    every account; a single cohort's one day is always kept)."""
    ordinal = np.array([d.toordinal() for d in frame["score_date"]])
    return (ordinal.max(initial=0) - ordinal) % FIT_EVERY_DAYS == 0
