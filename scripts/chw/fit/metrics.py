"""Per metric: how well it separates churners, which way, how saturated its current
normalisation is, and the direction and bounds the data suggest."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from chw.fit.folds import churn_auc
from chw.fit.score import normalise

FEW_VALUES = 10  # a metric with at most this many distinct values gets bounds at min/max
LOW_PERCENTILE, HIGH_PERCENTILE = 5, 95
MIN_REVERSE_GAP = 0.02  # a wrong-way AUC must sit this far (or 2 standard errors) below 0.5


@dataclass
class MetricFinding:
    """What the data say about one metric, and the proposal for its seed row."""

    metric_name: str
    component: str
    measured_share: float
    auc: float  # AUC of the raw value as configured (higher = better if direction is higher)
    current_direction: str
    direction: str
    current_normalisation: str
    normalisation: str
    lower_bound: float
    upper_bound: float
    saturation_current: float
    saturation_proposed: float
    proposed_auc: float = math.nan
    weight: float = 0.0  # within its component
    effective_weight: float = 0.0  # share of the whole score in the global fit
    flag: str = ""
    reasons: list[str] | None = None

    def note(self, reason: str) -> None:
        self.reasons = [*(self.reasons or []), reason]


def saturation(scores: np.ndarray) -> float:
    """Share of measured snapshots whose score is exactly 0 or 100."""
    measured = scores[~np.isnan(scores)]
    return float(np.isin(measured, (0.0, 100.0)).mean()) if len(measured) else math.nan


def auc_standard_error(auc: float, churned: int, retained: int) -> float:
    """Hanley-McNeil standard error, counted in accounts (snapshots of one are correlated)."""
    if churned < 1 or retained < 1 or math.isnan(auc):
        return math.inf
    q1, q2 = auc / (2 - auc), 2 * auc**2 / (1 + auc)
    var = (auc * (1 - auc) + (churned - 1) * (q1 - auc**2) + (retained - 1) * (q2 - auc**2)) / (
        churned * retained
    )
    return math.sqrt(max(var, 0.0))


def proposed_bounds(values: np.ndarray) -> tuple[float, float] | None:
    """Bounds from the measured values: 5th/95th percentiles, or min/max for a metric with
    few distinct values (flags, counts, terms); None when the metric is constant."""
    v = values[~np.isnan(values)]
    if len(v) == 0 or v.min() == v.max():
        return None
    if len(np.unique(v)) <= FEW_VALUES:
        low, high = float(v.min()), float(v.max())
    else:
        low, high = (float(x) for x in np.percentile(v, [LOW_PERCENTILE, HIGH_PERCENTILE]))
        if high <= low:
            low, high = float(v.min()), float(v.max())
    return _tidy(low, high)


def _tidy(low: float, high: float) -> tuple[float, float]:
    """Round to 4 significant digits of the range, keeping low < high."""
    step = 10 ** (math.floor(math.log10(high - low)) - 3)
    return round(round(low / step) * step, 12), round(round(high / step) * step, 12)


def assess_metric(
    spec: pd.Series,
    values: np.ndarray,
    rank: np.ndarray | None,
    frame: pd.DataFrame,
) -> MetricFinding:
    """The finding for one metric on a training frame (spec: its current seed row, typed)."""
    churned = frame["churned"].to_numpy()
    current = normalise(
        values, spec.direction, spec.normalisation, spec.lower_bound, spec.upper_bound, rank
    )
    measured = ~np.isnan(values)
    percentile = spec.normalisation == "percentile"
    signal = rank if percentile else values
    sign = 1.0 if spec.direction == "higher" else -1.0
    finding = MetricFinding(
        metric_name=spec.metric_name,
        component=spec.component,
        measured_share=float(measured.mean()) if len(values) else 0.0,
        auc=churn_auc(churned[measured], sign * signal[measured]) if measured.any() else math.nan,
        current_direction=spec.direction,
        direction=spec.direction,
        current_normalisation=spec.normalisation,
        normalisation=spec.normalisation,
        lower_bound=spec.lower_bound,
        upper_bound=spec.upper_bound,
        saturation_current=saturation(current),
        saturation_proposed=saturation(current),
    )
    if not measured.any():
        finding.flag = "never measured"
        finding.note("never measured in the labelled snapshots: weight 0, seed row kept")
        return finding
    if math.isnan(finding.auc):
        finding.flag = "no churn contrast"
        finding.note("its measured snapshots are all churned or all retained: weight 0")
        return finding
    _propose_direction(finding, frame, measured)
    if not percentile:
        _propose_bounds(finding, values)
    proposed = normalise(
        values,
        finding.direction,
        finding.normalisation,
        finding.lower_bound,
        finding.upper_bound,
        rank,
    )
    finding.saturation_proposed = saturation(proposed)
    finding.proposed_auc = churn_auc(churned[measured], proposed[measured])
    return finding


def _propose_direction(finding: MetricFinding, frame: pd.DataFrame, measured: np.ndarray) -> None:
    if finding.auc >= 0.5:
        return
    part = frame[measured]
    ever = part.groupby("account_id")["churned"].max()
    se = auc_standard_error(finding.auc, int(ever.sum()), int((ever == 0).sum()))
    gap = max(MIN_REVERSE_GAP, 2 * se)
    configured = f"AUC {finding.auc:.3f} with direction '{finding.current_direction}'"
    if finding.auc <= 0.5 - gap:
        finding.direction = "lower" if finding.current_direction == "higher" else "higher"
        finding.flag = "wrong way: reversed"
        finding.note(
            f"points the wrong way ({configured}, beyond noise {gap:.3f}): direction reversed "
            f"to '{finding.direction}'"
        )
    else:
        finding.flag = "wrong way (weak)"
        finding.note(
            f"points the wrong way ({configured}) within noise {gap:.3f}: direction kept, weight 0"
        )


def _propose_bounds(finding: MetricFinding, values: np.ndarray) -> None:
    bounds = proposed_bounds(values)
    if bounds is None:
        finding.flag = finding.flag or "constant"
        finding.note("constant among measured snapshots: bounds kept, weight 0")
        return
    finding.lower_bound, finding.upper_bound = bounds
    finding.normalisation = "absolute"
    few = len(np.unique(values[~np.isnan(values)])) <= FEW_VALUES
    finding.note(
        f"bounds {bounds[0]:g}-{bounds[1]:g} "
        + ("(min/max: few distinct values)" if few else "(5th-95th percentile)")
    )


def assess_metrics(
    metrics: pd.DataFrame, values: pd.DataFrame, ranks: pd.DataFrame, frame: pd.DataFrame
) -> list[MetricFinding]:
    """A finding per seed row, on the rows of `frame` (values and ranks aligned with it)."""
    findings = []
    for _, spec in metrics.iterrows():
        name = spec.metric_name
        v = values[name].to_numpy(dtype=float) if name in values else np.full(len(frame), np.nan)
        r = ranks[name].to_numpy(dtype=float) if name in ranks else None
        findings.append(assess_metric(spec, v, r, frame))
    return findings


def findings_frame(findings: list[MetricFinding], metrics: pd.DataFrame) -> pd.DataFrame:
    """The proposed metric configuration (typed) from the findings, seed order."""
    by_name = {f.metric_name: f for f in findings}
    out = metrics.copy()
    for column in ("direction", "normalisation", "lower_bound", "upper_bound", "weight"):
        out[column] = [getattr(by_name[m], column) for m in out["metric_name"]]
    return out
