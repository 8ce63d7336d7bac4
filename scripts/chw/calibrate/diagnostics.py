"""Signal diagnostics: each component's and metric's own AUC, and flags for weak metrics."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from chw.calibrate.config import COMPONENT_COLUMNS, COMPONENTS
from chw.calibrate.statistics import churn_auc

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
