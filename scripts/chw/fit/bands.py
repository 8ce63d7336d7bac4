"""Bands from risk: red below the score where the 90-day churn risk reaches `red_multiple` x
the base rate, green from the score where it falls to `green_multiple` x the base rate.

The risk of a score is a Platt fit (logistic regression of churn on the score); a segment with
enough churned accounts gets its own fit and base rate, the others the pooled ones.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

from chw.fit.folds import churned_accounts
from chw.fit.score import DEFAULT_SEGMENT

RED_MULTIPLE, GREEN_MULTIPLE = 2.0, 0.5
MIN_SEGMENT_CHURNED_ACCOUNTS = 20


def platt(score: np.ndarray, churned: np.ndarray) -> tuple[float, float] | None:
    """(a, b) of churn log-odds = a + b * score / 100, or None without both outcomes."""
    keep = ~np.isnan(score)
    if len(np.unique(churned[keep])) < 2:
        return None
    model = LogisticRegression(C=1e6, max_iter=1000)
    model.fit(score[keep].reshape(-1, 1) / 100.0, churned[keep])
    return float(model.intercept_[0]), float(model.coef_[0, 0])


def score_at_risk(a: float, b: float, risk: float) -> float:
    """The score whose fitted risk equals `risk` (inf/-inf beyond reach)."""
    if risk >= 1:
        return -math.inf
    if risk <= 0:
        return math.inf
    return 100.0 * (math.log(risk / (1 - risk)) - a) / b


def thresholds(red_score: float, green_score: float) -> tuple[int, int]:
    """Whole-point thresholds within 0-100 with red_below < green_from."""
    red = int(np.clip(round(red_score) if math.isfinite(red_score) else red_score, 0, 99))
    green = int(np.clip(round(green_score) if math.isfinite(green_score) else green_score, 1, 100))
    if green <= red:
        green = red + 1
    return red, green


def segment_bands(
    score: np.ndarray,
    churned: np.ndarray,
    red_multiple: float = RED_MULTIPLE,
    green_multiple: float = GREEN_MULTIPLE,
) -> dict[str, Any] | None:
    """red_below and green_from for one group of snapshots, with the figures behind them."""
    fit = platt(score, churned)
    if fit is None or fit[1] >= 0:
        return None
    base = float(np.nanmean(churned[~np.isnan(score)]))
    red, green = thresholds(
        score_at_risk(*fit, red_multiple * base), score_at_risk(*fit, green_multiple * base)
    )
    return {
        "red_below": red,
        "green_from": green,
        "base_rate": base,
        "platt_intercept": fit[0],
        "platt_slope": fit[1],
    }


def propose_bands(
    score: np.ndarray,
    frame: pd.DataFrame,
    current: pd.DataFrame,
    red_multiple: float = RED_MULTIPLE,
    green_multiple: float = GREEN_MULTIPLE,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """A band row per segment of the current seed; a segment whose risk cannot be fitted
    keeps its current thresholds (the reason is in the details)."""
    churned = frame["churned"].to_numpy()
    pooled = segment_bands(score, churned, red_multiple, green_multiple)
    rows, details = [], {}
    for row in current.itertuples():
        mask = (frame["segment"] == row.segment).to_numpy()
        own = None
        if row.segment != DEFAULT_SEGMENT and churned_accounts(frame, mask) >= (
            MIN_SEGMENT_CHURNED_ACCOUNTS
        ):
            own = segment_bands(score[mask], churned[mask], red_multiple, green_multiple)
        chosen, source = (own, "segment fit") if own else (pooled, "pooled fit")
        if chosen is None:
            rows.append(
                {"segment": row.segment, "red_below": row.red_below, "green_from": row.green_from}
            )
            details[row.segment] = {
                "source": "kept: the score does not rank churn (no decreasing risk to fit)"
            }
            continue
        rows.append(
            {
                "segment": row.segment,
                "red_below": chosen["red_below"],
                "green_from": chosen["green_from"],
            }
        )
        details[row.segment] = {"source": source, **chosen}
    return pd.DataFrame(rows), details
