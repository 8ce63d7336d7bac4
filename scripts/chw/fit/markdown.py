"""fit.md: the fit for people (fit.json holds the same figures)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any


def _f(value: Any, digits: int = 3) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _pct(value: Any) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c).replace("|", "/") for c in row) + " |" for row in rows]
    return out


def _counts(counts: dict[str, Any]) -> list[str]:
    rows = [[key.replace("_", " "), _f(value)] for key, value in counts.items()]
    return ["## Counts", "", *_table(("", ""), rows), ""]


def _holdout(holdout: dict[str, Any] | None) -> list[str]:
    if not holdout:
        return ["## Holdout", "", "Not measured (see the reasons above).", ""]
    lines = [
        "## Holdout AUC (90-day churn, higher score = lower churn)",
        "",
        f"Folds: {holdout['folds']} of whole accounts ({holdout['scheme']}"
        + (f"; trained up to {holdout['cutoff']}, judged after it" if holdout["cutoff"] else "")
        + f"). Judged on {holdout['test_snapshots']:,} snapshots of {holdout['test_accounts']} "
        f"accounts, {holdout['test_churned_accounts']} of them churned.",
        "",
    ]
    lines += _table(
        ("configuration", "holdout AUC"),
        [
            [
                f"current (default) configuration (scores {holdout['default_scored_snapshots']:,}"
                f" of {holdout['test_snapshots']:,} snapshots)",
                _f(holdout["default_auc"]),
            ],
            ["fitted (proposed) configuration", _f(holdout["fitted_auc"])],
            ["reference: plain L2 logistic regression on raw metrics", _f(holdout["logistic_auc"])],
        ],
    )
    lines += ["", "Per fold:", ""]
    lines += _table(
        ("fold", "train snapshots", "test snapshots", "test churned", "current", "fitted", "LR"),
        [
            [
                f["fold"],
                f["train_snapshots"],
                f["test_snapshots"],
                f["test_churned_accounts"],
                _f(f["default_auc"]),
                _f(f["fitted_auc"]),
                _f(f["logistic_auc"]),
            ]
            for f in holdout["per_fold"]
        ],
    )
    return [*lines, ""]


def _metrics(metrics: list[dict[str, Any]]) -> list[str]:
    header = (
        "metric",
        "component",
        "measured",
        "AUC as configured",
        "direction",
        "normalisation",
        "bounds",
        "at 0/100 now",
        "at 0/100 proposed",
        "weight in component",
        "share of score",
        "flag",
        "reasons",
    )
    rows = []
    for m in metrics:
        direction = m["direction"]
        if direction != m["current_direction"]:
            direction = f"{m['current_direction']} -> {direction}"
        normalisation = m["normalisation"]
        if normalisation != m["current_normalisation"]:
            normalisation = f"{m['current_normalisation']} -> {normalisation}"
        bounds = ""
        if m["lower_bound"] is not None:
            bounds = f"{m['lower_bound']:.6g} - {m['upper_bound']:.6g}"
        rows.append(
            [
                m["metric_name"],
                m["component"],
                _pct(m["measured_share"]),
                _f(m["auc"]),
                direction,
                normalisation,
                bounds,
                _pct(m["saturation_current"]),
                _pct(m["saturation_proposed"]),
                _f(m["weight"], 2),
                _pct(m["effective_weight"]),
                m["flag"],
                "; ".join(m["reasons"] or []),
            ]
        )
    return ["## Per metric", "", *_table(header, rows), ""]


def _weights(weights: dict[str, Any] | None, components: list[dict[str, Any]]) -> list[str]:
    if not weights:
        return []
    rows = [
        [r["segment"], r["component"], _f(r["current_weight"], 2), _f(r["proposed_weight"], 2)]
        for r in components
    ]
    lines = [
        "## Component weights",
        "",
        "Non-negative L2 logistic fit of churn on the metrics' proposed 0-100 scores (penalty "
        f"{_f(weights['penalty'], 5)} chosen by AUC over inner folds of whole accounts). "
        "Per segment: " + ", ".join(f"{k}: {v}" for k, v in weights["segment_sources"].items()),
        "",
        *_table(("segment", "component", "current", "proposed"), rows),
        "",
    ]
    return lines


def _bands(bands: dict[str, Any] | None) -> list[str]:
    if not bands:
        return []
    lines = [
        "## Bands from risk",
        "",
        f"Red below the score where the fitted 90-day churn risk reaches {bands['red_multiple']}x "
        f"the base rate; green from where it falls to {bands['green_multiple']}x "
        f"(fitted on {bands['fitted_on']}).",
        "",
    ]
    rows = []
    for r in bands["proposed"]:
        d = bands["details"].get(r["segment"], {})
        rows.append(
            [
                r["segment"],
                f"{r['current_red_below']} / {r['current_green_from']}",
                f"{r['red_below']} / {r['green_from']}",
                _pct(d.get("base_rate")),
                d.get("source", ""),
            ]
        )
    header = ("segment", "current red_below / green_from", "proposed", "base rate", "source")
    return [*lines, *_table(header, rows), ""]


def render(result: dict[str, Any]) -> str:
    lines = [
        "# Fitting the scoring configuration to the history",
        "",
        f"Status: **{result['status']}**.",
        "",
    ]
    lines += [f"- {reason}" for reason in result["reasons"]]
    lines += [""] if result["reasons"] else []
    lines += _counts(result["counts"])
    lines += _holdout(result.get("holdout"))
    if result.get("metrics"):
        lines += _metrics(result["metrics"])
    lines += _weights(result.get("weights"), result.get("components", []))
    lines += _bands(result.get("bands"))
    lines += ["## Diff of the seeds", ""]
    if result.get("diff"):
        lines += ["```diff", result["diff"].rstrip("\n"), "```", ""]
        lines += [
            "Review, then `chw calibrate --apply` copies `proposed/*.csv` into `seeds/` (a "
            "git diff) and rebuilds fully. Nothing changes before that.",
        ]
    else:
        lines += ["No change proposed."]
    return "\n".join(lines) + "\n"
