"""Synthetic raw data for the customer health warehouse (SPEC §4).

Every customer account has a latent health h[a, d] in 0..100 that drifts day by day. It drives
every raw signal with noise (usage, web and content engagement, surveys, tickets, late or
missing payments) and the churn decision at each renewal, so a health score computed from the
raw tables can be backtested against the recorded outcomes. The latent health itself is written
as ground truth beside the raw directory, never as a raw table. A scenario (chw.scenarios) can
give a family of signals a latent of its own, or leave sources out, to plant a known truth.

Everything is vectorised numpy; the product event stream (about 27 events per account-day) is
generated and written in chunks of days so 100M events fit in a few GB of RAM. Each table draws
from its own random stream derived from the seed, so the output is byte-identical for the same
arguments.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from chw.faults import inject_faults
from chw.scenarios import Scenario
from chw.scenarios import scenario as find_scenario

TS = pa.timestamp("us")
US_PER_MIN = 60_000_000
US_PER_HOUR = 60 * US_PER_MIN
US_PER_DAY = 24 * US_PER_HOUR
EPOCH = date(1970, 1, 1)

RAW_TABLES = (
    "accounts",
    "contacts",
    "csm_overrides",
    "product_events",
    "web_visits",
    "content_interactions",
    "survey_responses",
    "subscriptions",
    "invoices",
    "support_tickets",
)

_S = pa.string()
SCHEMAS: dict[str, pa.Schema] = {
    "accounts": pa.schema(
        [
            ("account_id", _S),
            ("account_name", _S),
            ("parent_account_id", _S),
            ("plan_tier", _S),
            ("industry", _S),
            ("region", _S),
            ("size_band", _S),
            ("csm_owner", _S),
            ("created_at", TS),
            ("lifecycle_stage", _S),
            ("_loaded_at", TS),
        ]
    ),
    "contacts": pa.schema(
        [
            ("contact_id", _S),
            ("account_id", _S),
            ("email", _S),
            ("role", _S),
            ("created_at", TS),
            ("_loaded_at", TS),
        ]
    ),
    "csm_overrides": pa.schema(
        [
            ("override_id", _S),
            ("account_id", _S),
            ("override_score", pa.float64()),
            ("override_band", _S),
            ("reason", _S),
            ("author", _S),
            ("valid_from", pa.date32()),
            ("valid_until", pa.date32()),
            ("_loaded_at", TS),
        ]
    ),
    "product_events": pa.schema(
        [
            ("event_id", pa.int64()),
            ("account_id", _S),
            ("user_id", _S),
            ("event_type", _S),
            ("occurred_at", TS),
            ("_loaded_at", TS),
        ]
    ),
    "web_visits": pa.schema(
        [
            ("visit_id", _S),
            ("account_id", _S),
            ("pages", pa.int32()),
            ("duration_seconds", pa.int32()),
            ("occurred_at", TS),
            ("_loaded_at", TS),
        ]
    ),
    "content_interactions": pa.schema(
        [
            ("interaction_id", _S),
            ("account_id", _S),
            ("contact_id", _S),
            ("content_type", _S),
            ("occurred_at", TS),
            ("_loaded_at", TS),
        ]
    ),
    "survey_responses": pa.schema(
        [
            ("response_id", _S),
            ("account_id", _S),
            ("contact_id", _S),
            ("survey_type", _S),
            ("score", pa.int32()),
            ("touchpoint", _S),
            ("comment", _S),
            ("responded_at", TS),
            ("_loaded_at", TS),
        ]
    ),
    "subscriptions": pa.schema(
        [
            ("subscription_id", _S),
            ("account_id", _S),
            ("plan", _S),
            ("seats", pa.int32()),
            ("arr", pa.float64()),
            ("mrr", pa.float64()),
            ("currency", _S),
            ("start_date", pa.date32()),
            ("end_date", pa.date32()),
            ("status", _S),
            ("outcome", _S),
            ("_loaded_at", TS),
        ]
    ),
    "invoices": pa.schema(
        [
            ("invoice_id", _S),
            ("account_id", _S),
            ("subscription_id", _S),
            ("amount", pa.float64()),
            ("currency", _S),
            ("issued_at", pa.date32()),
            ("due_at", pa.date32()),
            ("paid_at", TS),
            ("status", _S),
            ("_loaded_at", TS),
        ]
    ),
    "support_tickets": pa.schema(
        [
            ("ticket_id", _S),
            ("account_id", _S),
            ("opened_at", TS),
            ("first_response_at", TS),
            ("resolved_at", TS),
            ("priority", _S),
            ("category", _S),
            ("is_escalated", pa.bool_()),
            ("reopened_count", pa.int32()),
            ("csat_score", pa.int32()),
            ("_loaded_at", TS),
        ]
    ),
}
TRUTH_SCHEMA = pa.schema(
    [("account_id", _S), ("day", pa.date32()), ("latent_health", pa.float64())]
)

# --- segments ------------------------------------------------------------------------------
TIERS = np.array(["starter", "growth", "enterprise"])
TIER_MIX = [0.5, 0.35, 0.15]
TIER_USERS = np.array([0.5, 1.0, 2.5])  # x users_per_account
TIER_TICKETS = np.array([0.6, 1.0, 2.0])  # ticket volume factor
TIER_ARR = np.array([[5e3, 15e3], [20e3, 80e3], [100e3, 500e3]])  # USD, log-uniform
TIER_HEALTH = np.array([-2.0, 0.0, 4.0])  # enterprise is a little healthier on average
SIZE_BANDS = np.array(["smb", "mid", "large"])
SIZE_BY_TIER = np.array([[0.8, 0.2, 0.0], [0.25, 0.6, 0.15], [0.0, 0.2, 0.8]])
REGIONS = np.array(["amer", "emea", "apac"])
REGION_MIX = [0.5, 0.35, 0.15]
REGION_PEAK_UTC = np.array([18.0, 12.0, 4.0])  # busiest hour of the working day, in UTC
CURRENCIES = np.array(["USD", "EUR", "GBP"])
CURRENCY_BY_REGION = np.array([[1.0, 0.0, 0.0], [0.15, 0.55, 0.30], [1.0, 0.0, 0.0]])
FX_FROM_USD = np.array([1.0, 0.92, 0.79])
INDUSTRIES = np.array(
    [
        "software",
        "fintech",
        "healthcare",
        "retail",
        "manufacturing",
        "education",
        "media",
        "logistics",
        "professional_services",
        "public_sector",
    ]
)
FEATURES = np.array(
    [
        "login",
        "dashboard_view",
        "search",
        "report_view",
        "report_export",
        "alert_create",
        "workflow_run",
        "integration_sync",
        "api_call",
        "admin_settings",
    ]
)
ROLES = np.array(["admin", "champion", "executive", "user"])


def _words(text: str) -> np.ndarray:
    return np.array(text.split())


# --- names ---------------------------------------------------------------------------------
FIRST_NAMES = _words(
    "Ada Alan Amara Ana Andre Anika Ben Bianca Carlos Chen Chloe Dana David Diego Elena Emma "
    "Farah Felix Grace Hana Hugo Ines Isaac Ivan Jade James Jonas Julia Kai Kenji Lara Leo Lina "
    "Lucas Maya Mei Mia Nadia Noah Nora Olga Omar Oscar Paula Priya Rafael Rosa Sam Sara Sofia "
    "Tariq Theo Uma Victor Wen Yara Yusuf Zoe Liam Aisha"
)
LAST_NAMES = _words(
    "Abbott Adams Alvarez Baker Becker Brown Campbell Chen Costa Dubois Evans Fischer Garcia "
    "Gomez Green Hansen Hughes Ibrahim Ito Jensen Jones Kaur Khan Kim Klein Kowalski Lambert "
    "Larsen Lee Lopez Martin Meyer Moreau Murphy Nakamura Nguyen Novak Okafor Olsen Patel "
    "Perez Petrov Quinn Rossi Sato Schmidt Silva Singh Smith Suzuki Tanaka Taylor Walker Wang "
    "Weber Williams Wilson Wright Young Zhang"
)
NAME_PREFIXES = _words(
    "Acme Apex Arc Atlas Aurora Beacon Birch Blue Bright Cedar Clear Cobalt Coral Crest Delta "
    "Echo Ember Evergreen Falcon First Forge Golden Granite Harbor Horizon Indigo Iron Juniper "
    "Keystone Lumen Maple Meridian Metro Nimbus North Nova Oak Orbit Pacific Peak Pine Pioneer "
    "Prairie Quantum Red River Sage Silver Solar Spring Stellar Summit Swift Terra Titan True "
    "Union Vertex Vista West Willow Zenith"
)
NAME_NOUNS = _words(
    "Analytics Bakery Bank Bio Brands Capital Cloud Data Design Dynamics Energy Foods Freight "
    "Health Holdings Industries Insights Labs Learning Logistics Media Medical Metrics Mobility "
    "Networks Outfitters Pharma Retail Robotics Security Software Solutions Studios Supply "
    "Systems Telecom Textiles Therapeutics Travel Ventures Works"
)
NAME_FORMS = np.array(["Inc", "LLC", "Ltd", "GmbH", "Group", "Co", "plc", "SA", "BV", "AG"])
TLDS = np.array(["com", "io", "co", "net"])

COMMENTS = {
    "positive": [
        "Great product, our team uses it every day.",
        "Support was fast and friendly.",
        "The new dashboards are exactly what we needed!",
        'Our CFO called it "the best tool we bought this year".',
        "Onboarding was smooth; <b>thank you</b> to the team.",
        "Love the integrations, it's saved us hours each week.",
    ],
    "neutral": [
        "It does the job.",
        "Works fine, a few reports are slow.",
        "Would like more export options.",
        "OK overall; documentation could be clearer.",
        "Pricing is a bit high for what we use.",
    ],
    "negative": [
        "Too many bugs lately.",
        "We are evaluating alternatives.",
        "Support took days to answer an urgent ticket.",
        "The <b>outage</b> last week hurt our team badly.",
        "Hard to use; our users don't log in anymore.",
        'Billing charged us twice; "unacceptable".',
    ],
}
OVERRIDE_REASONS = np.array(
    [
        "Executive sponsor left the company",
        "Strong renewal signals from the champion",
        "Acquisition in progress; usage will drop temporarily",
        "Budget freeze announced on QBR",
        "Expansion deal in negotiation",
        "Escalation resolved, relationship recovered",
        "Seasonal business, low usage is expected",
        "Competitor evaluation confirmed by champion",
    ]
)

EVENT_SCALE = 1.8  # ~27 events per (accounts x days), i.e. ~100M at 10,000 x 365
EVENT_CHUNK_ROWS = 3_000_000


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


def generate(
    out_dir: Path,
    *,
    accounts: int = 300,
    days: int = 365,
    users_per_account: int = 12,
    event_rate: float = 1.0,
    seed: int = 42,
    end_date: date | None = None,
    fault_rate: float = 0.0,
    scenario: str = "baseline",
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Write the raw tables as `out_dir/<table>.parquet` and return the rows written per table.

    accounts: number of customer accounts (parent holding accounts, ~8% of all, come on top).
    days: length of the window, which ends on `end_date` (default: yesterday, UTC).
    users_per_account: contacts of a growth account (starter ~0.5x, enterprise ~2.5x).
    event_rate: multiplier on product events per active user.
    fault_rate: share of rows damaged with each bad-input kind (see chw.faults); 0 = clean.
    scenario: a world of chw.scenarios (what drives churn, which sources are absent); the
        tables of absent sources are not written (an old file of theirs is removed).
    progress: called with a short message after each table and each event chunk.

    The ground truth (account_id, day, latent_health) goes to
    `out_dir.parent / "truth" / "latent_health.parquet"`, the planted truth of the scenario to
    `truth/scenario.json`. Same arguments, same bytes.
    """
    if accounts < 1 or days < 1 or users_per_account < 1 or event_rate < 0 or seed < 0:
        raise ValueError("accounts, days and users_per_account must be >= 1; rates, seed >= 0")
    if not 0 <= fault_rate < 0.1:
        raise ValueError("fault_rate must be in [0, 0.1)")
    plan = find_scenario(scenario)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    say = progress or (lambda _msg: None)
    end = end_date or (datetime.now(UTC).date() - timedelta(days=1))
    world = _simulate(seed, accounts, days, users_per_account, end, plan)
    say(f"simulated {accounts:,} accounts over {days} days ({plan.name})")

    rows: dict[str, int] = {}

    def emit(name: str, table: pa.Table) -> None:
        if name in plan.absent_sources:
            (out_dir / f"{name}.parquet").unlink(missing_ok=True)
            return
        if fault_rate > 0:
            table = inject_faults(
                table, name, fault_rate, _rng(seed, f"faults/{name}"), end_date=end
            )
        _write(out_dir / f"{name}.parquet", [table], SCHEMAS[name])
        rows[name] = table.num_rows
        say(f"{name}: {table.num_rows:,} rows")

    emit("accounts", _accounts(world, _rng(seed, "accounts")))
    emit("contacts", _contacts(world, _rng(seed, "contacts")))
    emit("subscriptions", _subscriptions(world, _rng(seed, "subscriptions")))
    invoices = _invoices(world, _rng(seed, "invoices"))
    emit("invoices", invoices)
    tickets = _tickets(world, _rng(seed, "tickets"))
    emit("support_tickets", tickets)
    emit("survey_responses", _surveys(world, _rng(seed, "surveys"), tickets, invoices))
    emit("web_visits", _web_visits(world, _rng(seed, "web")))
    emit("content_interactions", _content(world, _rng(seed, "content")))
    emit("csm_overrides", _overrides(world, _rng(seed, "overrides")))
    rows["product_events"] = _write_events(
        world, out_dir / "product_events.parquet", event_rate, fault_rate, end, say
    )
    truth_dir = out_dir.parent / "truth"
    truth_dir.mkdir(parents=True, exist_ok=True)
    _write(truth_dir / "latent_health.parquet", [_truth(world)], TRUTH_SCHEMA)
    plan.write_truth(truth_dir)
    say("truth: latent_health and scenario written")
    return {name: rows[name] for name in RAW_TABLES if name in rows}


