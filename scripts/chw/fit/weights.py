"""Weights from a regularised logistic fit whose coefficients are non-negative in the health
direction, so the score stays a weighted mean (weights >= 0 summing to 1) of the metrics.

churn log-odds = b0 - sum_j beta_j x_j, with x_j a metric's proposed 0-1 score and beta_j >= 0.
A metric's weight within its component is its share of the component's coefficients; a
component's weight is its share of all. Segments with enough churned accounts get their own
component weights (a second fit on the component scores); the others take the global ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from chw.calibrate import round_to_total
from chw.fit.folds import account_folds, churn_auc, churned_accounts
from chw.fit.score import DEFAULT_SEGMENT, component_scores, components_of, metric_scores

PENALTIES = (1e-5, 1e-4, 1e-3, 1e-2, 3e-2)  # L2 penalty on the mean log-loss, by inner CV
AUC_TOLERANCE = 0.005  # the largest penalty this close to the best inner AUC: stabler weights
FALLBACK_PENALTY = 1e-3
REFILL_ROUNDS = 2  # refits with N/A filled as the score fills them
MIN_SEGMENT_CHURNED_ACCOUNTS = 20


def fit_nonnegative(x: np.ndarray, churned: np.ndarray, penalty: float) -> np.ndarray:
    """Coefficients beta >= 0 of log-odds b0 - x @ beta (L-BFGS-B with bounds)."""
    n, p = x.shape
    y = churned.astype(float)
    rate = min(max(y.mean(), 1e-6), 1 - 1e-6)

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        z = params[0] - x @ params[1:]
        value = np.mean(np.logaddexp(0.0, z) - y * z) + penalty * params[1:] @ params[1:]
        residual = 1.0 / (1.0 + np.exp(-z)) - y
        grad = np.concatenate(([residual.mean()], -(x.T @ residual) / n + 2 * penalty * params[1:]))
        return float(value), grad

    start = np.concatenate(([np.log(rate / (1 - rate))], np.zeros(p)))
    result = minimize(
        loss, start, jac=True, method="L-BFGS-B", bounds=[(None, None)] + [(0.0, None)] * p
    )
    beta = result.x[1:]
    return np.where(beta > 1e-8, beta, 0.0)


def choose_penalty(x: np.ndarray, frame: pd.DataFrame, seed: int) -> tuple[float, dict]:
    """The penalty with the best AUC over inner folds of whole accounts (ties: the larger)."""
    masks = account_folds(frame, seed)
    if masks is None:
        return FALLBACK_PENALTY, {}
    churned = frame["churned"].to_numpy()
    aucs = {}
    for penalty in PENALTIES:
        risk = np.full(len(frame), np.nan)
        for test in masks:
            risk[test] = x[test] @ fit_nonnegative(x[~test], churned[~test], penalty)
        aucs[penalty] = churn_auc(churned, risk)
    top = max(np.nan_to_num(aucs[p], nan=-1.0) for p in PENALTIES)
    best = max(p for p in PENALTIES if np.nan_to_num(aucs[p], nan=-1.0) >= top - AUC_TOLERANCE)
    return best, {f"{p:g}": a for p, a in aucs.items()}


def design(scores: pd.DataFrame, fill: pd.Series | None = None) -> tuple[np.ndarray, pd.Series]:
    """0-1 features; a not-measured value takes the column's training mean (`fill`)."""
    if fill is None:
        fill = (scores.mean() / 100.0).fillna(0.5)
    return (scores / 100.0).fillna(fill).to_numpy(dtype=float), fill


