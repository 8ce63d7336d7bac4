"""The voice-of-customer streams: support tickets and survey responses with comments."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from chw.generate.arrays import (
    _delay,
    _expand,
    _ids,
    _pick,
    _sigmoid,
    _table,
    _take,
    _time_of_day,
    _ts,
)
from chw.generate.schemas import US_PER_DAY, US_PER_HOUR
from chw.generate.vocabulary import COMMENTS, REGION_PEAK_UTC, TIER_TICKETS
from chw.generate.world import World, _weekend


def _tickets(world: World, rng: np.random.Generator) -> pa.Table:
    """Tickets: more, more urgent, slower and angrier when health is low."""
    h = world.signal("support") / 100.0
    rate = (0.03 + 0.25 * (1.0 - h)) * TIER_TICKETS[world.tier][:, None]
    rate = rate * np.where(_weekend(world), 0.3, 1.0) * world.active()
    acct, day = _expand(rng.poisson(rate))
    m = len(acct)
    h = world.h_at(acct, day, "support") / 100.0
    opened = world.day_us(day) + _time_of_day(rng, REGION_PEAK_UTC[world.region[acct]], 3.0)
    order = np.argsort(opened, kind="stable")
    acct, h, opened = acct[order], h[order], opened[order]
    bad = 1.0 - h
    p_prio = np.column_stack(
        [0.25 * h, 0.6 * np.ones(m), 0.12 + 0.2 * bad, 0.03 + 0.12 * bad]
    )  # low, normal, high, urgent
    prio = _pick(rng, p_prio / p_prio.sum(axis=1, keepdims=True))
    p_cancel = 0.3 * _sigmoid((0.35 - h) / 0.03)
    p_billing = 0.06 + 0.1 * bad
    rest = (1.0 - p_cancel - p_billing)[:, None] * np.array([0.35, 0.33, 0.08, 0.24])
    category = _pick(rng, np.column_stack([rest, p_billing, p_cancel]))
    first_h = rng.lognormal(np.log([8.0, 4.0, 1.5, 0.5])[prio], 0.8) * (1.0 + bad)
    first = opened + (first_h * US_PER_HOUR).astype(np.int64)
    resolve_h = rng.lognormal(np.log(6.0) + 1.5 * bad + 0.3 * (category == 2), 1.0)
    resolved = first + (resolve_h * US_PER_HOUR).astype(np.int64)
    no_first, unresolved = first >= world.end_us, resolved >= world.end_us
    answered = ~unresolved & (rng.random(m) < 0.4)
    csat = np.clip(np.round(1 + 4 * h + rng.normal(0, 0.8, m)), 1, 5).astype(np.int32)
    changed = np.where(unresolved, np.where(no_first, opened, first), resolved)
    return _table(
        "support_tickets",
        {
            "ticket_id": _ids("T", m, 7),
            "account_id": _take(world.ids, acct),
            "opened_at": _ts(opened),
            "first_response_at": _ts(first, mask=no_first),
            "resolved_at": _ts(resolved, mask=unresolved),
            "priority": _take(np.array(["low", "normal", "high", "urgent"]), prio),
            "category": _take(
                np.array(["how_to", "bug", "outage", "feature_request", "billing", "cancellation"]),
                category,
            ),
            "is_escalated": pa.array(rng.random(m) < 0.02 + 0.15 * bad + 0.15 * (prio == 3)),
            "reopened_count": pa.array(rng.poisson(0.05 + 0.6 * bad**2), type=pa.int32()),
            "csat_score": pa.array(csat, mask=~answered),
            "_loaded_at": _ts(changed + _delay(rng, m, 2, 30)),
        },
    )


def _surveys(
    world: World, rng: np.random.Generator, tickets: pa.Table, invoices: pa.Table
) -> pa.Table:
    """NPS, CSAT and CES answers along the journey; scores follow health with noise."""
    parts = _survey_moments(world, rng, tickets, invoices)
    acct = np.concatenate([p[0] for p in parts])
    when = np.concatenate([p[1] for p in parts])
    kind = np.concatenate([np.full(len(p[0]), p[2]) for p in parts])
    touch = np.concatenate([np.full(len(p[0]), p[3]) for p in parts])
    keep = (when < world.end_us) & (when <= world.day_us(world.last_day[acct] + 1))
    acct, when, kind, touch = acct[keep], when[keep], kind[keep], touch[keep]
    m = len(acct)
    h = world.h_at(acct, (when // US_PER_DAY) - world.start_day, "surveys") / 100.0
    noise = rng.normal(0.0, 1.0, m)
    score = np.select(
        [kind == 0, kind == 1],
        [2.0 + 8.5 * h + 1.3 * noise, 1.0 + 4.0 * h + 0.8 * noise],
        2.0 + 5.0 * h + 1.0 * noise,
    )
    lo, hi = np.array([0, 1, 1])[kind], np.array([10, 5, 7])[kind]
    score = np.clip(np.round(score), lo, hi).astype(np.int32)
    contact = world.contact_off[acct] + (rng.random(m) * world.users[acct]).astype(np.int64)
    comment = _comments(rng, (score - lo) / (hi - lo))
    order = np.argsort(when, kind="stable")
    return _table(
        "survey_responses",
        {
            "response_id": _ids("R", m, 8),
            "account_id": _take(world.ids, acct[order]),
            "contact_id": _take(world.contact_ids, contact[order]),
            "survey_type": _take(np.array(["nps", "csat", "ces"]), kind[order]),
            "score": pa.array(score[order]),
            "touchpoint": _take(
                np.array(["onboarding", "product", "support", "billing", "renewal"]),
                touch[order],
            ),
            "comment": comment.take(pa.array(order)),
            "responded_at": _ts(when[order]),
            "_loaded_at": _ts(when[order] + _delay(rng, m, 5, 120)),
        },
    )


def _survey_moments(
    world: World, rng: np.random.Generator, tickets: pa.Table, invoices: pa.Table
) -> list[tuple[np.ndarray, np.ndarray, int, int]]:
    """When surveys are answered: (account, time us, survey type, touchpoint) per family."""
    parts: list[tuple[np.ndarray, np.ndarray, int, int]] = []  # acct, time us, type, touchpoint
    active = world.active()

    def daily(p: float) -> tuple[np.ndarray, np.ndarray]:
        acct, day = np.nonzero(active & (rng.random(active.shape) < p))
        return acct, world.day_us(day) + _time_of_day(rng, REGION_PEAK_UTC[world.region[acct]], 3)

    # Relationship NPS every ~60 days, CES about product or support now and then.
    acct, t = daily(1 / 60)
    parts.append((acct, t, 0, 1))
    acct, t = daily(1 / 120)
    parts.append((acct, t, 2, 1))
    acct, t = daily(1 / 400)
    parts.append((acct, t, 2, 2))
    # Renewal NPS a few weeks before a renewal date inside the window.
    s = world.subs
    at = s["end"] - rng.integers(15, 45, len(s["end"]))
    pick = (s["outcome"] >= 0) & (at >= 0) & (at > world.created_day[s["acct"]])
    pick &= rng.random(len(at)) < 0.5
    acct = s["acct"][pick]
    parts.append((acct, world.day_us(at[pick]) + 14 * US_PER_HOUR, 0, 4))
    # Onboarding CSAT two to six weeks after a new account starts.
    at = world.created_day + rng.integers(14, 45, world.n)
    pick = (world.created_day >= 0) & (at <= world.last_day) & (rng.random(world.n) < 0.8)
    parts.append((np.flatnonzero(pick), world.day_us(at[pick]) + 15 * US_PER_HOUR, 1, 0))
    # Support CSAT after a quarter of resolved tickets, billing CSAT after a few invoices.
    resolved = tickets.column("resolved_at")
    pick = np.flatnonzero(resolved.is_valid().to_numpy(zero_copy_only=False))
    pick = pick[rng.random(len(pick)) < 0.25]
    t = resolved.take(pick).cast(pa.int64()).to_numpy() + (
        rng.uniform(0.5, 48, len(pick)) * US_PER_HOUR
    ).astype(np.int64)
    parts.append((_account_index(world, tickets, pick), t, 1, 2))
    issued = invoices.column("issued_at").cast(pa.int32()).to_numpy() - world.start_day
    pick = np.flatnonzero((issued >= 0) & (rng.random(len(issued)) < 0.04))
    t = world.day_us(issued[pick] + rng.integers(1, 10, len(pick))) + 16 * US_PER_HOUR
    parts.append((_account_index(world, invoices, pick), t, 1, 3))

    return parts


def _account_index(world: World, table: pa.Table, rows: np.ndarray) -> np.ndarray:
    """Customer index of `table.account_id` at `rows` (the tables here are fault-free)."""
    ids = table.column("account_id").take(pa.array(rows))
    return pc.index_in(ids, value_set=world.ids).to_numpy(zero_copy_only=False).astype(np.int64)


def _comments(rng: np.random.Generator, sentiment: np.ndarray) -> pa.Array:
    """A comment on ~35% of answers, in tone with the score (0 = worst, 1 = best)."""
    pools = [COMMENTS["negative"], COMMENTS["neutral"], COMMENTS["positive"]]
    flat = np.array([c for pool in pools for c in pool], dtype=object)
    offsets = np.cumsum([0] + [len(p) for p in pools])
    tone = np.digitize(sentiment, [0.4, 0.7])
    sizes = np.diff(offsets)[tone]
    idx = offsets[tone] + (rng.random(len(tone)) * sizes).astype(np.int64)
    return _take(pa.array(flat, type=pa.string()), idx, mask=rng.random(len(tone)) >= 0.35)
