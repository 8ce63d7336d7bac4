"""Score a configuration in Python exactly as dbt does, so configurations can be compared on
held-out accounts without a rebuild.

Mirrors `macros/scoring/normalise_metric.sql` (absolute, thresholds, percentile) and
`models/intermediate/scoring/int_account_health_scored.sql`: within a component the measured
metrics' weighted mean (an unmeasured metric's weight goes to the measured ones; a component
whose measured weight is 0 is unmeasured), then the components weighted per segment the same
way (a segment without its own weights uses the `default` row).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DEFAULT_SEGMENT = "default"


def normalise(
    raw: np.ndarray,
    direction: str,
    normalisation: str,
    lower: float,
    upper: float,
    rank: np.ndarray | None = None,
) -> np.ndarray:
    """A metric's raw values mapped to 0-100 (NaN stays NaN: not measured).

    `rank` is the metric's percentile score in the higher-is-better orientation (0-100), needed
    for percentile normalisation, whose peers (segment and day) a sample does not hold.
    """
    raw = np.asarray(raw, dtype=float)
    higher = direction == "higher"
    with np.errstate(invalid="ignore", divide="ignore"):
        if normalisation == "absolute":
            share = (raw - lower) / (upper - lower) if higher else (upper - raw) / (upper - lower)
            out = 100.0 * np.clip(share, 0.0, 1.0)
        elif normalisation == "thresholds":
            good = raw >= upper if higher else raw <= lower
            bad = raw <= lower if higher else raw >= upper
            out = np.where(good, 100.0, np.where(bad, 0.0, 50.0))
        elif normalisation == "percentile":
            if rank is None:
                raise ValueError("percentile normalisation needs the metric's ranks")
            rank = np.asarray(rank, dtype=float)
            out = rank if higher else 100.0 - rank
        else:
            raise ValueError(f"unknown normalisation {normalisation!r}")
    return np.where(np.isnan(raw), np.nan, out)


def percent_rank(values: np.ndarray, peers: np.ndarray) -> np.ndarray:
    """100 x percent_rank() among the measured values of the same peers (a lone peer: 50),
    in the higher-is-better orientation, as the percentile normalisation computes it."""
    frame = pd.DataFrame({"value": np.asarray(values, dtype=float), "peer": peers})
    measured = frame["value"].notna()
    group = frame[measured].groupby("peer")["value"]
    rank = group.rank(method="min") - 1
    count = group.transform("count")
    out = pd.Series(np.nan, index=frame.index)
    out[measured] = np.where(count == 1, 50.0, 100.0 * rank / (count - 1).clip(lower=1))
    return out.to_numpy()


def metric_scores(values: pd.DataFrame, ranks: pd.DataFrame, metrics: pd.DataFrame) -> pd.DataFrame:
    """Every configured metric's 0-100 score (a metric absent from `values` is unmeasured)."""
    out = {}
    for spec in metrics.itertuples():
        if spec.metric_name not in values:
            out[spec.metric_name] = np.full(len(values), np.nan)
            continue
        rank = ranks[spec.metric_name].to_numpy() if spec.metric_name in ranks else None
        if spec.normalisation == "percentile" and rank is None:
            rank = np.full(len(values), np.nan)
        out[spec.metric_name] = normalise(
            values[spec.metric_name].to_numpy(),
            spec.direction,
            spec.normalisation,
            float(spec.lower_bound),
            float(spec.upper_bound),
            rank,
        )
    return pd.DataFrame(out, index=values.index)


def components_of(metrics: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(metrics["component"]))


def component_scores(scores: pd.DataFrame, metrics: pd.DataFrame) -> pd.DataFrame:
    """Per component, the weighted mean of its measured metrics (NaN when none has weight)."""
    out = {}
    for component in components_of(metrics):
        members = metrics[metrics["component"] == component]
        s = scores[list(members["metric_name"])].to_numpy(dtype=float)
        w = members["weight"].to_numpy(dtype=float)[None, :]
        present = ~np.isnan(s)
        measured = np.where(present, w, 0.0).sum(axis=1)
        weighted = np.where(present, w * np.nan_to_num(s), 0.0).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[component] = np.where(measured > 0, weighted / measured, np.nan)
    return pd.DataFrame(out, index=scores.index)


def segment_weights(
    component_weights: pd.DataFrame, segments: np.ndarray, components: list[str]
) -> np.ndarray:
    """Each row's component weights: its segment's row, else the `default` one, else NaN."""
    table = component_weights.pivot_table(
        index="segment", columns="component", values="weight", aggfunc="max"
    )
    table = table.reindex(columns=components).fillna(0.0)
    keys = pd.Series(segments, dtype=object)
    if DEFAULT_SEGMENT in table.index:
        keys = keys.where(keys.isin(table.index), DEFAULT_SEGMENT)
    return table.reindex(keys).to_numpy(dtype=float)


def overall_score(
    components: pd.DataFrame, segments: np.ndarray, component_weights: pd.DataFrame
) -> np.ndarray:
    """The health score 0-100: components weighted per segment over the measured ones."""
    w = segment_weights(component_weights, segments, list(components.columns))
    s = components.to_numpy(dtype=float)
    present = ~np.isnan(s)
    measured = np.where(present, w, 0.0).sum(axis=1)
    weighted = np.where(present, w * np.nan_to_num(s), 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(measured > 0, weighted / measured, np.nan)


def score(
    values: pd.DataFrame,
    ranks: pd.DataFrame,
    segments: np.ndarray,
    metrics: pd.DataFrame,
    component_weights: pd.DataFrame,
) -> np.ndarray:
    """The health score of each row under a configuration (metrics and component weights)."""
    per_metric = metric_scores(values, ranks, metrics)
    return overall_score(component_scores(per_metric, metrics), segments, component_weights)
