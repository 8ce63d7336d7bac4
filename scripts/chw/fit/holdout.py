"""Judge configurations on held-out accounts: the current configuration, the one the fit
proposes when trained without those accounts, and a plain L2 logistic regression on the same
raw metric values (the reference a constrained weighted mean is measured against)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression, LogisticRegressionCV

from chw.fit.folds import Scheme, account_folds, churn_auc, churned_accounts
from chw.fit.inputs import Snapshots
from chw.fit.proposal import propose
from chw.fit.score import score

REFERENCE_CS = np.logspace(-3, 2, 6)  # the reference's L2 strength, chosen by inner CV


def logistic_reference(
    values: pd.DataFrame, frame: pd.DataFrame, train: np.ndarray, test: np.ndarray
) -> np.ndarray:
    """Health (minus churn risk) of the test rows from an L2 logistic regression on the raw
    metric values, standardised on the training rows (not measured: the training mean)."""
    columns = [c for c in values.columns if values.loc[train, c].nunique() > 1]
    if not columns or churned_accounts(frame, train) < 2:
        return np.full(int(test.sum()), np.nan)
    raw = values[columns].astype(float)
    mean, std = raw[train].mean(), raw[train].std().replace(0, 1.0)
    x = ((raw - mean) / std).fillna(0.0).to_numpy()
    part = frame[train].reset_index(drop=True)
    masks = account_folds(part)
    y = part["churned"].to_numpy()
    if masks is None:
        model = LogisticRegression(C=1.0, max_iter=1000).fit(x[train], y)
    else:
        folds = [(np.flatnonzero(~m), np.flatnonzero(m)) for m in masks]
        model = LogisticRegressionCV(
            Cs=REFERENCE_CS,
            l1_ratios=(0.0,),
            cv=folds,
            scoring="roc_auc",
            max_iter=1000,
            use_legacy_attributes=False,
        ).fit(x[train], y)
    return -model.predict_proba(x[test])[:, 1]


def evaluate(
    snapshots: Snapshots,
    metrics: pd.DataFrame,
    weights: pd.DataFrame,
    scheme: Scheme,
    seed: int = 0,
    keep_context: bool = False,
) -> tuple[dict[str, Any], np.ndarray]:
    """Holdout AUCs of default, fitted and logistic on the same folds, pooled over the held-out
    rows and per fold; returns them and the fitted scores of the held-out rows (NaN elsewhere)."""
    frame, values, ranks = snapshots.frame, snapshots.values, snapshots.ranks
    churned = frame["churned"].to_numpy()
    segments = frame["segment"].to_numpy()
    default = score(values, ranks, segments, metrics, weights)
    fitted = np.full(len(frame), np.nan)
    logistic = np.full(len(frame), np.nan)
    per_fold = []
    for i, fold in enumerate(scheme.folds):
        train, test = fold.train, fold.test
        part = frame[train].reset_index(drop=True)
        proposal = propose(
            metrics,
            weights,
            values[train].reset_index(drop=True),
            ranks[train].reset_index(drop=True),
            part,
            seed,
            keep_context,
        )
        fitted[test] = score(
            values[test], ranks[test], segments[test], proposal.metrics, proposal.weights
        )
        logistic[test] = logistic_reference(values, frame, train, test)
        per_fold.append(
            {
                "fold": i + 1,
                "train_snapshots": int(train.sum()),
                "test_snapshots": int(test.sum()),
                "train_churned_accounts": churned_accounts(frame, train),
                "test_churned_accounts": churned_accounts(frame, test),
                "default_auc": churn_auc(churned[test], default[test]),
                "fitted_auc": churn_auc(churned[test], fitted[test]),
                "logistic_auc": churn_auc(churned[test], logistic[test]),
            }
        )
    return _pooled(frame, scheme, default, fitted, logistic, per_fold), fitted


def _pooled(
    frame: pd.DataFrame,
    scheme: Scheme,
    default: np.ndarray,
    fitted: np.ndarray,
    logistic: np.ndarray,
    per_fold: list[dict[str, Any]],
) -> dict[str, Any]:
    """The AUCs over every held-out row, with the counts behind them."""
    churned = frame["churned"].to_numpy()
    tested = np.zeros(len(frame), dtype=bool)
    for fold in scheme.folds:
        tested |= fold.test
    return {
        "scheme": scheme.name,
        "cutoff": scheme.cutoff,
        "folds": len(scheme.folds),
        "test_snapshots": int(tested.sum()),
        "test_accounts": int(frame.loc[tested, "account_id"].nunique()),
        "test_churned_accounts": churned_accounts(frame, tested),
        "test_churned_snapshots": int(churned[tested].sum()),
        "default_auc": churn_auc(churned[tested], default[tested]),
        "default_scored_snapshots": int((tested & ~np.isnan(default)).sum()),
        "fitted_auc": churn_auc(churned[tested], fitted[tested]),
        "logistic_auc": churn_auc(churned[tested], logistic[tested]),
        "per_fold": per_fold,
    }
