"""The simulated customers: attributes, latent health, contract history and ground truth."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pyarrow as pa

from chw.generate.arrays import _dates, _ids, _pick, _rng, _sigmoid, _take, _time_of_day
from chw.generate.schemas import EPOCH, TRUTH_SCHEMA, US_PER_DAY
from chw.generate.vocabulary import (
    CURRENCY_BY_REGION,
    FIRST_NAMES,
    FX_FROM_USD,
    LAST_NAMES,
    NAME_FORMS,
    NAME_NOUNS,
    NAME_PREFIXES,
    REGION_MIX,
    REGION_PEAK_UTC,
    TIER_ARR,
    TIER_HEALTH,
    TIER_MIX,
    TIER_USERS,
    TLDS,
)
from chw.scenarios import Scenario


@dataclass
class World:
    """The simulated customers: attributes, latent health and contract history.

    Arrays are indexed by customer (0..n-1); parent holding accounts live only in the accounts
    table. Day indices are relative to the window start (negative = before the window).
    """

    seed: int
    start_day: int  # window start, days since 1970-01-01
    days: int
    ids: pa.Array  # customer account ids
    parent_ids: pa.Array  # parent holding account ids
    parent_of: np.ndarray  # parent index per customer, -1 for top-level accounts
    names: np.ndarray  # company names, customers then parents
    domains: np.ndarray  # web domains, customers then parents
    tier: np.ndarray
    region: np.ndarray
    currency: np.ndarray
    csm: np.ndarray  # csm owner names
    created_day: np.ndarray
    created_us: np.ndarray
    users: np.ndarray  # contacts per account
    contact_off: np.ndarray  # index of each account's first contact
    contact_ids: pa.Array
    health: np.ndarray  # (n, days)
    last_day: np.ndarray  # last day of activity (churn end date or window end)
    churned: np.ndarray
    subs: dict[str, np.ndarray]
    signals: dict[str, np.ndarray] = field(default_factory=dict)  # scenario: family -> latent

    @property
    def n(self) -> int:
        return len(self.tier)

    @property
    def end_us(self) -> int:
        """First microsecond after the window."""
        return int(self.day_us(self.days))

    def day_us(self, day: np.ndarray | int) -> np.ndarray:
        """Midnight (UTC, epoch microseconds) of window day index `day`."""
        return (np.asarray(day, dtype=np.int64) + self.start_day) * US_PER_DAY

    def active(self, d0: int = 0, d1: int | None = None) -> np.ndarray:
        """(n, days) mask of days with activity: after creation, up to the churn end date."""
        d = np.arange(d0, self.days if d1 is None else d1)
        return (d > self.created_day[:, None]) & (d <= self.last_day[:, None])

    def signal(self, family: str) -> np.ndarray:
        """(n, days) latent that drives a family of signals: the health unless the scenario
        gives the family its own (see chw.scenarios)."""
        return self.signals.get(family, self.health)

    def h_at(self, acct: np.ndarray, day: np.ndarray, family: str = "health") -> np.ndarray:
        """Latent of `family` (default: health) on window day `day` (clamped into the window)."""
        return self.signal(family)[acct, np.clip(day, 0, self.days - 1)]


def _weekend(world: World) -> np.ndarray:
    # 1970-01-01 was a Thursday: weekday = (epoch_day + 3) % 7 with Monday = 0.
    return (np.arange(world.days) + world.start_day + 3) % 7 >= 5


def _simulate(
    seed: int, n: int, days: int, users_per_account: int, end: date, plan: Scenario
) -> World:
    rng = _rng(seed, "world")
    start_day = (end - EPOCH).days - days + 1
    tier = rng.choice(3, n, p=TIER_MIX)
    region = rng.choice(3, n, p=REGION_MIX)
    currency = _pick(rng, CURRENCY_BY_REGION[region])
    csm_pool = _person_names(rng, max(4, min(40, n // 60)))
    csm = csm_pool[rng.integers(0, len(csm_pool), n)]
    # ~10% onboard inside the window; the rest renew once inside it (their current 12-month
    # period started in the year before the window) and were created 0-4 years earlier.
    new = rng.random(n) < 0.10
    period_start = np.where(new, rng.integers(0, days, n), -rng.integers(1, 365, n))
    created_day = np.where(new, period_start, period_start - 365 * rng.integers(0, 5, n))
    created_us = (created_day + start_day) * US_PER_DAY + _time_of_day(
        rng, REGION_PEAK_UTC[region], 2.0
    )
    # ~8% of all accounts are parent holdings with 2-5 customer children each.
    n_parents = min(round(n * 0.08 / 0.92), n // 5)
    kids = rng.integers(2, 6, n_parents)
    parent_of = np.full(n, -1)
    parent_of[rng.choice(n, int(kids.sum()), replace=False)] = np.repeat(np.arange(n_parents), kids)
    csm[parent_of >= 0] = csm_pool[parent_of[parent_of >= 0] % len(csm_pool)]
    # Ids are shuffled so parents and customers interleave like a real CRM.
    ids = _ids("A", n + n_parents, 6).take(pa.array(rng.permutation(n + n_parents)))
    names, domains = _company_names(rng, n + n_parents)
    factor = TIER_USERS[tier] * rng.lognormal(0.0, 0.3, n)
    users = np.maximum(1, rng.poisson(users_per_account * factor))
    contact_off = np.concatenate([[0], np.cumsum(users)[:-1]])
    health = _simulate_health(rng, tier, created_day, days)
    signals = plan.signals(
        health,
        lambda: _simulate_health(_rng(seed, "churn-free latent"), tier, created_day, days),
    )
    world = World(
        seed=seed,
        start_day=start_day,
        days=days,
        ids=ids.slice(0, n),
        parent_ids=ids.slice(n),
        parent_of=parent_of,
        names=names,
        domains=domains,
        tier=tier,
        region=region,
        currency=currency,
        csm=csm,
        created_day=created_day,
        created_us=created_us,
        users=users,
        contact_off=contact_off,
        contact_ids=_ids("C", int(users.sum()), 7),
        health=health,
        last_day=np.full(n, days - 1),
        churned=np.zeros(n, dtype=bool),
        subs={},
        signals=signals,
    )
    _simulate_contracts(rng, world, period_start)
    return world


def _simulate_health(
    rng: np.random.Generator, tier: np.ndarray, created_day: np.ndarray, days: int
) -> np.ndarray:
    """Mean-reverting AR(1) around a level with a slow per-account trend and rare shocks."""
    n = len(tier)
    level = np.clip(rng.normal(57.5, 15.0, n) + TIER_HEALTH[tier], 12.0, 95.0)
    kind = rng.random(n)
    slope = (
        np.select(
            [kind < 0.22, kind < 0.37],
            [-rng.uniform(15, 45, n), rng.uniform(10, 30, n)],
            rng.normal(0.0, 3.0, n),
        )
        / 365.0
    )
    phi, sigma = 0.95, 2.5
    dev = rng.normal(0.0, sigma / np.sqrt(1 - phi**2), n)
    origin = np.maximum(created_day, 0)
    health = np.empty((n, days))
    for d in range(days):
        shock = np.where(rng.random(n) < 0.004, rng.normal(-18.0, 8.0, n), 0.0)
        dev = phi * dev + rng.normal(0.0, sigma, n) + shock
        health[:, d] = level + slope * (d - origin) + dev
    return np.clip(health, 0.0, 100.0)


def _simulate_contracts(rng: np.random.Generator, world: World, period_start: np.ndarray) -> None:
    """12-month periods; churn at renewal with p = sigmoid((38 - 30-day mean health) / 5)."""
    n, days = world.n, world.days
    arr_usd = np.exp(rng.uniform(*np.log(TIER_ARR[world.tier]).T))
    arr = np.round(arr_usd * FX_FROM_USD[world.currency], -2)
    seats = np.ceil(world.users * rng.uniform(1.0, 1.4, n)).astype(np.int64)
    cum = _cumulative(world.health)
    # Expansion and contraction follow the billing latent (the health unless a scenario says).
    billing = world.signal("billing")
    cum_b = cum if billing is world.health else _cumulative(billing)
    start = period_start.copy()
    live = np.ones(n, dtype=bool)
    parts: list[dict[str, np.ndarray]] = []
    while live.any():
        end = start + 364
        closing = live & (end <= days - 1)
        idx = np.flatnonzero(live)
        outcome = np.full(n, -1)  # -1 open, 0 renewed, 1 expanded, 2 contracted, 3 churned
        c = np.flatnonzero(closing)
        lo = np.maximum(end[c] - 29, np.maximum(world.created_day[c], 0))
        mean_h = (cum[c, end[c] + 1] - cum[c, lo]) / (end[c] + 1 - lo)
        churn = rng.random(len(c)) < _sigmoid((38.0 - mean_h) / 5.0)
        mean_b = (cum_b[c, end[c] + 1] - cum_b[c, lo]) / (end[c] + 1 - lo)
        p_up = 0.45 * _sigmoid((mean_b - 65.0) / 7.0)
        p_down = 0.5 * _sigmoid((45.0 - mean_b) / 6.0)
        u = rng.random(len(c))
        outcome[c] = np.select([churn, u < p_up, u < p_up + p_down], [3, 1, 2], 0)
        parts.append(
            {
                "acct": idx,
                "start": start[idx],
                "end": end[idx],
                "seats": seats[idx],
                "arr": arr[idx],
                "outcome": outcome[idx],
            }
        )
        world.churned[c[churn]] = True
        world.last_day[c[churn]] = end[c[churn]]
        # The next period starts the day after the renewal date, resized by the outcome.
        grow = np.select(
            [outcome == 1, outcome == 2],
            [rng.uniform(1.1, 1.5, n), rng.uniform(0.6, 0.9, n)],
            1.0,
        )
        new_seats = np.maximum(1, np.round(seats * grow)).astype(np.int64)
        uplift = np.where(outcome == 0, 1.03, 1.0)
        arr = np.where(closing, np.round(arr * uplift * new_seats / seats, -2), arr)
        seats = np.where(closing, new_seats, seats)
        start = np.where(closing, end + 1, start)
        live = closing & (outcome != 3)
    subs = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    order = np.lexsort((subs["start"], subs["acct"]))
    world.subs = {k: v[order] for k, v in subs.items()}


def _cumulative(latent: np.ndarray) -> np.ndarray:
    """Running sums per account with a leading 0: day means over [a, b) in one subtraction."""
    return np.concatenate([np.zeros((len(latent), 1)), np.cumsum(latent, axis=1)], axis=1)


def _person_names(rng: np.random.Generator, n: int) -> np.ndarray:
    first = FIRST_NAMES[rng.integers(0, len(FIRST_NAMES), n)]
    last = LAST_NAMES[rng.integers(0, len(LAST_NAMES), n)]
    return np.char.add(np.char.add(first, " "), last)


def _company_names(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Company names and their web domains, from word lists (some with ' or &)."""

    def word(pool: np.ndarray) -> np.ndarray:
        return pool[rng.integers(0, len(pool), n)]

    pre, noun, form = word(NAME_PREFIXES), word(NAME_NOUNS), word(NAME_FORMS)
    sur1, sur2 = word(LAST_NAMES), word(LAST_NAMES)
    style = rng.choice(4, n, p=[0.55, 0.15, 0.12, 0.18])
    join = np.char.add
    names = np.select(
        [style == 0, style == 1, style == 2],
        [
            join(join(join(join(pre, " "), noun), " "), form),
            join(join(sur1, " & "), sur2),
            join(join(sur1, "'s "), noun),
        ],
        join(join(pre, np.char.lower(noun)), " Technologies"),
    )
    stem = np.select(
        [style == 1, style == 2], [join(sur1, sur2), join(sur1, noun)], join(pre, noun)
    )
    domains = join(join(np.char.lower(stem), "."), word(TLDS))
    return names, domains


def _truth(world: World) -> pa.Table:
    d = np.arange(world.days)
    alive = (d >= world.created_day[:, None]) & (d <= world.last_day[:, None])
    acct, day = np.nonzero(alive)
    return pa.table(
        {
            "account_id": _take(world.ids, acct),
            "day": _dates(day + world.start_day),
            "latent_health": pa.array(np.round(world.health[acct, day], 3)),
        },
        schema=TRUTH_SCHEMA,
    )
