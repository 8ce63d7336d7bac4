"""A proposed configuration from a set of training snapshots: each metric's direction and
bounds, metric and component weights, and the reasons for every weight set to 0."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from chw.fit.metrics import MetricFinding, assess_metrics, findings_frame
from chw.fit.score import DEFAULT_SEGMENT, components_of
from chw.fit.weights import WeightFit, fit_weights

UNUSABLE = ("never measured", "no churn contrast", "constant", "wrong way (weak)")


@dataclass
class Proposal:
    metrics: pd.DataFrame  # the seed's metric rows, typed, with proposed values
    weights: pd.DataFrame  # segment, component, weight
    findings: list[MetricFinding]
    fit: WeightFit


def component_order(metrics: pd.DataFrame, weights: pd.DataFrame) -> list[str]:
    """Components as the weights seed lists them, then any only the metrics name."""
    return list(dict.fromkeys([*weights["component"], *components_of(metrics)]))


def propose(
    metrics: pd.DataFrame,
    current_weights: pd.DataFrame,
    values: pd.DataFrame,
    ranks: pd.DataFrame,
    frame: pd.DataFrame,
    seed: int = 0,
    keep_context: bool = False,
) -> Proposal:
    """Fit a configuration on the rows of `frame` (values and ranks aligned with it).
    `keep_context`: metrics of weight 0 in the seeds (context only) stay at 0."""
    findings = assess_metrics(metrics, values, ranks, frame)
    proposed = findings_frame(findings, metrics).assign(weight=metrics["weight"])
    usable = [f.metric_name for f in findings if f.flag not in UNUSABLE]
    if keep_context:
        context = set(metrics.loc[metrics["weight"].fillna(0) == 0, "metric_name"])
        for finding in findings:
            if finding.metric_name in context and finding.metric_name in usable:
                finding.note("context only (weight 0 in the seeds) and kept so: --keep-context")
        usable = [m for m in usable if m not in context]
    segments = with_default(list(dict.fromkeys(current_weights["segment"])), frame)
    order = component_order(metrics, current_weights)
    fit = fit_weights(proposed, usable, values, ranks, frame, segments, order, seed)
    active = _active_components(fit)
    total = sum(fit.coefficients.values())
    for finding in findings:
        finding.weight = fit.metric_weights[finding.metric_name]
        if total > 0:
            finding.effective_weight = fit.coefficients.get(finding.metric_name, 0.0) / total
        _explain_weight(finding, finding.metric_name in usable, finding.component in active)
        current = metrics.loc[metrics["metric_name"] == finding.metric_name, "weight"].iloc[0]
        if current == 0 and finding.effective_weight > 0:
            finding.note(
                "was context only (weight 0) and the fit weights it: check it measures health, "
                "not only timing"
            )
    proposed = findings_frame(findings, metrics)
    return Proposal(proposed, fit.component_weights, findings, fit)


def with_default(segments: list[str], frame: pd.DataFrame) -> list[str]:
    """The seed's segments, plus `default` when the data hold segments the seed lacks (their
    accounts would otherwise have no weights or bands)."""
    if DEFAULT_SEGMENT in segments or set(frame["segment"]) <= set(segments):
        return segments
    return [*segments, DEFAULT_SEGMENT]


def _active_components(fit: WeightFit) -> set[str]:
    weights = fit.component_weights
    return set(weights.loc[weights["weight"] > 0, "component"])


def _explain_weight(finding: MetricFinding, usable: bool, component_active: bool) -> None:
    if not component_active:
        finding.note(
            f"component '{finding.component}' gets weight 0 (no fitted effect): the metric "
            "weights inside it are kept and do not count"
        )
        return
    if finding.weight > 0 or not usable:
        return
    if finding.flag.startswith("wrong way"):
        finding.note("weight 0: its effect points the wrong way")
        finding.flag = "wrong way: weight 0"
    else:
        finding.flag = finding.flag or "no effect"
        finding.note("weight 0: no protective effect beyond the other metrics in the fit")