def scoring_fill(scores: pd.DataFrame, metrics: pd.DataFrame, coef: np.ndarray) -> np.ndarray:
    """0-1 features whose N/A values are filled as dbt's scoring fills them in effect: with the
    measured mean of the metric's component, or the row's score when the whole component is
    N/A. With these, the linear predictor of weights `coef` is the score dbt computes."""
    s = scores.to_numpy(dtype=float) / 100.0
    present = ~np.isnan(s)
    component = metrics.set_index("metric_name").loc[scores.columns, "component"].to_numpy()
    filled = s.copy()
    comp_means, comp_weights = {}, {}
    for c in dict.fromkeys(component):
        cols = component == c
        w = np.where(present[:, cols], coef[cols], 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            comp_means[c] = (w * np.nan_to_num(s[:, cols])).sum(1) / w.sum(1)
        comp_weights[c] = np.where(w.sum(1) > 0, coef[cols].sum(), 0.0)
    means = np.column_stack(list(comp_means.values()))
    weights = np.column_stack(list(comp_weights.values()))
    with np.errstate(invalid="ignore", divide="ignore"):
        overall = (weights * np.nan_to_num(means)).sum(1) / weights.sum(1)
    for j, c in enumerate(component):
        fill = np.where(np.isnan(comp_means[c]), overall, comp_means[c])
        filled[:, j] = np.where(present[:, j], s[:, j], fill)
    column_mean = np.nanmean(np.where(present, s, np.nan), axis=0)
    return np.where(np.isnan(filled), np.nan_to_num(column_mean, nan=0.5), filled)


@dataclass
class WeightFit:
    metric_weights: dict[str, float]
    component_weights: pd.DataFrame  # segment, component, weight
    penalty: float
    coefficients: dict[str, float]
    inner_cv_auc: dict[str, float] = field(default_factory=dict)
    segment_sources: dict[str, str] = field(default_factory=dict)


def fit_weights(
    metrics: pd.DataFrame,
    usable: list[str],
    values: pd.DataFrame,
    ranks: pd.DataFrame,
    frame: pd.DataFrame,
    segments: list[str],
    component_order: list[str],
    seed: int = 0,
) -> WeightFit:
    """Metric and per-segment component weights for the proposed metric configuration
    (`metrics`, typed; its weights are replaced) fitted on the rows of `frame`."""
    scores = metric_scores(values, ranks, metrics)[usable]
    x, _ = design(scores)
    penalty, inner = choose_penalty(x, frame, seed)
    churned = frame["churned"].to_numpy()
    coef = fit_nonnegative(x, churned, penalty)
    for _ in range(REFILL_ROUNDS):
        coef = fit_nonnegative(scoring_fill(scores, metrics, coef), churned, penalty)
    beta = dict(zip(usable, coef, strict=True))
    metric_weights, totals = _metric_weights(metrics, beta)
    fitted = metrics.assign(weight=metrics["metric_name"].map(metric_weights))
    global_shares = _shares(totals, component_order)
    rows, sources = [], {}
    for segment in segments:
        shares, sources[segment] = global_shares, "global fit"
        in_segment = (frame["segment"] == segment).to_numpy()
        if segment != DEFAULT_SEGMENT and churned_accounts(frame, in_segment) >= (
            MIN_SEGMENT_CHURNED_ACCOUNTS
        ):
            own = _segment_shares(fitted, values, ranks, frame, in_segment, penalty, totals)
            if own is not None:
                shares, sources[segment] = _shares(own, component_order), "segment fit"
        rows += [{"segment": segment, "component": c, "weight": w} for c, w in shares.items()]
    return WeightFit(
        metric_weights, pd.DataFrame(rows), penalty, beta, inner, segment_sources=sources
    )


def _metric_weights(
    metrics: pd.DataFrame, beta: dict[str, float]
) -> tuple[dict[str, float], dict[str, float]]:
    """Within-component shares (rounded to sum to 1); a component with no fitted effect keeps
    its current metric weights (its component weight is 0, and dbt needs a measured weight)."""
    weights, totals = {}, {}
    for component in components_of(metrics):
        members = metrics[metrics["component"] == component]
        effect = np.array([beta.get(m, 0.0) for m in members["metric_name"]])
        totals[component] = float(effect.sum())
        if effect.sum() > 0:
            shares = round_to_total(effect / effect.sum())
        else:
            shares = members["weight"].fillna(0.0).tolist()
        weights.update(zip(members["metric_name"], shares, strict=True))
    return weights, totals


def _shares(totals: dict[str, float], order: list[str]) -> dict[str, float]:
    effect = np.array([max(totals.get(c, 0.0), 0.0) for c in order])
    if effect.sum() <= 0:
        return dict.fromkeys(order, 0.0)
    return dict(zip(order, round_to_total(effect / effect.sum()), strict=True))


def _segment_shares(
    fitted: pd.DataFrame,
    values: pd.DataFrame,
    ranks: pd.DataFrame,
    frame: pd.DataFrame,
    in_segment: np.ndarray,
    penalty: float,
    totals: dict[str, float],
) -> dict[str, float] | None:
    """Component effects refitted on one segment's rows, over the components the global fit
    weights (a component without global effect stays at 0)."""
    active = [c for c, t in totals.items() if t > 0]
    if not active:
        return None
    components = component_scores(metric_scores(values, ranks, fitted), fitted)[active]
    x, _ = design(components[in_segment])
    beta = fit_nonnegative(x, frame.loc[in_segment, "churned"].to_numpy(), penalty)
    if beta.sum() <= 0:
        return None
    return dict(zip(active, beta.tolist(), strict=True))