# --- helpers -------------------------------------------------------------------------------


def _rng(seed: int, stream: str) -> np.random.Generator:
    """An independent random stream per table: changing one table never shifts another."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, *stream.encode()])))


def _ids(prefix: str, n: int, width: int, start: int = 1) -> pa.Array:
    """'<prefix><zero-padded number>' ids, built in Arrow (no Python string loop)."""
    nums = pc.cast(pa.array(np.arange(start, start + n, dtype=np.int64)), pa.string())
    return pc.binary_join_element_wise(prefix, pc.utf8_lpad(nums, width=width, padding="0"), "")


def _take(values: pa.Array | np.ndarray, idx: np.ndarray, mask: np.ndarray | None = None):
    """values[idx] as an Arrow array; rows where `mask` is True become null."""
    if isinstance(values, np.ndarray):
        values = pa.array(values)
    return values.take(pa.array(np.asarray(idx, dtype=np.int64), mask=mask))


def _ts(us: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    return pa.array(np.asarray(us, dtype=np.int64), type=TS, mask=mask)


def _dates(epoch_days: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(epoch_days, dtype=np.int32), type=pa.date32())


def _pick(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One categorical draw per row of a (rows, k) probability matrix."""
    u = rng.random(len(probs))[:, None]
    return np.minimum((u > np.cumsum(probs, axis=1)).sum(axis=1), probs.shape[1] - 1)


