"""Static HTML dashboard and per-account scorecards, written from the published marts.

Self-contained: every page inlines its CSS, its (tiny) script and its charts as server-rendered
SVG, so the folder works offline, from file:// or from any static host. Every value is
untrusted (account names come from a CRM): Jinja2 autoescapes all text, SVG text goes through
`markupsafe.escape`, and a Content-Security-Policy allows only the page's own script (by hash),
so even a missed escape could not run code.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

Row = dict[str, Any]

ASSETS = Path(__file__).with_name("dashboard_assets")
COMPONENTS: tuple[tuple[str, str], ...] = (
    ("engagement", "Engagement"),
    ("satisfaction", "Satisfaction"),
    ("experience", "Experience (CEM)"),
    ("financial", "Financial"),
    ("support", "Support"),
)
BAND_ORDER = ("red", "yellow", "green")
BAND_COLOURS = {"red": "#c62828", "yellow": "#e0a800", "green": "#2e7d32"}
BAND_TINTS = {"red": "#fbe3e1", "yellow": "#fff3c9", "green": "#e1f1e2"}
DEFAULT_THRESHOLDS = (40.0, 70.0)
SPARKLINE_DAYS = 90
MOVERS = 8
TOP_DRIVERS = 8
DASH, MINUS, TIMES = "\u2013", "\u2212", "\u00d7"  # en dash, minus sign, times
ACRONYMS = {"nps": "NPS", "csat": "CSAT", "ces": "CES", "arr": "ARR", "arpu": "ARPU"}
ACRONYMS |= {"usd": "(USD)", "pct": "%"}


# --------------------------------------------------------------------------- formatting


@dataclass(frozen=True)
class BandInfo:
    css: str
    label: str
    shape: str


def band_info(band: str | None) -> BandInfo:
    """Colour class, text and a shape per band: readable without colour vision."""
    return {
        "red": BandInfo("red", "Red", "■"),
        "yellow": BandInfo("yellow", "Yellow", "▲"),
        "green": BandInfo("green", "Green", "●"),
    }.get(band or "", BandInfo("none", "Not enough data", DASH))


@dataclass(frozen=True)
class ChangeInfo:
    css: str
    arrow: str
    text: str
    title: str


def change_info(value: float | None, flat_below: float = 0.5) -> ChangeInfo:
    """A signed change with direction shown by an arrow and a colour."""
    if value is None:
        return ChangeInfo("flat", "", DASH, "no change recorded")
    text = f"{value:+.1f}".replace("-", MINUS)
    if abs(value) < 0.05:
        text = "0.0"
    if abs(value) < flat_below:
        return ChangeInfo("flat", "→", text, "flat")
    if value > 0:
        return ChangeInfo("up", "↑", text, "up")
    return ChangeInfo("down", "↓", text, "down")


def fmt_money(value: float | None) -> str:
    if value is None:
        return DASH
    if abs(value) >= 1e6:
        return f"${value / 1e6:,.1f}M"
    if abs(value) >= 1e4:
        return f"${value / 1e3:,.0f}k"
    if abs(value) >= 1e3:
        return f"${value / 1e3:,.1f}k"
    return f"${value:,.0f}"


def fmt_score(value: float | None) -> str:
    return DASH if value is None else f"{value:.1f}"


def fmt_pct(value: float | None, digits: int = 0) -> str:
    return DASH if value is None else f"{value:.{digits}%}"


def fmt_int(value: float | None) -> str:
    return DASH if value is None else f"{round(value):,}"


def fmt_raw(value: float | None) -> str:
    """A raw metric value: integers as integers, the rest with two decimals."""
    if value is None:
        return "n/a"
    if float(value).is_integer() or abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def fmt_date(value: date | datetime | None) -> str:
    if value is None:
        return DASH
    if isinstance(value, datetime):
        value = value.date()
    return value.isoformat()


def fmt_timestamp(value: str | datetime | None) -> str:
    """An ISO timestamp as 'YYYY-MM-DD HH:MM UTC' (as given when it does not parse)."""
    if value is None:
        return "unknown"
    parsed = value
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return value
    assert isinstance(parsed, datetime)
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC)
    return parsed.strftime("%Y-%m-%d %H:%M UTC")


def fmt_renewal(days: int | None) -> str:
    if days is None:
        return DASH
    if days < 0:
        return f"overdue {-days:,} days"
    if days == 0:
        return "today"
    return f"{days:,} day" + ("" if days == 1 else "s")


def humanise(name: str | None) -> str:
    """`active_user_ratio` → 'Active user ratio', `arr_usd` → 'ARR (USD)'."""
    if not name:
        return DASH
    words = [ACRONYMS.get(word, word) for word in name.split("_")]
    text = " ".join(words)
    return text[0].upper() + text[1:]


def split_drivers(drivers: str | None) -> list[str]:
    return [humanise(d.strip()) for d in (drivers or "").split(",") if d.strip()]


def account_filename(account_id: str) -> str:
    """A safe file name for an (untrusted) account id; distinct ids get distinct names."""
    safe = re.sub(r"[^A-Za-z0-9_-]", "_", account_id)[:64]
    if safe != account_id or not safe:
        digest = hashlib.sha256(account_id.encode()).hexdigest()[:12]
        safe = f"{safe}-{digest}"
    return f"{safe}.html"


# --------------------------------------------------------------------------- reading the marts


@dataclass
class Marts:
    accounts: list[Row]
    latest: dict[str, Row]
    history: dict[str, list[tuple[date, float]]]
    metrics: dict[str, list[Row]]
    segments: list[Row]
    quantiles: list[Row]
    thresholds: dict[str, tuple[float, float]]
    component_weights: dict[tuple[str, str], float] = field(default_factory=dict)
    published_at: datetime | None = None


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[Row]:
    cursor = con.execute(sql)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _optional_rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[Row]:
    """Rows of a table the dashboard can live without (config, publication record)."""
    try:
        return _rows(con, sql)
    except duckdb.CatalogException:
        return []


ACCOUNTS_SQL = """
select account_id, account_name, parent_account_id, segment, industry, region, csm_owner,
       lifecycle_stage, last_scored_date, is_active_customer, published_score, published_band,
       computed_score, score_change_30d, top_negative_drivers, recommended_action, is_overridden,
       arr_usd, seats, renewal_date, days_to_renewal
