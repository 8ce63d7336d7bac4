"""The data the pages' scripts render: the account list and one scorecard per account.

Plain JSON-able values, every untrusted string already cut to a sane length (`clip`) and every
number already formatted (the scripts place text, they do not format). A change is a triple
(css class, text with its arrow, title) from `change_info`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from chw.dashboard.formatting import (
    DASH,
    DEFAULT_THRESHOLDS,
    MAX_NOTE_CHARS,
    TOP_DRIVERS,
    Row,
    account_key,
    band_info,
    change_info,
    clip,
    fmt_date,
    fmt_int,
    fmt_money,
    fmt_pct,
    fmt_raw,
    fmt_renewal,
    fmt_score,
    humanise,
    split_drivers,
)
from chw.dashboard.queries import Marts, Metric


def change(value: float | None, flat_below: float = 0.5) -> list[str]:
    info = change_info(value, flat_below)
    return [info.css, f"{info.arrow} {info.text}".strip(), info.title]


def account_row(account: Row) -> Row:
    """The fields every account list shows."""
    return {
        "key": account_key(account["account_id"]),
        "id": clip(account["account_id"]),
        "name": clip(account["account_name"] or account["account_id"]),
        "segment": clip(account["segment"] or DASH),
        "band": account["published_band"],
        "score": fmt_score(account["published_score"]),
        "change_30d": change(account["score_change_30d"]),
        "arr": fmt_money(account["arr_usd"]),
        "renewal": fmt_renewal(account["days_to_renewal"]),
        "csm": clip(account["csm_owner"] or DASH),
        "drivers": split_drivers(account["top_negative_drivers"]),
        "action": clip(account["recommended_action"] or DASH, MAX_NOTE_CHARS),
        "status": clip(
            ("active customer" if account["is_active_customer"] else account["lifecycle_stage"])
            or DASH
        ),
        "overridden": bool(account["is_overridden"]),
    }


def at_risk_accounts(accounts: Iterable[Row]) -> list[Row]:
    """Active customers in red, then yellow, each by ARR (largest first)."""
    rank = {"red": 0, "yellow": 1}
    risky = [a for a in accounts if a["is_active_customer"] and a["published_band"] in rank]
    risky.sort(
        key=lambda a: (rank[a["published_band"]], -(a["arr_usd"] or 0), a["account_name"] or "")
    )
    return risky


def by_name(accounts: Iterable[Row]) -> list[Row]:
    """The directory's order: by name, case-insensitively."""
    return sorted(accounts, key=lambda a: ((a["account_name"] or "").casefold(), a["account_id"]))


def _band_for(score: float | None, thresholds: tuple[float, float]) -> str | None:
    if score is None:
        return None
    red_below, green_from = thresholds
    return "red" if score < red_below else "green" if score >= green_from else "yellow"


def _components(latest: Row, segment: str, marts: Marts, thresholds: tuple[float, float]) -> list:
    """[key, label, score, band, weight] per component, in the seeds' order."""
    out = []
    for key in marts.components:
        score = latest.get(f"{key}_score")
        weight = marts.component_weights.get((segment, key))
        out.append(
            [
                key,
                humanise(key),
                fmt_score(score) if score is not None else "n/a",
                _band_for(score, thresholds),
                fmt_pct(weight) if weight is not None else DASH,
            ]
        )
    return out


def _drivers(metrics: Sequence[Metric]) -> list[list[Any]]:
    """Metrics that moved the score in 30 days, [label, component, change, lost %, gained %];
    the remainder is kept as one row so the rows sum to the change."""
    moved = [m for m in metrics if abs(m.contribution_change_30d or 0) >= 0.05]
    moved.sort(key=lambda m: -abs(m.contribution_change_30d))
    shown, rest = moved[:TOP_DRIVERS], moved[TOP_DRIVERS:]
    rows = [
        (humanise(m.metric_name), humanise(m.component), m.contribution_change_30d)
        for m in sorted(shown, key=lambda m: m.contribution_change_30d)
    ]
    small = sum(m.contribution_change_30d or 0 for m in metrics) - sum(
        m.contribution_change_30d for m in shown
    )
    if rest or abs(small) >= 0.05:
        rows.append(("Other metrics", DASH, small))
    scale = max((abs(value) for *_, value in rows), default=1) or 1
    return [
        [
            label,
            component,
            change(value, 0.05),
            f"{max(-value, 0) / scale * 100:.0f}",
            f"{max(value, 0) / scale * 100:.0f}",
        ]
        for label, component, value in rows
    ]


