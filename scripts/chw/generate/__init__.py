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

The package: `schemas` (raw tables), `vocabulary` (fixed lists), `arrays` (helpers), `world`
(simulation and truth), one module per stream family (`accounts`, `support`, `engagement`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa

from chw.faults import inject_faults
from chw.generate.accounts import _accounts, _contacts, _invoices, _overrides, _subscriptions
from chw.generate.arrays import _rng, _write
from chw.generate.engagement import _content, _web_visits, _write_events
from chw.generate.schemas import RAW_TABLES, SCHEMAS, TRUTH_SCHEMA
from chw.generate.support import _surveys, _tickets
from chw.generate.world import World, _simulate, _truth
from chw.scenarios import Scenario
from chw.scenarios import scenario as find_scenario

__all__ = ["RAW_TABLES", "SCHEMAS", "generate"]


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

    for name, table in _tables(world, seed):
        emit(name, table)
    rows["product_events"] = _write_events(
        world, out_dir / "product_events.parquet", event_rate, fault_rate, end, say
    )
    _write_truth(world, plan, out_dir.parent / "truth")
    say("truth: latent_health and scenario written")
    return {name: rows[name] for name in RAW_TABLES if name in rows}


def _tables(world: World, seed: int) -> Iterator[tuple[str, pa.Table]]:
    """Every raw table but the product events, each drawn from a random stream of its own."""
    yield "accounts", _accounts(world, _rng(seed, "accounts"))
    yield "contacts", _contacts(world, _rng(seed, "contacts"))
    yield "subscriptions", _subscriptions(world, _rng(seed, "subscriptions"))
    invoices = _invoices(world, _rng(seed, "invoices"))
    yield "invoices", invoices
    tickets = _tickets(world, _rng(seed, "tickets"))
    yield "support_tickets", tickets
    yield "survey_responses", _surveys(world, _rng(seed, "surveys"), tickets, invoices)
    yield "web_visits", _web_visits(world, _rng(seed, "web"))
    yield "content_interactions", _content(world, _rng(seed, "content"))
    yield "csm_overrides", _overrides(world, _rng(seed, "overrides"))


def _write_truth(world: World, plan: Scenario, truth_dir: Path) -> None:
    """The latent health per account-day and the scenario's planted truth, beside raw/."""
    truth_dir.mkdir(parents=True, exist_ok=True)
    _write(truth_dir / "latent_health.parquet", [_truth(world)], TRUTH_SCHEMA)
    plan.write_truth(truth_dir)