from marts.dim_accounts
"""
LATEST_SQL = """
select h.account_id, h.score_date, h.published_score, h.published_band, h.computed_score,
       h.computed_band, h.engagement_score, h.satisfaction_score, h.experience_score,
       h.financial_score, h.support_score, h.coverage, h.confidence, h.is_overridden,
       h.override_reason, h.override_author, h.override_valid_until, h.score_change_7d,
       h.score_change_30d, h.top_negative_drivers, h.weakest_component, h.recommended_action
from marts.fct_account_health_daily as h
join marts.dim_accounts as a
  on a.account_id = h.account_id and a.last_scored_date = h.score_date
"""
HISTORY_SQL = f"""
select h.account_id, h.score_date, h.published_score
from marts.fct_account_health_daily as h
join marts.dim_accounts as a on a.account_id = h.account_id
where h.score_date > a.last_scored_date - interval {SPARKLINE_DAYS} day
  and h.published_score is not null
order by h.account_id, h.score_date
"""
METRICS_SQL = """
select m.account_id, m.metric_name, m.component, m.raw_value, m.metric_score, m.metric_weight,
       m.effective_weight, m.contribution, m.points_lost, m.contribution_change_30d
from marts.fct_account_metric_daily as m
join marts.dim_accounts as a
  on a.account_id = m.account_id and a.last_scored_date = m.score_date
order by m.account_id, m.effective_weight desc, m.metric_name
"""
SEGMENTS_SQL = """
select score_date, segment, accounts, red_accounts, yellow_accounts, green_accounts, arr_usd,
       red_arr_usd, yellow_arr_usd, green_arr_usd, average_score
from marts.agg_segment_health_daily
order by score_date, segment
"""
QUANTILES_SQL = """
select score_date,
       quantile_cont(published_score, 0.1) as p10, quantile_cont(published_score, 0.25) as p25,
       quantile_cont(published_score, 0.5) as p50, quantile_cont(published_score, 0.75) as p75,
       quantile_cont(published_score, 0.9) as p90
