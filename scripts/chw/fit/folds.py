"""Holdout folds that keep each account whole and, where the history allows, time in order.

Accounts are split into K folds (stratified so each holds churners). With several snapshot
days, a fold trains on the other accounts' snapshots up to a cutoff day and is judged on its
own accounts' snapshots after it (time in order, no account on both sides). With one day (a
single cohort), or when the later half holds too few churners, it is plain grouped K-fold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

MAX_FOLDS = 5
MIN_TEST_CHURNED_ACCOUNTS = 5  # below this in the later half, time order is not worth it


@dataclass(frozen=True)
class Fold:
    train: np.ndarray  # boolean masks over the snapshot rows
    test: np.ndarray


@dataclass(frozen=True)
class Scheme:
    name: str  # "accounts, time-ordered" | "accounts"
    folds: list[Fold] = field(default_factory=list)
    cutoff: str | None = None


def churn_auc(churned: np.ndarray, score: np.ndarray) -> float:
    """ROC AUC of a score for churn (a higher score means less churn); NaN if undefined."""
    churned = np.asarray(churned)
    score = np.asarray(score, dtype=float)
    keep = ~np.isnan(score)
    if len(np.unique(churned[keep])) < 2:
        return math.nan
    return float(roc_auc_score(churned[keep], -score[keep]))


def churned_accounts(frame: pd.DataFrame, mask: np.ndarray | None = None) -> int:
    part = frame if mask is None else frame[mask]
    return int(part.loc[part["churned"] == 1, "account_id"].nunique())


def account_folds(frame: pd.DataFrame, seed: int = 0) -> list[np.ndarray] | None:
    """Boolean masks of K folds of whole accounts, stratified by whether the account churned
    (its accounts dealt round-robin after a shuffle), so each fold holds churners."""
    ever = frame.groupby("account_id")["churned"].max()
    k = min(MAX_FOLDS, int(ever.sum()), int((ever == 0).sum()))
    if k < 2:
        return None
    rng = np.random.default_rng(seed)
    fold_of, start = {}, 0
    for label in (1, 0):
        accounts = ever.index[ever == label].to_numpy()
        rng.shuffle(accounts)
        fold_of.update(zip(accounts, (start + np.arange(len(accounts))) % k, strict=True))
        start = (start + len(accounts)) % k
    fold = frame["account_id"].map(fold_of).to_numpy()
    return [fold == i for i in range(k)]


def holdout_scheme(frame: pd.DataFrame, seed: int = 0) -> Scheme | None:
    """The folds to judge configurations on, or None when there are too few churners."""
    masks = account_folds(frame, seed)
    if masks is None:
        return None
    days = pd.to_datetime(frame["score_date"])
    if days.nunique() >= 2:
        cutoff = days.sort_values().iloc[len(days) // 2 - 1]
        early = (days <= cutoff).to_numpy()
        folds = [Fold(train=~m & early, test=m & ~early) for m in masks]
        if _usable(frame, folds):
            return Scheme("accounts, time-ordered", folds, str(cutoff.date()))
    return Scheme("accounts", [Fold(train=~m, test=m) for m in masks])


def _usable(frame: pd.DataFrame, folds: list[Fold]) -> bool:
    tested = np.zeros(len(frame), dtype=bool)
    for fold in folds:
        if churned_accounts(frame, fold.train) < 2:
            return False
        if frame.loc[fold.test, "churned"].nunique() < 2:
            return False
        tested |= fold.test
    return churned_accounts(frame, tested) >= MIN_TEST_CHURNED_ACCOUNTS