def _metric_row(m: Metric) -> list[Any]:
    """[metric name, raw, score, bar %, weight, weight in score, contribution, lost, change]."""
    return [
        m.metric_name,
        fmt_raw(m.raw_value),
        fmt_score(m.metric_score) if m.metric_score is not None else "n/a",
        f"{max(0, min(100, m.metric_score or 0)):.0f}",
        fmt_pct(m.metric_weight),
        fmt_pct(m.effective_weight, 1),
        f"{m.contribution or 0:.2f}",
        f"{m.points_lost or 0:.2f}",
        change(m.contribution_change_30d, 0.05),
    ]


def _metric_groups(metrics: Sequence[Metric], latest: Row, components: Sequence[str]) -> list:
    """[component label, component score, metric rows] per component with metrics."""
    groups = []
    for key in components:
        rows = [_metric_row(m) for m in metrics if m.component == key]
        if rows:
            groups.append([humanise(key), fmt_score(latest.get(f"{key}_score")), rows])
    return groups


def _facts(account: Row) -> Row:
    return {
        "seats": fmt_int(account["seats"]),
        "lifecycle": clip(account["lifecycle_stage"] or DASH),
        "industry": clip(account["industry"] or DASH),
        "region": clip(account["region"] or DASH),
        "parent": clip(account["parent_account_id"]) if account["parent_account_id"] else None,
        "renewal_date": fmt_date(account["renewal_date"]) if account["renewal_date"] else None,
        "band_label": band_info(account["published_band"]).label,
        "scored": False,
    }


def _scored(latest: Row, metrics: Sequence[Metric], card: Row) -> Row:
    """What only a scored account shows: the headline, override and explanation."""
    override = None
    if latest["is_overridden"]:
        override = {
            "author": clip(latest["override_author"] or "unknown"),
            "reason": clip(latest["override_reason"] or "no reason given", MAX_NOTE_CHARS),
            "until": fmt_date(latest["override_valid_until"]),
        }
    weakest = latest["weakest_component"]
    return {
        "scored": True,
        "score_date": fmt_date(latest["score_date"]),
        "score": fmt_score(latest["published_score"]),
        "band": latest["published_band"],
        "band_label": band_info(latest["published_band"]).label,
        "change_7d": change(latest["score_change_7d"]),
        "change_30d": change(latest["score_change_30d"]),
        "coverage": fmt_pct(latest["coverage"]),
        "confidence": clip(latest["confidence"] or DASH),
        "override": override,
        "computed_score": fmt_score(latest["computed_score"]),
        "computed_band": band_info(latest["computed_band"]).label,
        "weakest": clip(humanise(weakest)) if weakest else "",
        "action": clip(latest["recommended_action"], MAX_NOTE_CHARS)
        if latest["recommended_action"]
        else card["action"],
        "drivers": split_drivers(latest["top_negative_drivers"]) or card["drivers"],
        "drivers_total": change_info(
            sum(m.contribution_change_30d or 0 for m in metrics), 0.05
        ).text,
    }


def scorecard(account: Row, marts: Marts) -> Row:
    """Everything one scorecard shows, as JSON-able values."""
    account_id = account["account_id"]
    segment = account["segment"] or ""
    thresholds = marts.thresholds.get(segment, DEFAULT_THRESHOLDS)
    card = account_row(account) | _facts(account)
    latest = marts.latest.get(account_id)
    if latest is None:
        return card
    metrics = marts.metrics.get(account_id, [])
    ago, scores = marts.history.get(account_id, ([], []))
    return (
        card
        | _scored(latest, metrics, card)
        | {
            "components": _components(latest, segment, marts, thresholds),
            "moves": _drivers(metrics),
            "groups": _metric_groups(metrics, latest, marts.components),
            "spark": {
                "end": fmt_date(account["last_scored_date"] or latest["score_date"]),
                "thresholds": list(thresholds),
                "ago": ago,
                "scores": scores,
            },
        }
    )
