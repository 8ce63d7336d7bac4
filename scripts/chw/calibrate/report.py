"""Writing the calibration: JSON, the proposed weights CSV, Markdown and the dashboard summary."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd


def _snapshot_summary(frame: pd.DataFrame) -> dict[str, Any]:
    return {
        "labelled": len(frame),
        "accounts": int(frame["account_id"].nunique()),
        "churned_snapshots": int(frame["churned"].sum()),
        "churned_accounts": int(frame.loc[frame["churned"] == 1, "account_id"].nunique()),
        "churn_rate": float(frame["churned"].mean()),
        "expansion_rate": float(frame["expanded"].mean()),
        "first_day": str(min(frame["score_date"])),
        "last_day": str(max(frame["score_date"])),
    }


def _clean(value: Any) -> Any:
    """JSON-safe: NaN -> None, numpy scalars -> Python."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def write_outputs(out_dir: Path, result: dict[str, Any], proposed: pd.DataFrame | None) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "calibration.json").write_text(json.dumps(result, indent=2, sort_keys=False) + "\n")
    if "discrimination" not in result:
        notes = [f"- {r}" for r in result["skipped"]] + [f"- {result['snapshots']}"]
        (out_dir / "calibration.md").write_text("\n".join(["# Calibration", "", *notes, ""]))
        return
    (out_dir / "calibration.md").write_text(render_markdown(result))
    stale = out_dir / "proposed_component_weights.csv"
    if proposed is None:
        stale.unlink(missing_ok=True)
    else:
        write_weights_csv(stale, proposed)


def write_weights_csv(path: Path, weights: pd.DataFrame) -> None:
    """The seed's format (segment,component,weight), weights as short decimals."""
    lines = ["segment,component,weight"]
    lines += [f"{r.segment},{r.component},{r.weight:g}" for r in weights.itertuples()]
    path.write_text("\n".join(lines) + "\n")


def _f(value: Any, digits: int = 3) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _pct(value: Any) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _ci(summary: dict[str, Any] | None) -> str:
    if not summary:
        return "n/a"
    return f"{_f(summary['auc'])} [{_f(summary['ci_low'])}, {_f(summary['ci_high'])}]"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return out


def _band_rows(bands: list[dict[str, Any]]) -> list[list[str]]:
    return [
        [
            b["band"],
            str(b["snapshots"]),
            _pct(b["share_of_snapshots"]),
            _pct(b["churn_rate"]),
            _f(b["lift"], 2),
            _pct(b["expansion_rate"]),
        ]
        for b in bands
    ]


def _decile_rows(deciles: list[dict[str, Any]]) -> list[list[str]]:
    return [
        [
            str(d["decile"]),
            f"{d['min_score']:.0f}-{d['max_score']:.0f}",
            str(d["snapshots"]),
            _pct(d["churn_rate"]),
            _pct(d["fitted_churn_rate"]),
            _f(d["lift"], 2),
        ]
        for d in deciles
    ]


BAND_HEADER = ("band", "snapshots", "share", "churn rate", "lift", "expansion rate")
DECILE_HEADER = ("decile", "score", "snapshots", "churn rate", "fitted rate", "lift")


def render_markdown(result: dict[str, Any]) -> str:
    """The calibration report for people (the JSON holds the same figures)."""
    snap, disc, targets = result["snapshots"], result["discrimination"], result["targets"]
    lines = [
        "# Calibration: does the health score predict churn?",
        "",
        f"{snap['labelled']:,} labelled account-day snapshots ({snap['first_day']} to "
        f"{snap['last_day']}, {snap['accounts']} accounts); {snap['churned_accounts']} accounts "
        f"churned within {result['horizon_days']} days of a snapshot; churn rate "
        f"{_pct(snap['churn_rate'])} of snapshots. Scores are point in time. Intervals: 95% "
        f"bootstrap, {result['bootstrap']['replicates']} resamples of whole accounts.",
        "",
        "## Discrimination (ROC AUC, higher score = lower churn)",
        "",
    ]
    lines += _discrimination_markdown(disc, targets)
    lines += ["", "## Churn by band (published band)", ""]
    lines += _table(BAND_HEADER, _band_rows(result["bands"]))
    lines += ["", "## Calibration by score decile (1 = lowest scores)", ""]
    lines += _table(DECILE_HEADER, _decile_rows(result["deciles"]))
    lines += _segments_markdown(result["segments"])
    lines += _weights_markdown(result["weights"]) if result["weights"] else ["", *result["skipped"]]
    lines += _signal_markdown(result)
    return "\n".join(lines) + "\n"


