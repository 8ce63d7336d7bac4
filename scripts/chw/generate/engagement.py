"""The engagement streams: web visits, content interactions and product events (in chunks)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa

from chw.faults import inject_faults
from chw.generate.arrays import (
    _delay,
    _expand,
    _ids,
    _rng,
    _table,
    _take,
    _time_of_day,
    _ts,
    _write,
)
from chw.generate.schemas import SCHEMAS
from chw.generate.vocabulary import EVENT_CHUNK_ROWS, EVENT_SCALE, FEATURES, REGION_PEAK_UTC
from chw.generate.world import World, _weekend


def _web_visits(world: World, rng: np.random.Generator) -> pa.Table:
    h = world.signal("web") / 100.0
    rate = (0.3 + 2.0 * h) * np.where(_weekend(world), 0.4, 1.0) * world.active()
    acct, day = _expand(rng.poisson(rate))
    known = len(acct)
    # ~15% of sessions come from visitors no account could be matched to.
    anon = rng.binomial(known, 0.15 / 0.85) if known else 0
    day = np.concatenate([day, rng.integers(0, world.days, anon)])
    peak = np.concatenate([REGION_PEAK_UTC[world.region[acct]], rng.uniform(0, 24, anon)])
    hv = np.concatenate([world.h_at(acct, day[:known], "web") / 100.0, np.full(anon, 0.3)])
    m = known + anon
    pages = 1 + rng.poisson(0.8 + 4.0 * hv)
    duration = np.round(pages * rng.lognormal(np.log(40.0), 0.7, m)).astype(np.int64)
    occurred = world.day_us(day) + _time_of_day(rng, peak, 4.0)
    order = np.argsort(occurred, kind="stable")
    acct_all = np.concatenate([acct, np.zeros(anon, dtype=np.int64)])
    is_anon = np.arange(m) >= known
    return _table(
        "web_visits",
        {
            "visit_id": _ids("V", m, 9),
            "account_id": _take(world.ids, acct_all[order], mask=is_anon[order]),
            "pages": pa.array(pages[order], type=pa.int32()),
            "duration_seconds": pa.array(duration[order], type=pa.int32()),
            "occurred_at": _ts(occurred[order]),
            "_loaded_at": _ts(occurred[order] + _delay(rng, m, 10, 90)),
        },
    )


def _content(world: World, rng: np.random.Generator) -> pa.Table:
    h = world.signal("content") / 100.0
    rate = (0.05 + 0.4 * h) * np.where(_weekend(world), 0.5, 1.0) * world.active()
    acct, day = _expand(rng.poisson(rate))
    m = len(acct)
    kind = rng.choice(4, m, p=[0.15, 0.15, 0.45, 0.25])
    contact = world.contact_off[acct] + (rng.random(m) * world.users[acct]).astype(np.int64)
    occurred = world.day_us(day) + _time_of_day(rng, REGION_PEAK_UTC[world.region[acct]], 3.0)
    order = np.argsort(occurred, kind="stable")
    return _table(
        "content_interactions",
        {
            "interaction_id": _ids("I", m, 8),
            "account_id": _take(world.ids, acct[order]),
            "contact_id": _take(world.contact_ids, contact[order]),
            "content_type": _take(
                np.array(["webinar", "academy_course", "doc", "newsletter"]), kind[order]
            ),
            "occurred_at": _ts(occurred[order]),
            "_loaded_at": _ts(occurred[order] + _delay(rng, m, 15, 240)),
        },
    )


def _event_chunk(
    world: World, rng: np.random.Generator, d0: int, d1: int, event_rate: float, first_id: int
) -> pa.Table:
    """Product events of days [d0, d1): active users, events per user, breadth of features."""
    h = world.signal("usage")[:, d0:d1] / 100.0
    p_active = (0.15 + 0.65 * h) * np.where(_weekend(world)[d0:d1], 0.35, 1.0)
    active = rng.binomial(world.users[:, None], p_active) * world.active(d0, d1)
    counts = rng.poisson(active * event_rate * EVENT_SCALE * (1.0 + 4.0 * h))
    flat = np.repeat(np.arange(counts.size), counts.ravel())
    acct, day = np.divmod(flat, d1 - d0)
    day = day + d0
    m = len(flat)
    # Today's active users are a rotating block of the account's users.
    rotation = rng.integers(0, 1 << 30, counts.size)[flat]
    slot = (rng.random(m) * active.ravel()[flat]).astype(np.int64)
    user = world.contact_off[acct] + (rotation + slot) % world.users[acct]
    # Healthy accounts use more of the feature set (features ordered by popularity).
    breadth = np.minimum(3 + (7.0 * h + rng.random(h.shape)).astype(np.int64), len(FEATURES))
    feature = (breadth.ravel()[flat] * rng.random(m) ** 1.7).astype(np.int64)
    occurred = world.day_us(day) + _time_of_day(rng, REGION_PEAK_UTC[world.region[acct]], 3.0)
    loaded = occurred + _delay(rng, m, 1, 45)
    order = np.argsort(occurred, kind="stable")
    return pa.table(
        {
            "event_id": pa.array(np.arange(first_id, first_id + m, dtype=np.int64)),
            "account_id": _take(world.ids, acct[order]),
            "user_id": _take(world.contact_ids, user[order]),
            "event_type": _take(FEATURES, feature[order]),
            "occurred_at": _ts(occurred[order]),
            "_loaded_at": _ts(loaded[order]),
        },
        schema=SCHEMAS["product_events"],
    )


def _write_events(
    world: World,
    path: Path,
    event_rate: float,
    fault_rate: float,
    end: date,
    say: Callable[[str], None],
) -> int:
    """Stream product events to Parquet in chunks of days (one row group per ~1M rows)."""
    rng = _rng(world.seed, "product_events")
    fault_rng = _rng(world.seed, "faults/product_events")
    per_day = max(1.0, world.n * 27.0 * max(event_rate, 0.01))
    step = max(1, int(EVENT_CHUNK_ROWS // per_day))

    def chunks() -> Iterable[pa.Table]:
        next_id = 1
        for d0 in range(0, world.days, step):
            d1 = min(world.days, d0 + step)
            chunk = _event_chunk(world, rng, d0, d1, event_rate, next_id)
            next_id += chunk.num_rows
            if fault_rate > 0:
                chunk = inject_faults(chunk, "product_events", fault_rate, fault_rng, end_date=end)
            say(f"product_events: days {d1}/{world.days}, {next_id - 1:,} events")
            yield chunk

    return _write(path, chunks(), SCHEMAS["product_events"])
