"""`chw calibrate --fit`: read, judge on holdout, fit on everything, write. Thin data still
gets a report: what could be computed, the counts, and why the rest could not."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from chw.fit.bands import GREEN_MULTIPLE, RED_MULTIPLE, propose_bands
from chw.fit.folds import churned_accounts, holdout_scheme
from chw.fit.holdout import evaluate
from chw.fit.inputs import Config, Snapshots, read_config, read_snapshots
from chw.fit.metrics import MetricFinding, assess_metrics
from chw.fit.proposal import Proposal, propose, with_default
from chw.fit.report import proposed_texts, seed_diff, write_fit
from chw.fit.score import DEFAULT_SEGMENT, score

MIN_CHURNED_ACCOUNTS = 10
STATUS_PROPOSED, STATUS_THIN, STATUS_EMPTY = "proposed", "too thin to fit", "no labelled snapshots"


def _counts(snapshots: Snapshots) -> dict[str, Any]:
    frame = snapshots.frame
    return {
        **snapshots.counts,
        "sampled_snapshots": len(frame),
        "sampled_days": int(frame["score_date"].nunique()),
        "sampled_accounts": int(frame["account_id"].nunique()),
        "sampled_churned_accounts": churned_accounts(frame),
        "sampled_churned_snapshots": int(frame["churned"].sum()),
        "metrics_with_values": int(snapshots.values.notna().any().sum()),
    }


def run_fit(
    published_db: Path,
    seeds_dir: Path,
    out_dir: Path,
    *,
    red_multiple: float = RED_MULTIPLE,
    green_multiple: float = GREEN_MULTIPLE,
    seed: int = 0,
    keep_context: bool = False,
) -> dict[str, Any]:
    """Fit, write proposed/*.csv, fit.json and fit.md under out_dir; return fit.json's data."""
    config = read_config(Path(seeds_dir))
    snapshots = read_snapshots(Path(published_db))
    result: dict[str, Any] = {
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "source": str(published_db),
        "seeds_dir": str(seeds_dir),
        "seeds_sha256": config.digest,
        "status": STATUS_PROPOSED,
        "reasons": [],
        "counts": _counts(snapshots),
        "default_auc": None,  # holdout AUCs, also under "holdout" with their counts
        "fitted_auc": None,
        "logistic_auc": None,
        "holdout": None,
        "red_multiple": red_multiple,
        "green_multiple": green_multiple,
        "keep_context": keep_context,
    }
    texts = _fit(config, snapshots, result, seed)
    result["diff"] = seed_diff(config, texts) if texts else ""
    write_fit(Path(out_dir), result, texts)
    return result


def _fit(
    config: Config, snapshots: Snapshots, result: dict[str, Any], seed: int
) -> dict[str, str] | None:
    frame = snapshots.frame
    metrics, weights = config.metric_frame(), config.weight_frame()
    if frame.empty:
        result["status"] = STATUS_EMPTY
        result["reasons"].append(
            "no labelled snapshots: every snapshot is less than 90 days before the end of the "
            "history, so no outcome is known yet"
        )
        return None
    segments = frame["segment"].to_numpy()
    default = score(snapshots.values, snapshots.ranks, segments, metrics, weights)
    result["check"] = _check(default, frame)
    if _too_thin(frame, result):
        findings = assess_metrics(metrics, snapshots.values, snapshots.ranks, frame)
        result["metrics"] = _metric_rows(findings)
        return None
    scheme = holdout_scheme(frame, seed)
    fitted_holdout = None
    if scheme is None:
        result["reasons"].append("no holdout: too few churned accounts to form folds")
    else:
        result["holdout"], fitted_holdout = evaluate(
            snapshots, metrics, weights, scheme, seed, result["keep_context"]
        )
        for key in ("default_auc", "fitted_auc", "logistic_auc"):
            result[key] = result["holdout"][key]
    proposal = propose(
        metrics, weights, snapshots.values, snapshots.ranks, frame, seed, result["keep_context"]
    )
    result["metrics"] = _metric_rows(proposal.findings)
    if proposal.weights["weight"].sum() <= 0:
        result["status"] = STATUS_THIN
        result["reasons"].append(
            "no measured metric has a protective effect on churn: current configuration kept"
        )
        return None
    bands = _bands(config, snapshots, proposal, fitted_holdout, result)
    result["weights"] = _weights_summary(proposal)
    result["components"] = _component_rows(proposal, weights)
    return proposed_texts(config, proposal.metrics, proposal.weights, bands)


def _too_thin(frame: pd.DataFrame, result: dict[str, Any]) -> bool:
    churned = churned_accounts(frame)
    retained = int(frame["account_id"].nunique()) - int(
        frame.groupby("account_id")["churned"].max().sum()
    )
    if churned >= MIN_CHURNED_ACCOUNTS and retained >= MIN_CHURNED_ACCOUNTS:
        return False
    result["status"] = STATUS_THIN
    result["reasons"].append(
        f"{churned} churned and {retained} retained accounts among the labelled snapshots; "
        f"fitting needs at least {MIN_CHURNED_ACCOUNTS} of each: per-metric figures and "
        "data-derived bounds below, current configuration kept"
    )
    return True


def _check(default: np.ndarray, frame: pd.DataFrame) -> dict[str, Any]:
    """The current seeds scored in Python vs the warehouse's computed score: a difference
    means the warehouse was built from other seeds (rebuild) or the scoring rules drifted."""
    computed = frame["computed_score"].to_numpy(dtype=float)
    both = ~np.isnan(default) & ~np.isnan(computed)
    diff = float(np.max(np.abs(default[both] - computed[both]))) if both.any() else None
    return {"current_seeds_vs_warehouse_max_abs_score_diff": diff}


def _bands(
    config: Config,
    snapshots: Snapshots,
    proposal: Proposal,
    fitted_holdout: np.ndarray | None,
    result: dict[str, Any],
) -> pd.DataFrame:
    """Bands from the held-out scores of the fitted configuration (honest risk), else from
    its in-sample scores."""
    frame = snapshots.frame
    if fitted_holdout is not None and not np.isnan(fitted_holdout).all():
        mask, fitted_on = ~np.isnan(fitted_holdout), "held-out scores of the fitted configuration"
        scores = fitted_holdout[mask]
    else:
        mask = np.ones(len(frame), dtype=bool)
        fitted_on = "in-sample scores of the proposed configuration"
        scores = score(
            snapshots.values,
            snapshots.ranks,
            frame["segment"].to_numpy(),
            proposal.metrics,
            proposal.weights,
        )
    current = config.band_frame()
    if DEFAULT_SEGMENT in set(with_default(list(current["segment"]), frame)) - set(
        current["segment"]
    ):
        median = current[["red_below", "green_from"]].median().round()
        current = pd.concat([current, pd.DataFrame([{"segment": DEFAULT_SEGMENT, **median}])])
    bands, details = propose_bands(
        scores,
        frame[mask].reset_index(drop=True),
        current,
        result["red_multiple"],
        result["green_multiple"],
    )
    merged = bands.merge(
        current[["segment", "red_below", "green_from"]], on="segment", suffixes=("", "_current")
    )
    result["bands"] = {
        "red_multiple": result["red_multiple"],
        "green_multiple": result["green_multiple"],
        "fitted_on": fitted_on,
        "details": details,
        "proposed": [
            {
                "segment": r.segment,
                "red_below": r.red_below,
                "green_from": r.green_from,
                "current_red_below": r.red_below_current,
                "current_green_from": r.green_from_current,
            }
            for r in merged.itertuples()
        ],
    }
    return bands


def _metric_rows(findings: list[MetricFinding]) -> list[dict[str, Any]]:
    """Each finding, with the proposal under explicit names (weight: within its component)."""
    return [
        {**asdict(f), "proposed_direction": f.direction, "proposed_weight": f.weight}
        for f in findings
    ]


def _weights_summary(proposal: Proposal) -> dict[str, Any]:
    fit = proposal.fit
    return {
        "penalty": fit.penalty,
        "inner_cv_auc": fit.inner_cv_auc,
        "coefficients": fit.coefficients,
        "segment_sources": fit.segment_sources,
    }


def _component_rows(proposal: Proposal, current: pd.DataFrame) -> list[dict[str, Any]]:
    merged = proposal.weights.merge(
        current[["segment", "component", "weight"]],
        on=["segment", "component"],
        how="left",
        suffixes=("", "_current"),
    )
    return [
        {
            "segment": r.segment,
            "component": r.component,
            "current_weight": r.weight_current,
            "proposed_weight": r.weight,
        }
        for r in merged.itertuples()
    ]