from marts.fct_account_health_daily
where published_score is not null
group by score_date
order by score_date
"""


def read_marts(published_db: Path) -> Marts:
    """Everything the pages show, in a handful of set-based queries (read-only connection)."""
    con = duckdb.connect(str(published_db), read_only=True)
    try:
        history: dict[str, list[tuple[date, float]]] = defaultdict(list)
        for row in _rows(con, HISTORY_SQL):
            history[row["account_id"]].append((row["score_date"], row["published_score"]))
        metrics: dict[str, list[Row]] = defaultdict(list)
        for row in _rows(con, METRICS_SQL):
            metrics[row["account_id"]].append(row)
        descriptions = {
            r["metric_name"]: r["description"]
            for r in _optional_rows(
                con, "select metric_name, description from scoring_config.scoring_metrics"
            )
        }
        for rows in metrics.values():
            for row in rows:
                row["description"] = descriptions.get(row["metric_name"])
        thresholds = {
            r["segment"]: (float(r["red_below"]), float(r["green_from"]))
            for r in _optional_rows(
                con, "select segment, red_below, green_from from scoring_config.scoring_bands"
            )
        }
        weights = {
            (r["segment"], r["component"]): float(r["weight"])
            for r in _optional_rows(
                con,
                "select segment, component, weight from scoring_config.scoring_component_weights",
            )
        }
        publication = _optional_rows(con, "select max(published_at) as at from main.publication")
        return Marts(
            accounts=_rows(con, ACCOUNTS_SQL),
            latest={r["account_id"]: r for r in _rows(con, LATEST_SQL)},
            history=dict(history),
            metrics=dict(metrics),
            segments=_rows(con, SEGMENTS_SQL),
            quantiles=_rows(con, QUANTILES_SQL),
            thresholds=thresholds,
            component_weights=weights,
            published_at=publication[0]["at"] if publication else None,
        )
    finally:
        con.close()


# --------------------------------------------------------------------------- SVG charts

_HALO = (
    ' fill="#1f2933" font-weight="600" paint-order="stroke" stroke="#ffffff" stroke-width="3"'
    ' stroke-linejoin="round"'
)


@dataclass(frozen=True)
class Frame:
    """Plot area inside an SVG viewBox; maps data to pixels."""

    width: float = 440
    height: float = 220
    left: float = 44
    right: float = 12
    top: float = 10
    bottom: float = 24
    y_min: float = 0
    y_max: float = 100

    def y(self, value: float) -> float:
        span = (self.y_max - self.y_min) or 1
        plot = self.height - self.top - self.bottom
        return self.height - self.bottom - (value - self.y_min) / span * plot

    def x_of(self, position: float) -> float:
        """Position in [0, 1] along the x axis."""
        return self.left + position * (self.width - self.left - self.right)


def _svg(frame: Frame, body: Iterable[str], label: str) -> Markup:
    return Markup(
        f'<svg viewBox="0 0 {frame.width:.0f} {frame.height:.0f}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
        + "".join(body)
        + "</svg>"
    )


def _text(x: float, y: float, text: str, anchor: str = "start", extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{escape(text)}</text>'


def _nice_step(span: float, ticks: int = 4) -> float:
    """A round axis step (1, 2 or 5 x 10^n), never below 1: the axes count or sum money."""
    raw = max(span / max(ticks, 1), 1)
    magnitude = 10 ** int(f"{raw:e}".split("e")[1])
    for step in (1, 2, 5, 10):
        if raw <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _y_axis(frame: Frame, fmt: Callable[[float], str], step: float | None = None) -> list[str]:
    step = step or _nice_step(frame.y_max - frame.y_min)
    out: list[str] = []
    value = frame.y_min
    while value <= frame.y_max + 1e-9:
        y = frame.y(value)
        out.append(
            f'<line class="gridline" x1="{frame.left}" x2="{frame.width - frame.right}" '
            f'y1="{y:.1f}" y2="{y:.1f}"></line>'
        )
        out.append(_text(frame.left - 5, y + 4, fmt(value), "end"))
        value += step
    return out


def _month_ticks(first: date, last: date, max_ticks: int = 7) -> list[date]:
    months: list[date] = []
    cursor = date(first.year, first.month, 1)
    while cursor <= last:
        if cursor >= first:
            months.append(cursor)
        cursor = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
    stride = max(1, -(-len(months) // max_ticks))
    return months[::stride]


def _x_axis(frame: Frame, first: date, last: date) -> list[str]:
    span = max((last - first).days, 1)
    baseline = frame.height - frame.bottom
    out = [
        f'<line class="axis" x1="{frame.left}" x2="{frame.width - frame.right}" '
        f'y1="{baseline:.1f}" y2="{baseline:.1f}"></line>'
    ]
    room = int((frame.width - frame.left - frame.right) // 90)  # a label needs ~90 px
    ticks = _month_ticks(first, last, room) if span > 45 else [first, last]
    for tick in ticks:
        x = frame.x_of((tick - first).days / span)
        label = tick.strftime("%b %Y") if span > 45 else tick.isoformat()
        anchor = "middle" if span > 45 else ("start" if tick == first else "end")
        out.append(_text(x, baseline + 15, label, anchor))
    return out


def _points(xs: Sequence[float], ys: Sequence[float]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))


def _band_polygon(xs: Sequence[float], top: Sequence[float], bottom: Sequence[float]) -> str:
    upper = [f"{x:.1f},{y:.1f}" for x, y in zip(xs, top, strict=True)]
    lower = [f"{x:.1f},{y:.1f}" for x, y in zip(reversed(xs), reversed(bottom), strict=True)]
    return " ".join(upper + lower)


def _date_xs(frame: Frame, dates: Sequence[date]) -> list[float]:
    first, last = dates[0], dates[-1]
    span = max((last - first).days, 1)
    return [frame.x_of((d - first).days / span) for d in dates]


def _empty_chart(label: str) -> Markup:
    frame = Frame(height=80)
    return _svg(frame, [_text(frame.width / 2, 44, "No data yet", "middle")], label)


def distribution_chart(quantiles: list[Row]) -> Markup:
    """Median score with the middle 50 % and 80 % of accounts shaded, per day."""
    label = "Score distribution over time"
    if not quantiles:
        return _empty_chart(label)
    frame = Frame()
    dates = [r["score_date"] for r in quantiles]
    xs = _date_xs(frame, dates)
    ys = {k: [frame.y(r[k]) for r in quantiles] for k in ("p10", "p25", "p50", "p75", "p90")}
    body = _y_axis(frame, lambda v: f"{v:.0f}", 25) + _x_axis(frame, dates[0], dates[-1])
    body.append(
        f'<polygon points="{_band_polygon(xs, ys["p90"], ys["p10"])}" fill="#c9d8ea">'
        "<title>10th to 90th percentile</title></polygon>"
    )
    body.append(
        f'<polygon points="{_band_polygon(xs, ys["p75"], ys["p25"])}" fill="#8fb0d6">'
        "<title>25th to 75th percentile</title></polygon>"
    )
    body.append(
        f'<polyline points="{_points(xs, ys["p50"])}" fill="none" stroke="#17324d" '
        'stroke-width="2"><title>Median score</title></polyline>'
    )
    last = quantiles[-1]
    body.append(_text(xs[-1] - 2, ys["p50"][-1] - 6, f"median {last['p50']:.1f}", "end"))
    return _svg(frame, body, label)


def stacked_time_chart(
    dates: Sequence[date],
    layers: Sequence[tuple[str, Sequence[float]]],
    fmt: Callable[[float], str],
    label: str,
    width: float = 440,
) -> Markup:
    """Stacked areas over time, one per band (bottom first), filled with the band patterns."""
    if not dates:
        return _empty_chart(label)
    totals = [sum(values[i] for _, values in layers) for i in range(len(dates))]
    top = max(totals) or 1
    step = _nice_step(top)
    frame = Frame(width=width, left=56, y_max=step * -(-top // step))
    xs = _date_xs(frame, dates)
    body = _y_axis(frame, fmt, step) + _x_axis(frame, dates[0], dates[-1])
    base = [0.0] * len(dates)
    for band, values in layers:
        upper = [b + v for b, v in zip(base, values, strict=True)]
        polygon = _band_polygon(xs, [frame.y(v) for v in upper], [frame.y(v) for v in base])
        body.append(
            f'<polygon points="{polygon}" fill="url(#fill-{band})" stroke="#ffffff" '
            f'stroke-width="0.5" data-band="{band}"><title>{band_info(band).label}: '
            f"{escape(fmt(values[-1]))} on {dates[-1].isoformat()}</title></polygon>"
        )
        mid = (upper[-1] + base[-1]) / 2
        if values[-1] / frame.y_max > 0.06:
            body.append(_text(xs[-1] - 4, frame.y(mid) + 4, fmt(values[-1]), "end", _HALO))
        base = upper
    return _svg(frame, body, label)


def histogram_chart(scores: Sequence[tuple[float, str | None]], bin_width: int = 5) -> Markup:
    """Accounts per score bin today, stacked by band."""
    label = "Score distribution today"
    if not scores:
        return _empty_chart(label)
    bins = 100 // bin_width
    counts: dict[str, list[int]] = {band: [0] * bins for band in BAND_ORDER}
    for score, band in scores:
        if band in counts:
            counts[band][min(int(score // bin_width), bins - 1)] += 1
    top = max(sum(counts[b][i] for b in BAND_ORDER) for i in range(bins)) or 1
    step = _nice_step(top)
    frame = Frame(y_max=step * -(-top // step))
    body = _y_axis(frame, lambda v: f"{v:.0f}", step)
    slot = (frame.width - frame.left - frame.right) / bins
    for i in range(bins):
        base = 0
        for band in BAND_ORDER:
            n = counts[band][i]
            if n:
                y_top, y_base = frame.y(base + n), frame.y(base)
                body.append(
                    f'<rect x="{frame.left + i * slot + 1:.1f}" y="{y_top:.1f}" '
                    f'width="{slot - 2:.1f}" height="{y_base - y_top:.1f}" '
                    f'fill="url(#fill-{band})" data-band="{band}"><title>{n} '
                    f"{band_info(band).label.lower()} accounts scoring {i * bin_width}{DASH}"
                    f"{(i + 1) * bin_width}</title></rect>"
                )
            base += n
    baseline = frame.height - frame.bottom
    body.append(
        f'<line class="axis" x1="{frame.left}" x2="{frame.width - frame.right}" '
        f'y1="{baseline}" y2="{baseline}"></line>'
    )
    for tick in range(0, 101, 20):
        body.append(_text(frame.x_of(tick / 100), baseline + 15, str(tick), "middle"))
    return _svg(frame, body, label)


def segment_mix_chart(rows: Sequence[Row]) -> Markup:
    """One 100 % bar per segment: share of accounts in each band, counts written on the bar."""
    label = "Band mix by segment"
    if not rows:
        return _empty_chart(label)
    bar, gap = 30, 14
    frame = Frame(width=600, height=len(rows) * (bar + gap) + 10, left=96, right=80)
    body: list[str] = []
    for i, row in enumerate(rows):
        y = 6 + i * (bar + gap)
        total = float(row["accounts"] or 0) or 1
        body.append(_text(frame.left - 8, y + bar / 2 + 4, str(row["segment"]).title(), "end"))
        x = 0.0
        for band in BAND_ORDER:
            n = float(row[f"{band}_accounts"] or 0)
            width = n / total
            if n:
                x0, x1 = frame.x_of(x), frame.x_of(x + width)
                body.append(
                    f'<rect x="{x0:.1f}" y="{y}" width="{x1 - x0:.1f}" height="{bar}" '
                    f'fill="url(#fill-{band})" data-band="{band}"><title>{escape(row["segment"])}'
                    f": {n:.0f} {band} ({width:.0%})</title></rect>"
                )
                if x1 - x0 > 34:
                    text = f"{band_info(band).shape} {n:.0f}"
                    body.append(_text((x0 + x1) / 2, y + bar / 2 + 4, text, "middle", _HALO))
            x += width
        body.append(_text(frame.width - frame.right + 6, y + bar / 2 + 4, f"{total:,.0f} accts"))
    return _svg(frame, body, label)


def sparkline(
    points: Sequence[tuple[date, float]], thresholds: tuple[float, float], label: str
) -> Markup:
    """The last 90 days of the published score over the segment's band ranges."""
    if not points:
        return _empty_chart(label)
    frame = Frame(width=600, height=170, left=30, bottom=20, top=8)
    red_below, green_from = thresholds
    body: list[str] = []
    ranges = (("red", 0, red_below), ("yellow", red_below, green_from), ("green", green_from, 100))
    for band, lo, hi in ranges:
        body.append(
            f'<rect x="{frame.left}" y="{frame.y(hi):.1f}" '
            f'width="{frame.width - frame.left - frame.right}" '
            f'height="{frame.y(lo) - frame.y(hi):.1f}" fill="{BAND_TINTS[band]}">'
            f"<title>{band_info(band).label}: {lo:.0f}{DASH}{hi:.0f}</title></rect>"
        )
    for tick in (0, red_below, green_from, 100):
        body.append(_text(frame.left - 4, frame.y(tick) + 4, f"{tick:.0f}", "end"))
    dates = [d for d, _ in points]
    dates = dates if len(dates) > 1 else [dates[0] - timedelta(days=1), dates[0]]
    values = [v for _, v in points] if len(points) > 1 else [points[0][1]] * 2
    xs = _date_xs(frame, dates)
    ys = [frame.y(v) for v in values]
    body += _x_axis(frame, dates[0], dates[-1])
    body.append(
        f'<polyline points="{_points(xs, ys)}" fill="none" stroke="#17324d" stroke-width="2">'
        "</polyline>"
    )
    body.append(f'<circle cx="{xs[-1]:.1f}" cy="{ys[-1]:.1f}" r="3.5" fill="#17324d"></circle>')
    label_y = ys[-1] - 7 if ys[-1] > frame.top + 16 else ys[-1] + 16
    body.append(_text(xs[-1] - 6, label_y, f"{values[-1]:.1f}", "end", _HALO))
    return _svg(frame, body, label)


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
    for key, label in COMPONENTS:
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


