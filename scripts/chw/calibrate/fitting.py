"""Weight fitting: a purged time split and L2 logistic regressions of churn on component scores."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegressionCV
from sklearn.model_selection import StratifiedGroupKFold

from chw.calibrate.config import (
    C_GRID,
    COMPONENT_COLUMNS,
    COMPONENTS,
    HORIZON_DAYS,
    MIN_CHURNED_ACCOUNTS,
    MIN_HOLDOUT_DAYS,
    WEIGHT_STEP,
)
from chw.calibrate.statistics import churn_auc, weekly
from chw.errors import ChwError, ExitCode

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