def _time_of_day(rng: np.random.Generator, peak_hour: np.ndarray, sd_hours: float) -> np.ndarray:
    """Microseconds into the UTC day, around each row's regional working-day peak."""
    sec = np.mod(rng.normal(peak_hour * 3600.0, sd_hours * 3600.0), 86_400.0)
    return (sec * 1e6).astype(np.int64)


def _delay(rng: np.random.Generator, n: int, min_minutes: float, mean_minutes: float):
    """EL landing delay in microseconds: a floor plus an exponential tail."""
    return ((min_minutes + rng.exponential(mean_minutes, n)) * US_PER_MIN).astype(np.int64)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(account, day) index of every row of an (accounts, days) count matrix."""
    flat = np.repeat(np.arange(counts.size), counts.ravel())
    return np.divmod(flat, counts.shape[1])


def _weekend(world: World) -> np.ndarray:
    # 1970-01-01 was a Thursday: weekday = (epoch_day + 3) % 7 with Monday = 0.
    return (np.arange(world.days) + world.start_day + 3) % 7 >= 5


def _write(path: Path, tables: Iterable[pa.Table], schema: pa.Schema) -> int:
    """Write tables as row groups of one Parquet file, atomically; return rows written."""
    tmp = path.with_name(path.name + ".tmp")
    rows = 0
    with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
        for table in tables:
            writer.write_table(table.cast(schema), row_group_size=1 << 20)
            rows += table.num_rows
    tmp.replace(path)
    return rows


def _table(name: str, columns: dict[str, pa.Array], order: pa.Array | None = None) -> pa.Table:
    table = pa.table(columns).select(SCHEMAS[name].names).cast(SCHEMAS[name])
    return table if order is None else table.take(pc.sort_indices(order))


# --- the simulation ------------------------------------------------------------------------


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


# --- raw tables ----------------------------------------------------------------------------


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
