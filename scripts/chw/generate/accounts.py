"""The CRM and billing streams: accounts, contacts, subscriptions, invoices and CSM overrides."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from chw.generate.arrays import (
    _dates,
    _delay,
    _ids,
    _pick,
    _sigmoid,
    _table,
    _take,
    _time_of_day,
    _ts,
)
from chw.generate.schemas import US_PER_DAY, US_PER_HOUR, US_PER_MIN
from chw.generate.vocabulary import (
    CURRENCIES,
    FIRST_NAMES,
    INDUSTRIES,
    LAST_NAMES,
    OVERRIDE_REASONS,
    REGION_PEAK_UTC,
    REGIONS,
    ROLES,
    SIZE_BANDS,
    SIZE_BY_TIER,
    TIERS,
)
from chw.generate.world import World


def _accounts(world: World, rng: np.random.Generator) -> pa.Table:
    """Customers plus parent holding accounts (no contract, no activity of their own)."""
    n, n_parents = world.n, len(world.parent_ids)
    total = n + n_parents
    has_parent = world.parent_of >= 0
    # Parents: enterprise, created before their oldest child, region and CSM of a child.
    child = np.flatnonzero(has_parent)
    oldest = np.full(n_parents, np.iinfo(np.int64).max)
    np.minimum.at(oldest, world.parent_of[child], world.created_us[child])
    rep = np.zeros(n_parents, dtype=np.int64)
    rep[world.parent_of[child]] = child
    p_created = oldest - rng.integers(30, 400, n_parents) * US_PER_DAY
    tier = np.concatenate([world.tier, np.full(n_parents, 2)])
    region = np.concatenate([world.region, world.region[rep]])
    created = np.concatenate([world.created_us, p_created])
    stage = np.full(total, "active", dtype=object)
    renewal_in = np.full(n, 10**6)
    is_open = world.subs["outcome"] == -1
    renewal_in[world.subs["acct"][is_open]] = world.subs["end"][is_open] - (world.days - 1)
    stage[:n][renewal_in <= 90] = "renewal"
    stage[:n][world.created_day >= world.days - 90] = "onboarding"
    stage[:n][world.churned] = "churned"
    ids = pa.concat_arrays([world.ids, world.parent_ids])
    return _table(
        "accounts",
        {
            "account_id": ids,
            "account_name": pa.array(world.names),
            "parent_account_id": pa.concat_arrays(
                [
                    _take(world.parent_ids, np.maximum(world.parent_of, 0), mask=~has_parent),
                    pa.nulls(n_parents, pa.string()),
                ]
            ),
            "plan_tier": _take(TIERS, tier),
            "industry": _take(INDUSTRIES, rng.integers(0, len(INDUSTRIES), total)),
            "region": _take(REGIONS, region),
            "size_band": _take(SIZE_BANDS, _pick(rng, SIZE_BY_TIER[tier])),
            "csm_owner": pa.array(np.concatenate([world.csm, world.csm[rep]])),
            "created_at": _ts(created),
            "lifecycle_stage": pa.array(stage, type=pa.string()),
            "_loaded_at": _ts(created + _delay(rng, total, 30, 180)),
        },
        order=ids,
    )


def _contacts(world: World, rng: np.random.Generator) -> pa.Table:
    acct = np.repeat(np.arange(world.n), world.users)
    m = len(acct)
    rank = np.arange(m) - world.contact_off[acct]
    role = np.where(rank == 0, 0, _pick(rng, np.tile([0.04, 0.12, 0.08, 0.76], (m, 1))))
    first = FIRST_NAMES[rng.integers(0, len(FIRST_NAMES), m)]
    last = LAST_NAMES[rng.integers(0, len(LAST_NAMES), m)]
    local = pd.Series(np.char.lower(np.char.add(np.char.add(first, "."), last)))
    dup = local.groupby([acct, local]).cumcount().to_numpy()
    local = local.where(dup == 0, local + dup.astype(str))
    email = local + "@" + pd.Series(world.domains[acct])
    # Pre-window accounts gained users up to the window start; new ones on their first day.
    acct_created = world.created_us[acct]
    span = np.maximum(world.day_us(0) - acct_created, US_PER_HOUR)
    created = acct_created + np.where(
        rank == 0, 10 * US_PER_MIN, (rng.random(m) * span).astype(np.int64)
    )
    return _table(
        "contacts",
        {
            "contact_id": world.contact_ids,
            "account_id": _take(world.ids, acct),
            "email": pa.array(email.to_numpy(dtype=object), type=pa.string()),
            "role": _take(ROLES, role),
            "created_at": _ts(created),
            "_loaded_at": _ts(created + _delay(rng, m, 30, 180)),
        },
    )


def _subscription_ids(world: World) -> pa.Array:
    return _ids("S", len(world.subs["acct"]), 6)


def _subscriptions(world: World, rng: np.random.Generator) -> pa.Table:
    s = world.subs
    m = len(s["acct"])
    outcome = s["outcome"]
    is_open = outcome == -1
    status = np.select([is_open, outcome == 3], [0, 2], 1)
    # A row lands when it last changed: at its start while open, after renewal once closed.
    changed = np.where(is_open, world.day_us(s["start"]), world.day_us(s["end"] + 1))
    loaded = changed + 2 * US_PER_HOUR + _delay(rng, m, 10, 120)
    return _table(
        "subscriptions",
        {
            "subscription_id": _subscription_ids(world),
            "account_id": _take(world.ids, s["acct"]),
            "plan": _take(TIERS, world.tier[s["acct"]]),
            "seats": pa.array(s["seats"], type=pa.int32()),
            "arr": pa.array(s["arr"]),
            "mrr": pa.array(np.round(s["arr"] / 12.0, 2)),
            "currency": _take(CURRENCIES, world.currency[s["acct"]]),
            "start_date": _dates(s["start"] + world.start_day),
            "end_date": _dates(s["end"] + world.start_day),
            "status": _take(np.array(["active", "renewed", "churned"]), status),
            "outcome": _take(
                np.array(["renewed", "expanded", "contracted", "churned"]),
                np.maximum(outcome, 0),
                mask=is_open,
            ),
            "_loaded_at": _ts(loaded),
        },
    )


def _invoices(world: World, rng: np.random.Generator) -> pa.Table:
    """Monthly invoices per period; unhealthy accounts pay late or not at all."""
    s = world.subs
    sub = np.repeat(np.arange(len(s["acct"])), 12)
    month = np.tile(np.arange(12), len(s["acct"]))
    issued = s["start"][sub] + np.round(month * 365 / 12).astype(np.int64)
    keep = issued <= np.minimum(s["end"][sub], world.days - 1)
    sub, issued = sub[keep], issued[keep]
    acct = s["acct"][sub]
    m = len(sub)
    h = world.h_at(acct, issued, "billing") / 100.0
    due = issued + 30
    late_days = rng.exponential(1.0 + 40.0 * (1.0 - h) ** 2) - rng.uniform(0, 20, m)
    never = rng.random(m) < 0.25 * _sigmoid((0.35 - h) / 0.05)
    paid_us = (
        world.day_us(due)
        + (late_days * US_PER_DAY).astype(np.int64)
        + _time_of_day(rng, REGION_PEAK_UTC[world.region[acct]], 2.0)
    )
    paid_us = np.maximum(paid_us, world.day_us(issued) + US_PER_HOUR)
    void = rng.random(m) < 0.005
    unpaid = never | void | (paid_us >= world.end_us)
    status = np.select([void, unpaid], [2, 1], 0)
    changed = np.where(unpaid, world.day_us(issued) + 6 * US_PER_HOUR, paid_us)
    return _table(
        "invoices",
        {
            "invoice_id": _ids("INV", m, 7),
            "account_id": _take(world.ids, acct),
            "subscription_id": _take(_subscription_ids(world), sub),
            "amount": pa.array(np.round(s["arr"][sub] / 12.0, 2)),
            "currency": _take(CURRENCIES, world.currency[acct]),
            "issued_at": _dates(issued + world.start_day),
            "due_at": _dates(due + world.start_day),
            "paid_at": _ts(paid_us, mask=unpaid),
            "status": _take(np.array(["paid", "open", "void"]), status),
            "_loaded_at": _ts(changed + _delay(rng, m, 30, 240)),
        },
    )


def _overrides(world: World, rng: np.random.Generator) -> pa.Table:
    """~3% of customers get one CSM override valid 30-90 days; half a score, half a band."""
    first = np.maximum(world.created_day + 1, 0)
    last = np.minimum(world.last_day, world.days - 1)
    eligible = np.flatnonzero(last - first >= 30)
    k = min(len(eligible), max(2, round(0.03 * world.n)))
    acct = np.sort(rng.choice(eligible, k, replace=False))
    start = first[acct] + (rng.random(k) * (last[acct] - 30 - first[acct] + 1)).astype(np.int64)
    until = np.minimum(start + rng.integers(29, 90, k), world.days - 1)
    judged = world.h_at(acct, start) + rng.normal(0.0, 15.0, k)
    band_only = rng.random(k) < 0.5
    band = np.digitize(judged, [40.0, 70.0])
    return _table(
        "csm_overrides",
        {
            "override_id": _ids("O", k, 5),
            "account_id": _take(world.ids, acct),
            "override_score": pa.array(np.round(np.clip(judged, 0, 100)), mask=band_only),
            "override_band": _take(np.array(["red", "yellow", "green"]), band, mask=~band_only),
            "reason": _take(OVERRIDE_REASONS, rng.integers(0, len(OVERRIDE_REASONS), k)),
            "author": pa.array(world.csm[acct]),
            "valid_from": _dates(start + world.start_day),
            "valid_until": _dates(until + world.start_day),
            "_loaded_at": _ts(world.day_us(start) - _delay(rng, k, 60, 600)),
        },
    )