def _discrimination_markdown(disc: dict[str, Any], targets: dict[str, Any]) -> list[str]:
    """The AUC table and whether the targets are met."""
    lines: list[str] = []
    share = disc.get("score_share_of_latent")
    rows = [
        ["published score", _ci(disc["published_score"])],
        ["computed score (before overrides)", _ci(disc["computed_score"])],
        ["latent health (generator truth, upper bound)", _ci(disc.get("latent_health"))],
    ]
    if share:
        rows.append(
            [
                "score AUC / latent AUC",
                f"{_pct(share['share'])} [{_pct(share['ci_low'])}, {_pct(share['ci_high'])}]",
            ]
        )
    cohort = disc["renewal_cohort"]
    rows.append(
        [
            f"renewal cohort only ({cohort['snapshots']:,} snapshots renewing in the window)",
            f"score {_f(cohort['published_score_auc'])}, latent {_f(cohort['latent_health_auc'])}",
        ]
    )
    lines += _table(("score", "AUC [95% CI]"), rows)
    verdict = "met" if targets["auc_met"] else "NOT met"
    lines += ["", f"Target AUC >= {targets['auc_target']}: **{verdict}**."]
    if targets["share_of_latent_met"] is not None:
        verdict = "met" if targets["share_of_latent_met"] else "NOT met"
        lines.append(
            f"Target >= {_pct(targets['share_of_latent_target'])} of latent: **{verdict}**."
        )
    return lines


def _segments_markdown(segments: dict[str, Any]) -> list[str]:
    """The per-segment summary, then each segment's band and decile tables."""
    lines: list[str] = []
    lines += ["", "## Per segment", ""]
    seg_rows = [
        [
            name,
            str(s["snapshots"]),
            str(s["churned_accounts"]),
            _pct(s["churn_rate"]),
            _ci(s["published_score"]),
            _f(s["latent_health_auc"]),
        ]
        for name, s in segments.items()
    ]
    header = (
        "segment",
        "snapshots",
        "churned accounts",
        "churn rate",
        "AUC [95% CI]",
        "latent AUC",
    )
    lines += _table(header, seg_rows)
    for name, s in segments.items():
        lines += ["", f"### {name}", ""]
        lines += _table(BAND_HEADER, _band_rows(s["bands"]))
        lines += [""]
        lines += _table(DECILE_HEADER, _decile_rows(s["deciles"]))
    return lines


def _weights_markdown(weights: dict[str, Any]) -> list[str]:
    split, auc = weights["split"], weights["holdout_auc"]
    lines = [
        "",
        "## Proposed component weights",
        "",
        f"L2-regularised logistic regression of churn on the five component scores (shared "
        f"effects plus per-segment deviations; C = {_f(weights['model']['regularisation_C'], 4)} "
        f"by cross-validated AUC over folds of whole accounts), trained on snapshots "
        f"{split['train'][0]} to {split['train'][1]} ({split['train_churned_accounts']} churned "
        f"accounts) and judged on {split['holdout'][0]} to {split['holdout'][1]} "
        f"({split['holdout_churned_accounts']} churned accounts); the {split['purge_days']}-day "
        "gap keeps training outcome windows out of the holdout. A weight is the component's "
        "protective effect as a share of the segment's total (negative effects get 0).",
        "",
    ]
    rows = [
        ["current weights", _ci(auc["current"])],
        ["proposed weights", _ci(auc["proposed"])],
        ["difference (proposed - current)", _ci(auc["difference"])],
    ]
    if "metric_model" in auc:
        rows.append(
            ["reference: logistic model on metric scores", _f(auc["metric_model"]["holdout_auc"])]
        )
    lines += _table(("holdout", "AUC [95% CI]"), rows)
    lines += ["", f"Recommendation: **{weights['recommendation']}**.", ""]
    lines += _table(
        ("segment", "component", "current", "proposed", "fitted effect"),
        [
            [
                str(r["segment"]),
                str(r["component"]),
                _f(r["weight_current"], 2),
                _f(r["weight_proposed"], 2),
                _f(r["coefficient"], 2),
            ]
            for r in weights["comparison"]
        ],
    )
    lines += [
        "",
        "The proposal is `proposed_component_weights.csv` beside this report, in the format of "
        "`seeds/scoring_component_weights.csv`. Nothing changes until a person copies it into "
        "the seed and the change is reviewed.",
    ]
    return lines


def _signal_markdown(result: dict[str, Any]) -> list[str]:
    lines = ["", "## Where the signal is", ""]
    lines += _table(
        ("component", "coverage", "AUC"),
        [[c["component"], _pct(c["coverage"]), _f(c["auc"])] for c in result["components"]],
    )
    if "metrics" in result:
        lines += [""]
        lines += _table(
            (
                "metric",
                "component",
                "normalisation",
                "weight",
                "coverage",
                "AUC",
                "at 0/100",
                "flag",
            ),
            [
                [
                    m["metric"],
                    m["component"],
                    m["normalisation"],
                    _f(m["weight"], 2),
                    _pct(m["coverage"]),
                    _f(m["auc"]),
                    _pct(m["saturated_share"]),
                    m["flag"],
                ]
                for m in result["metrics"]
            ],
        )
    return lines


def dashboard_summary(result: dict[str, Any]) -> dict[str, Any]:
    """The few calibration figures the dashboard shows, from a calibrate() result."""
    discrimination = result.get("discrimination", {})
    score = discrimination.get("published_score", {})
    latent = discrimination.get("latent_health") or {}
    return {
        "auc": score.get("auc"),
        "auc_ci": [score.get("ci_low"), score.get("ci_high")],
        "latent_auc": latent.get("auc"),
        "band_lift": result.get("bands", []),
        "deciles": [
            {
                "decile": d["decile"],
                "mean_score": d["mean_score"],
                "snapshots": d["snapshots"],
                "churn_rate": d["churn_rate"],
                "lift": d["lift"],
            }
            for d in result.get("deciles", [])
        ],
    }
