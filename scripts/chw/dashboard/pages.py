"""View models of the pages: the portfolio, each account, quality and calibration panels."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from chw.dashboard.charts import (
    distribution_chart,
    histogram_chart,
    segment_mix_chart,
    sparkline,
    stacked_time_chart,
)
from chw.dashboard.formatting import (
    BAND_ORDER,
    DASH,
    DEFAULT_THRESHOLDS,
    MOVERS,
    TIMES,
    TOP_DRIVERS,
    Row,
    account_filename,
    band_info,
    change_info,
    fmt_date,
    fmt_int,
    fmt_money,
    fmt_pct,
    fmt_raw,
    fmt_renewal,
    fmt_score,
    fmt_timestamp,
    humanise,
    split_drivers,
)
from chw.dashboard.queries import Marts

# --------------------------------------------------------------------------- page models


def _account_row(account: Row) -> Row:
    """The fields every account list shows."""
    return {
        "account_id": account["account_id"],
        "name": account["account_name"] or account["account_id"],
        "href": f"accounts/{account_filename(account['account_id'])}",
        "segment": account["segment"] or DASH,
        "band": account["published_band"],
        "score": fmt_score(account["published_score"]),
        "change_30d": account["score_change_30d"],
        "arr": fmt_money(account["arr_usd"]),
        "renewal": fmt_renewal(account["days_to_renewal"]),
        "csm": account["csm_owner"] or DASH,
        "drivers": split_drivers(account["top_negative_drivers"]),
        "action": account["recommended_action"] or DASH,
        "is_overridden": bool(account["is_overridden"]),
    }


def at_risk_accounts(accounts: Iterable[Row]) -> list[Row]:
    """Active customers in red, then yellow, each by ARR (largest first)."""
    rank = {"red": 0, "yellow": 1}
    risky = [a for a in accounts if a["is_active_customer"] and a["published_band"] in rank]
    risky.sort(
        key=lambda a: (rank[a["published_band"]], -(a["arr_usd"] or 0), a["account_name"] or "")
    )
    return risky


def movers(accounts: Iterable[Row]) -> dict[str, list[Row]]:
    moving = [a for a in accounts if a["is_active_customer"] and a["score_change_30d"] is not None]
    moving.sort(key=lambda a: a["score_change_30d"])
    down = [a for a in moving if a["score_change_30d"] < 0][:MOVERS]
    up = [a for a in reversed(moving) if a["score_change_30d"] > 0][:MOVERS]
    return {"down": [_account_row(a) for a in down], "up": [_account_row(a) for a in up]}


def _directory(accounts: Iterable[Row]) -> list[Row]:
    rows = []
    for account in sorted(accounts, key=lambda a: (a["account_name"] or "").casefold()):
        row = _account_row(account)
        row["search"] = f"{row['name']} {row['account_id']}".casefold()
        row["status"] = (
            "active customer" if account["is_active_customer"] else account["lifecycle_stage"]
        ) or DASH
        rows.append(row)
    return rows


def segment_table(rows: Iterable[Row]) -> list[Row]:
    """Per segment on the latest day: accounts, average score and ARR in red / yellow."""
    out = []
    for row in rows:
        arr = float(row["arr_usd"] or 0)
        at_risk = float(row["red_arr_usd"] or 0) + float(row["yellow_arr_usd"] or 0)
        out.append(
            {
                "segment": str(row["segment"]).title(),
                "accounts": fmt_int(row["accounts"]),
                "average_score": fmt_score(row["average_score"]),
                "red_arr": fmt_money(row["red_arr_usd"]),
                "yellow_arr": fmt_money(row["yellow_arr_usd"]),
                "at_risk_share": fmt_pct(at_risk / arr) if arr else DASH,
            }
        )
    return out


def _arr_view(latest: Row | None) -> Row:
    latest = latest or {}
    total = float(latest.get("arr_usd") or 0)

    def share(key: str) -> str:
        return fmt_pct(float(latest.get(key) or 0) / total) if total else DASH

    view: Row = {"total": fmt_money(total), "average_score": fmt_score(latest.get("average_score"))}
    for band in BAND_ORDER:
        view[band] = fmt_money(float(latest.get(f"{band}_arr_usd") or 0))
        view[f"{band}_share"] = share(f"{band}_arr_usd")
        view[f"{band}_accounts"] = fmt_int(latest.get(f"{band}_accounts") or 0)
    return view


GOOD_STATUSES = {"passed", "pass", "success", "succeeded", "ok", "published"}
BAD_STATUSES = {"failed", "fail", "error", "errored"}


def quality_view(quality: dict[str, Any] | None, published_at: datetime | None) -> Row:
    if not quality:
        return {
            "status": "not reported",
            "css": "unknown",
            "icon": "?",
            "detail": "",
            "run_at": fmt_timestamp(published_at) if published_at else "unknown",
        }
    status = str(quality.get("status") or "unknown")
    css = (
        "ok"
        if status.lower() in GOOD_STATUSES
        else "bad"
        if status.lower() in BAD_STATUSES
        else "unknown"
    )
    detail = ", ".join(
        f"{fmt_int(quality[key])} {text}"
        for key, text in (
            ("tests_passed", "tests passed"),
            ("tests_failed", "tests failed"),
            ("quarantined_rows", "rows quarantined"),
        )
        if quality.get(key) is not None
    )
    return {
        "status": status,
        "css": css,
        "icon": {"ok": "✓", "bad": "✕"}.get(css, "?"),
        "detail": detail,
        "run_at": fmt_timestamp(quality.get("run_at") or published_at),
    }


def _fmt_cell(key: str, value: Any) -> str:
    if value is None:
        return DASH
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if "rate" in key or "share" in key:
        return fmt_pct(value, 1)
    return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"


def calibration_view(calibration: dict[str, Any] | None) -> Row | None:
    if not calibration:
        return None
    auc, ci = calibration.get("auc"), calibration.get("auc_ci")
    latent = calibration.get("latent_auc")
    deciles = [d for d in calibration.get("deciles") or [] if isinstance(d, dict)]
    columns = list(deciles[0]) if deciles else []
    return {
        "auc": f"{auc:.3f}" if isinstance(auc, int | float) else DASH,
        "auc_ci": f"{ci[0]:.3f}{DASH}{ci[1]:.3f}" if isinstance(ci, list | tuple) and ci else "",
        "latent_auc": f"{latent:.3f}" if isinstance(latent, int | float) else "",
        "band_lift": [
            {
                "band": r.get("band"),
                "accounts": _fmt_cell("accounts", r.get("accounts")),
                "churn_rate": fmt_pct(r.get("churn_rate"), 1),
                "lift": f"{r['lift']:.2f}{TIMES}"
                if isinstance(r.get("lift"), int | float)
                else DASH,
            }
            for r in calibration.get("band_lift") or []
            if isinstance(r, dict)
        ],
        "decile_columns": [humanise(c) for c in columns],
        "deciles": [[_fmt_cell(c, d.get(c)) for c in columns] for d in deciles],
    }


def _band_for(score: float | None, thresholds: tuple[float, float]) -> str | None:
    if score is None:
        return None
    red_below, green_from = thresholds
    return "red" if score < red_below else "green" if score >= green_from else "yellow"


def _components(latest: Row, segment: str, marts: Marts, thresholds: tuple[float, float]) -> list:
    out = []
    for key in marts.components:
        label = humanise(key)
        score = latest.get(f"{key}_score")
        band = _band_for(score, thresholds)
        weight = marts.component_weights.get((segment, key))
        out.append(
            {
                "key": key,
                "label": label,
                "score": fmt_score(score) if score is not None else "n/a",
                "band": band,
                "css": band_info(band).css,
                "weight": fmt_pct(weight) if weight is not None else DASH,
            }
        )
    return out


def _drivers(metrics: Sequence[Row]) -> list[Row]:
    """Metrics that moved the score in 30 days; the remainder is kept so rows sum to the change."""
    moved = [m for m in metrics if abs(m["contribution_change_30d"] or 0) >= 0.05]
    moved.sort(key=lambda m: -abs(m["contribution_change_30d"]))
    shown, rest = moved[:TOP_DRIVERS], moved[TOP_DRIVERS:]
    rows = [
        {
            "label": humanise(m["metric_name"]),
            "component": humanise(m["component"]),
            "value": m["contribution_change_30d"],
        }
        for m in sorted(shown, key=lambda m: m["contribution_change_30d"])
    ]
    small = sum(m["contribution_change_30d"] or 0 for m in metrics) - sum(
        m["contribution_change_30d"] for m in shown
    )
    if rest or abs(small) >= 0.05:
        rows.append({"label": "Other metrics", "component": DASH, "value": small})
    scale = max((abs(r["value"]) for r in rows), default=1) or 1
    for r in rows:
        r["neg_pct"] = f"{max(-r['value'], 0) / scale * 100:.0f}"
        r["pos_pct"] = f"{max(r['value'], 0) / scale * 100:.0f}"
    return rows


def _metric_groups(metrics: Sequence[Row], latest: Row, components: Sequence[str]) -> list[Row]:
    groups = []
    for key in components:
        label = humanise(key)
        rows = [m for m in metrics if m["component"] == key]
        if not rows:
            continue
        groups.append(
            {
                "label": label,
                "score": fmt_score(latest.get(f"{key}_score")),
                "metrics": [
                    {
                        "label": humanise(m["metric_name"]),
                        "description": m.get("description") or "",
                        "raw": fmt_raw(m["raw_value"]),
                        "score": fmt_score(m["metric_score"])
                        if m["metric_score"] is not None
                        else "n/a",
                        "score_pct": f"{max(0, min(100, m['metric_score'] or 0)):.0f}",
                        "weight": fmt_pct(m["metric_weight"]),
                        "effective_weight": fmt_pct(m["effective_weight"], 1),
                        "contribution": f"{m['contribution'] or 0:.2f}",
                        "points_lost": f"{m['points_lost'] or 0:.2f}",
                        "change_30d": m["contribution_change_30d"],
                    }
                    for m in rows
                ],
            }
        )
    return groups


def account_view(account: Row, marts: Marts) -> dict[str, Any]:
    """Everything one scorecard page shows."""
    account_id = account["account_id"]
    segment = account["segment"] or ""
    thresholds = marts.thresholds.get(segment, DEFAULT_THRESHOLDS)
    latest = marts.latest.get(account_id)
    base = _account_row(account)
    view = base | {
        "scored": latest is not None,
        "score_date": fmt_date(latest["score_date"]) if latest else None,
        "seats": fmt_int(account["seats"]),
        "lifecycle": account["lifecycle_stage"] or DASH,
        "industry": account["industry"] or DASH,
        "region": account["region"] or DASH,
        "parent": account["parent_account_id"],
        "renewal_date": fmt_date(account["renewal_date"]) if account["renewal_date"] else None,
        "band_label": band_info(account["published_band"]).label,
    }
    context: dict[str, Any] = {"a": view, "components": [], "drivers": [], "metric_groups": []}
    if latest is None:
        return context
    metrics = marts.metrics.get(account_id, [])
    view |= {
        "score": fmt_score(latest["published_score"]),
        "band": latest["published_band"],
        "band_label": band_info(latest["published_band"]).label,
        "change_7d": latest["score_change_7d"],
        "change_30d": latest["score_change_30d"],
        "coverage": fmt_pct(latest["coverage"]),
        "confidence": latest["confidence"] or DASH,
        "is_overridden": bool(latest["is_overridden"]),
        "computed_score": fmt_score(latest["computed_score"]),
        "computed_band": band_info(latest["computed_band"]).label,
        "override_author": latest["override_author"] or "unknown",
        "override_reason": latest["override_reason"] or "no reason given",
        "override_until": fmt_date(latest["override_valid_until"]),
        "weakest": humanise(latest["weakest_component"]) if latest["weakest_component"] else "",
        "action": latest["recommended_action"] or view["action"],
        "drivers": split_drivers(latest["top_negative_drivers"]) or view["drivers"],
    }
    context |= {
        "components": _components(latest, segment, marts, thresholds),
        "drivers": _drivers(metrics),
        "drivers_total": change_info(
            sum(m["contribution_change_30d"] or 0 for m in metrics), 0.05
        ).text,
        "metric_groups": _metric_groups(metrics, latest, marts.components),
        "sparkline": sparkline(
            marts.history.get(account_id, []), thresholds, "Health score, last 90 days"
        ),
    }
    return context


def portfolio_view(marts: Marts) -> dict[str, Any]:
    """Everything the portfolio page shows."""
    overall = [r for r in marts.segments if r["segment"] == "all"]
    dates = [r["score_date"] for r in overall]
    as_of = dates[-1] if dates else None
    today_segments = [
        r for r in marts.segments if r["score_date"] == as_of and r["segment"] != "all"
    ]
    today_segments.sort(key=lambda r: str(r["segment"]))
    active = [a for a in marts.accounts if a["is_active_customer"]]
    band_counts = [(b, [float(r[f"{b}_accounts"] or 0) for r in overall]) for b in BAND_ORDER]
    arr_layers = [(b, [float(r[f"{b}_arr_usd"] or 0) for r in overall]) for b in BAND_ORDER[:2]]
    scores = [
        (a["published_score"], a["published_band"])
        for a in active
        if a["published_score"] is not None
    ]
    return {
        "as_of": fmt_date(as_of),
        "active_count": len(active),
        "charts": {
            "distribution": distribution_chart(marts.quantiles),
            "band_counts": stacked_time_chart(
                dates, band_counts, lambda v: f"{v:,.0f}", "Accounts by band over time"
            ),
            "histogram": histogram_chart(scores),
            "segments": segment_mix_chart(overall[-1:] + today_segments),
            "arr": stacked_time_chart(
                dates, arr_layers, fmt_money, "ARR at risk over time", width=600
            ),
        },
        "arr": _arr_view(overall[-1] if overall else None),
        "segment_rows": segment_table(overall[-1:] + today_segments),
        "movers": movers(marts.accounts),
        "at_risk": [_account_row(a) for a in at_risk_accounts(marts.accounts)],
        "directory": _directory(marts.accounts),
        "thresholds": [
            {"segment": s, "red_below": f"{r:g}", "green_from": f"{g:g}"}
            for s, (r, g) in sorted(marts.thresholds.items())
        ],
    }
