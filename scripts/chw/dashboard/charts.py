"""Server-rendered SVG charts of the portfolio: distribution, stacked time, histogram, segment
mix. (A scorecard's sparkline is drawn by account.js from its data.)"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

from chw.dashboard.formatting import BAND_ORDER, DASH, Row, band_info, clip

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
        name = clip(str(row["segment"]).title(), 14)
        body.append(_text(frame.left - 8, y + bar / 2 + 4, name, "end"))
        x = 0.0
        for band in BAND_ORDER:
            n = float(row[f"{band}_accounts"] or 0)
            width = n / total
            if n:
                x0, x1 = frame.x_of(x), frame.x_of(x + width)
                body.append(
                    f'<rect x="{x0:.1f}" y="{y}" width="{x1 - x0:.1f}" height="{bar}" '
                    f'fill="url(#fill-{band})" data-band="{band}"><title>{escape(name)}'
                    f": {n:.0f} {band} ({width:.0%})</title></rect>"
                )
                if x1 - x0 > 34:
                    text = f"{band_info(band).shape} {n:.0f}"
                    body.append(_text((x0 + x1) / 2, y + bar / 2 + 4, text, "middle", _HALO))
            x += width
        body.append(_text(frame.width - frame.right + 6, y + bar / 2 + 4, f"{total:,.0f} accts"))
    return _svg(frame, body, label)
