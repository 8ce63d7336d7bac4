"""Product events aggregated at the edge, on hand-written events (not the generator's): an
event id is deduplicated within its day (the first delivery wins), a later batch re-screens
exactly the days it touches, however old, and an incremental build equals a full one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import dbt_in

from chw.generate import generate

END = date(2026, 6, 30)
EVENT_COLUMNS = "event_id, account_id, user_id, event_type, occurred_at, _loaded_at"
# (event_id, user, event_type, occurred_at, loaded_at[, account]); the account defaults to one
# of the base's
FIRST_BATCH = [
    (1, "u1", "login", "2026-06-10 09:00", "2026-06-11 02:00"),
    (2, "u1", "report_export", "2026-06-10 10:00", "2026-06-11 02:00"),
    (3, "u2", "login", "2026-06-10 11:00", "2026-06-11 02:00"),
    (3, "u2", "login", "2026-06-10 11:00", "2026-06-11 02:00"),  # copy in one batch
    (4, "u2", "login", "2026-06-12 08:00", "2026-06-13 02:00"),
    (5, None, "login", None, "2026-06-13 02:00"),  # no date: null_key
]
SECOND_BATCH = [
    (1, "u1", "login", "2026-06-10 09:00", "2026-06-29 02:00"),  # re-delivered 18 days late
    (6, "u3", "dashboard_view", "2026-06-10 15:00", "2026-06-29 02:00"),  # a late event
    (4, "u2", "login", "2026-06-20 08:00", "2026-06-29 02:00"),  # id 4 again, another day
    (7, "u1", "login", "2026-06-28 09:00", "2026-06-29 02:00"),
    # bad inputs: they must not touch the scores, and must not vanish either
    (8, "u1", "login", "1990-01-01 00:00", "2026-06-29 02:00"),  # a 1990 typo
    (9, "u1", "login", "2099-01-01 00:00", "2026-06-29 02:00"),  # a clock in the future
    (10, "u9", "login", "2026-06-28 10:00", "2026-06-29 02:00", "NO_SUCH_ACCOUNT"),
]


def _write_events(raw: Path, account: str, rows: list[tuple]) -> None:
    con = duckdb.connect()
    con.execute(
        "create table events (event_id bigint, account_id varchar, user_id varchar, "
        "event_type varchar, occurred_at timestamp, _loaded_at timestamp)"
    )
    con.executemany(
        "insert into events values (?, ?, ?, ?, ?, ?)",
        [(e, (rest or [account])[0], u, t, o, loaded) for e, u, t, o, loaded, *rest in rows],
    )
    con.execute(f"copy (select {EVENT_COLUMNS} from events) to '{raw / 'product_events.parquet'}'")
    con.close()


def _build(raw: Path, db: Path, *args: str) -> None:
    """The events' models and the row counts, nothing downstream."""
    models = ["+int_product_usage_daily", "+int_product_feature_usage_daily"]
    dbt_in(raw, db.parent, "run", *args, "--select", *models, "+agg_source_row_counts")


def _rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return sorted(con.execute(sql).fetchall(), key=repr)
    finally:
        con.close()


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    root = tmp_path_factory.mktemp("edge")
    raw = root / "raw"
    generate(raw, accounts=8, days=60, seed=5, end_date=END)
    accounts = raw / "accounts.parquet"
    account = duckdb.sql(f"select min(account_id) from read_parquet('{accounts}')").fetchall()[0][0]
    incremental, full = root / "incremental" / "build.duckdb", root / "full" / "build.duckdb"
    for db in (incremental, full):
        (db.parent / "tmp").mkdir(parents=True)
        dbt_in(raw, db.parent, "seed")
    _write_events(raw, account, FIRST_BATCH)
    _build(raw, incremental, "--full-refresh")
    _write_events(raw, account, FIRST_BATCH + SECOND_BATCH)
    _build(raw, incremental)
    _build(raw, full, "--full-refresh")
    return incremental, full, account


def test_first_delivery_wins_within_the_day(builds: tuple[Path, Path, str]) -> None:
    incremental, _, account = builds
    users = _rows(
        incremental,
        "select activity_date, user_id, events from staging.base_product__product_events "
        f"where grain = 'user' and account_id = '{account}'",
    )
    assert users == sorted(
        [
            (date(2026, 6, 10), "u1", 2),  # events 1 and 2; 1's late re-delivery is a copy
            (date(2026, 6, 10), "u2", 1),  # event 3 once, though delivered twice
            (date(2026, 6, 10), "u3", 1),  # the late event counts on its own day
            (date(2026, 6, 12), "u2", 1),
            (date(2026, 6, 20), "u2", 1),  # id 4 on another day is another event
            (date(2026, 6, 28), "u1", 1),
        ],
        key=repr,
    )
    rejected = _rows(
        incremental,
        "select event_id, quarantine_reason, loaded_at from staging.base_product__product_events "
        "where grain = 'event'",
    )
    assert [(e, reason) for e, reason, _ in rejected] == sorted(
        [
            (1, "duplicate"),
            (3, "duplicate"),
            (5, "null_key"),
            (8, "implausible_timestamp"),
            (9, "future_timestamp"),
            (10, "orphan_account"),
        ],
        key=repr,
    )
    late_copy = next(loaded for e, _, loaded in rejected if e == 1)
    assert late_copy.date() == date(2026, 6, 29)  # the later delivery is the copy


def test_usage_counts_late_events_and_raw_equals_accepted_plus_quarantined(
    builds: tuple[Path, Path, str],
) -> None:
    incremental, _, account = builds
    usage = _rows(
        incremental,
        "select activity_date, events, active_users from intermediate.int_product_usage_daily "
        f"where account_id = '{account}' and activity_date = date '2026-06-10'",
    )
    assert usage == [(date(2026, 6, 10), 4, 3)]
    counts = _rows(
        incremental,
        "select raw_rows, accepted_rows, quarantined_rows from marts.agg_source_row_counts "
        "where source_table = 'product.product_events'",
    )
    assert counts == [(13, 7, 6)]
    # the bad rows published nothing: no day in 1990 or 2099, no unknown account
    stray = _rows(
        incremental,
        "select count(*) from intermediate.int_product_usage_daily where account_id != "
        f"'{account}' or activity_date not between date '2026-06-01' and date '2026-06-30'",
    )
    assert stray == [(0,)]


@pytest.mark.parametrize(
    "table",
    [
        "staging.base_product__product_events",
        "intermediate.int_product_usage_daily",
        "intermediate.int_product_feature_usage_daily",
    ],
)
def test_incremental_equals_full_refresh(builds: tuple[Path, Path, str], table: str) -> None:
    incremental, full, _ = builds
    assert _rows(incremental, f"select * from {table}") == _rows(full, f"select * from {table}")