def _metric_groups(metrics: Sequence[Row], latest: Row) -> list[Row]:
    groups = []
    for key, label in COMPONENTS:
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
        "metric_groups": _metric_groups(metrics, latest),
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


# --------------------------------------------------------------------------- rendering


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(ASSETS),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals |= {"band_info": band_info, "change_info": change_info}
    return env


def _csp(script: str | None) -> str:
    """Only this page's own script (by hash) may run; no network, no inline handlers."""
    if script:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        script_src = f"'sha256-{digest}'"
    else:
        script_src = "'none'"
    return (
        f"default-src 'none'; script-src {script_src}; style-src 'unsafe-inline'; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )


def write_dashboard(
    published_db: Path,
    out_dir: Path,
    *,
    quality: dict[str, Any] | None = None,
    calibration: dict[str, Any] | None = None,
) -> Path:
    """Write out_dir/index.html and out_dir/accounts/<id>.html; return the index path."""
    marts = read_marts(published_db)
    env = _environment()
    css = Markup((ASSETS / "dashboard.css").read_text())
    script = (ASSETS / "dashboard.js").read_text()
    pages = out_dir / "accounts"
    pages.mkdir(parents=True, exist_ok=True)
    for stale in pages.glob("*.html"):
        stale.unlink()

    account_template = env.get_template("account.html.j2")
    for account in marts.accounts:
        html = account_template.render(
            account_view(account, marts), css=css, csp=_csp(None), script=None
        )
        (pages / account_filename(account["account_id"])).write_text(html, encoding="utf-8")

    index = out_dir / "index.html"
    html = env.get_template("index.html.j2").render(
        portfolio_view(marts),
        quality=quality_view(quality, marts.published_at),
        calibration=calibration_view(calibration),
        generated_at=fmt_timestamp(datetime.now(UTC)),
        css=css,
        csp=_csp(script),
        script=Markup(script),
    )
    index.write_text(html, encoding="utf-8")
    return index
