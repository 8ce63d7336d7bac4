"""View models of the portfolio page: charts, ARR, segments, movers, quality and calibration.
The account lists and scorecards are data the page's script renders (`scorecards`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from chw.dashboard.charts import (
    distribution_chart,
    histogram_chart,
    segment_mix_chart,
    stacked_time_chart,
)
from chw.dashboard.formatting import (
    BAND_ORDER,
    DASH,
    MOVERS,
    TIMES,
    Row,
    clip,
    fmt_date,
    fmt_int,
    fmt_money,
    fmt_pct,
    fmt_score,
    fmt_timestamp,
    humanise,
)
from chw.dashboard.queries import Marts
from chw.dashboard.scorecards import account_row, at_risk_accounts

# --------------------------------------------------------------------------- page models


def movers(accounts: Iterable[Row]) -> dict[str, list[Row]]:
    moving = [a for a in accounts if a["is_active_customer"] and a["score_change_30d"] is not None]
    moving.sort(key=lambda a: a["score_change_30d"])
    down = [a for a in moving if a["score_change_30d"] < 0][:MOVERS]
    up = [a for a in reversed(moving) if a["score_change_30d"] > 0][:MOVERS]
    return {"down": [account_row(a) for a in down], "up": [account_row(a) for a in up]}


def segment_table(rows: Iterable[Row]) -> list[Row]:
    """Per segment on the latest day: accounts, average score and ARR in red / yellow."""
    out = []
    for row in rows:
        arr = float(row["arr_usd"] or 0)
        at_risk = float(row["red_arr_usd"] or 0) + float(row["yellow_arr_usd"] or 0)
        out.append(
            {
                "segment": clip(str(row["segment"]).title()),
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
        "at_risk_count": len(at_risk_accounts(marts.accounts)),
        "account_count": len(marts.accounts),
        "thresholds": [
            {"segment": clip(s), "red_below": f"{r:g}", "green_from": f"{g:g}"}
            for s, (r, g) in sorted(marts.thresholds.items())
        ],
    }
