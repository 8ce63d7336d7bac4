"""Constants and formatters of the dashboard: bands, changes, money, dates, names, keys."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

Row = dict[str, Any]

ASSETS = Path(__file__).with_name("templates")
BAND_ORDER = ("red", "yellow", "green")
BAND_COLOURS = {"red": "#c62828", "yellow": "#e0a800", "green": "#2e7d32"}
BAND_TINTS = {"red": "#fbe3e1", "yellow": "#fff3c9", "green": "#e1f1e2"}
DEFAULT_THRESHOLDS = (40.0, 70.0)
SPARKLINE_DAYS = 90
MOVERS = 8
TOP_DRIVERS = 8
DASH, MINUS, TIMES = "\u2013", "\u2212", "\u00d7"  # en dash, minus sign, times
ELLIPSIS = "\u2026"
# Untrusted display strings (names, owners, notes) are cut to these lengths before they are
# written anywhere: one 200,000-character account name once made a 73 MB index page.
MAX_TEXT_CHARS = 120  # a name, an owner, a label: one line in a table
MAX_NOTE_CHARS = 500  # an override reason, a playbook action, a description
MAX_KEY_CHARS = 64  # an account's key in links and data files (plus a hash when cut)
PAGE_SIZE = 50  # rows per page of the account lists
SHARD_ACCOUNTS = 100  # scorecards per data file, on average
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


class ChangeInfo(NamedTuple):  # a tuple: built ~40 times for each of 10,000 scorecards
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


@lru_cache(maxsize=4096)  # metric and component names: a few dozen, on every scorecard
def humanise(name: str | None) -> str:
    """`active_user_ratio` → 'Active user ratio', `arr_usd` → 'ARR (USD)'."""
    if not name:
        return DASH
    words = [ACRONYMS.get(word, word) for word in name.split("_")]
    text = " ".join(words)
    return text[0].upper() + text[1:]


def split_drivers(drivers: str | None) -> list[str]:
    return [clip(humanise(d.strip())) for d in (drivers or "").split(",") if d.strip()]


def clip(value: object, limit: int = MAX_TEXT_CHARS) -> str:
    """An untrusted value as text of at most `limit` characters (an ellipsis ends a cut one).
    Escaping is the renderer's job (Jinja, markupsafe, textContent); this bounds the size."""
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def account_key(account_id: str) -> str:
    """A safe key for an (untrusted) account id in links and data files: letters, digits,
    `_` and `-` only, at most 64 of them plus a hash; distinct ids get distinct keys."""
    safe = re.sub(r"[^A-Za-z0-9_-]", "_", account_id)[:MAX_KEY_CHARS]
    if safe != account_id or not safe:
        digest = hashlib.sha256(account_id.encode()).hexdigest()[:12]
        safe = f"{safe}-{digest}"
    return safe


def account_href(account_id: str) -> str:
    """The scorecard of an account: one page, the account's key after the `#`."""
    return f"account.html#{account_key(account_id)}"


def shard_count(accounts: int) -> int:
    return max(1, -(-accounts // SHARD_ACCOUNTS))


def shard_of(key: str, shards: int) -> int:
    """The data file holding a key's scorecard: FNV-1a (32 bit) of the key's characters modulo
    the number of files. account.js computes the same from the key in the URL."""
    value = 0x811C9DC5
    for char in key:  # keys are ASCII: one code unit per character, as in JavaScript
        value = ((value ^ ord(char)) * 0x01000193) & 0xFFFFFFFF
    return value % shards


def shard_name(shard: int) -> str:
    return f"cards-{shard:04d}"
