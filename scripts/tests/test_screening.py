"""Screening guards the marts (issue 17): bad rows planted in real raw files are quarantined
with a reason and never reach the scores, a watermark never passes the run's start, and
time-zone-aware raw timestamps give the same marts whatever the host's zone.

One planted data set carries every fault at once; it is built twice (host zone UTC and
America/Los_Angeles) and the asserts share those builds.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import END_DATE, Workspace, make_workspace

from chw.publish import content_fingerprint
from chw.settings import PROJECT_DIR

FIRST_EVENT = 10_000_000_000  # ids of planted events, far above the generator's
EVENTS_IN_1900 = 1000  # every 1000th event is dated 1900-01-01 (0.1%)
TIED_VISIT = "V000000100"
BAD_MONEY = {"BAD_HUGE": "1e300", "BAD_NAN": "'nan'", "BAD_INF": "'inf'"}


def _plant(raw: Path) -> None:
    """Plant the faults of issue 17 into a generated raw folder, in place."""
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")  # the planted instants are the generator's UTC ones
    events, subs = raw / "product_events.parquet", raw / "subscriptions.parquet"
    con.execute(f"create table events as select * from read_parquet('{events}')")
    # one event dated 1990, 0.1% dated 1900, one landed in 2099
    con.execute(
        f"insert into events select * replace ({FIRST_EVENT} as event_id, "
        "timestamp '1990-03-01 10:00:00' as occurred_at) from events "
        "where event_id = (select min(event_id) from events)"
    )
    con.execute(
        f"update events set occurred_at = timestamp '1900-01-01' "
        f"where event_id % {EVENTS_IN_1900} = 1 and event_id < {FIRST_EVENT}"
    )
    con.execute(
        f"insert into events select * replace ({FIRST_EVENT + 1} as event_id, "
        "timestamp '2099-01-01 00:00:00' as _loaded_at) from events "
        f"where event_id = (select max(event_id) from events where event_id < {FIRST_EVENT})"
    )
    # the same instants as TIMESTAMPTZ (Parquet isAdjustedToUTC)
    con.execute(
        "copy (select * replace (cast(occurred_at as timestamptz) as occurred_at, "
        f"cast(_loaded_at as timestamptz) as _loaded_at) from events) to '{events}' "
        "(format parquet)"
    )
    con.execute(f"create table subs as select * from read_parquet('{subs}')")
    # every contract again under a new id, at 100x its ARR, landed with the original
    con.execute(
        "insert into subs select * replace ('X' || subscription_id as subscription_id, "
        "arr * 100 as arr, mrr * 100 as mrr) from subs"
    )
    for sub_id, value in BAD_MONEY.items():
        con.execute(
            f"insert into subs select * replace ('{sub_id}' as subscription_id, "
            f"cast({value} as double) as arr, start_date + 1 as start_date) from subs "
            "where subscription_id = (select min(subscription_id) from subs)"
        )
    con.execute(f"copy subs to '{subs}' (format parquet)")
    # a second version of a visit, landed at the same instant with other values
    visits = raw / "web_visits.parquet"
    con.execute(f"create table visits as select * from read_parquet('{visits}')")
    con.execute(
        f"insert into visits select * replace (pages + 1 as pages) from visits "
        f"where visit_id = '{TIED_VISIT}'"
    )
    con.execute(f"copy visits to '{visits}' (format parquet)")
    con.close()


@dataclass(frozen=True)
class Planted:
    utc: Workspace
    pacific: Workspace
    utc_marts: dict[str, dict[str, object]]
    pacific_marts: dict[str, dict[str, object]]


def _run(workspace: Workspace, zone: str) -> None:
    """`chw run` as a user on a host whose time zone is `zone`. Half the contracts are planted
    copies, so the publication audit stops a plain run (its quarantine-share check): the user
    who has looked publishes with --accept-drop, and the marts must then be right."""
    result = subprocess.run(
        [str(Path(sys.executable).with_name("chw")), "run", "--accept-drop"],
        env={**workspace.env(), "TZ": zone},
        capture_output=True,
        text=True,
        timeout=600,
        cwd=PROJECT_DIR,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Planted:
    utc = make_workspace(tmp_path_factory.mktemp("planted_utc"), accounts=60)
    _plant(utc.paths.raw)
    pacific = Workspace(tmp_path_factory.mktemp("planted_pacific"))
    shutil.copytree(utc.paths.raw, pacific.paths.raw)
    _run(utc, "UTC")
    _run(pacific, "America/Los_Angeles")
    return Planted(
        utc,
        pacific,
        content_fingerprint(utc.paths.published_db),
        content_fingerprint(pacific.paths.published_db),
    )


def _query(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _reasons(workspace: Workspace, source_table: str) -> dict[str, str]:
    rows = _query(
        workspace.paths.published_db,
        "select record_key, quarantine_reason from marts.fct_quarantined_rows "
        f"where source_table = '{source_table}'",
    )
    return dict(rows)


def test_an_event_dated_1990_does_not_empty_the_health_mart(planted: Planted) -> None:
    first, last, accounts = _query(
        planted.utc.paths.published_db,
        "select min(score_date), max(score_date), "
        "count(distinct account_id) filter (where score_date = date '2026-06-30') "
        "from marts.fct_account_health_daily",
    )[0]
    assert last == END_DATE  # the day before the latest _loaded_at
    assert first >= date(2000, 1, 1)
    assert accounts > 0
    reasons = _reasons(planted.utc, "product.product_events")
    assert reasons[str(FIRST_EVENT)] == "implausible_timestamp"
    implausible = [key for key, reason in reasons.items() if reason == "implausible_timestamp"]
    (planted_early,) = _query(
        planted.utc.paths.build_db,
        "select count(*) from read_parquet("
        f"'{planted.utc.paths.raw / 'product_events.parquet'}') "
        "where occurred_at < timestamptz '2000-01-01 00:00:00+00'",
    )[0]
    assert len(implausible) == planted_early > 1  # the one in 1990 and the 0.1% in 1900


def test_a_row_landed_in_2099_is_quarantined_and_the_next_run_is_fine(planted: Planted) -> None:
    assert _reasons(planted.pacific, "product.product_events")[str(FIRST_EVENT + 1)] == (
        "future_loaded_at"
    )
    _run(planted.pacific, "America/Los_Angeles")  # incremental: the row is read again
    run = json.loads((planted.pacific.paths.report_dir / "run.json").read_text())
    for counts in run["source_counts"]:
        assert counts["raw_rows"] == counts["accepted_rows"] + counts["quarantined_rows"]
    (watermark,) = _query(
        planted.pacific.paths.build_db,
        "select max(loaded_at) from staging.base_product__product_events "
        "where quarantine_reason is null",
    )[0]
    assert watermark.year == END_DATE.year


def test_implausible_and_non_finite_money_is_quarantined(planted: Planted) -> None:
    reasons = _reasons(planted.utc, "billing.subscriptions")
    assert reasons["BAD_HUGE"] == "implausible_value"
    assert reasons["BAD_NAN"] == "non_finite_value"
    assert reasons["BAD_INF"] == "non_finite_value"


def test_two_versions_landed_at_once_are_reported_and_one_wins_on_every_host(
    planted: Planted,
) -> None:
    assert _reasons(planted.utc, "web.web_visits")[TIED_VISIT] == "tied_version"
    kept = [
        _query(
            workspace.paths.build_db,
            f"select pages from staging.stg_web__web_visits where visit_id = '{TIED_VISIT}'",
        )
        for workspace in (planted.utc, planted.pacific)
    ]
    assert kept[0] == kept[1] and len(kept[0]) == 1


def test_copies_of_contracts_at_100x_arr_do_not_win(planted: Planted) -> None:
    reasons = _reasons(planted.utc, "billing.subscriptions")
    copies = {key: reason for key, reason in reasons.items() if key.startswith("X")}
    originals = _query(
        planted.utc.paths.build_db,
        "select count(*) from staging.stg_billing__subscriptions where subscription_id like 'S%'",
    )[0][0]
    assert len(copies) == originals > 0
    assert set(copies.values()) == {"overlapping_contract"}
    (spine_copies,) = _query(
        planted.utc.paths.build_db,
        "select count(*) from intermediate.int_account_days_enumerated "
        "where subscription_id not like 'S%'",
    )[0]
    assert spine_copies == 0


def test_time_zone_aware_raw_timestamps_do_not_depend_on_the_host_zone(planted: Planted) -> None:
    assert planted.utc_marts.keys() == planted.pacific_marts.keys()
    for table, values in planted.utc_marts.items():
        for key, value in values.items():
            other = planted.pacific_marts[table][key]
            if isinstance(value, float):
                assert other == pytest.approx(value, rel=1e-9, abs=1e-9), (table, key)
            else:
                assert other == value, (table, key)


def test_a_poisoned_watermark_stops_the_run_and_says_how_to_recover(planted: Planted) -> None:
    # a build by an older version let a row landed in 2099 in as accepted
    con = duckdb.connect(str(planted.utc.paths.build_db))
    con.execute(
        "update staging.base_product__product_events set loaded_at = timestamp '2099-01-01' "
        "where loaded_at = (select min(loaded_at) from staging.base_product__product_events "
        "where quarantine_reason is null)"
    )
    con.close()
    result = planted.utc.chw("run")
    assert result.returncode != 0
    message = result.stdout + result.stderr
    assert "poisoned" in message and "--full-refresh" in message, message[-3000:]
    assert "Traceback" not in message


def test_a_build_with_every_contract_quarantined_fails(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path / "ws", accounts=60, days=120)
    subs = workspace.paths.raw / "subscriptions.parquet"
    con = duckdb.connect()
    con.execute(
        f"copy (select * replace (start_date + 400 as start_date) from read_parquet('{subs}')) "
        f"to '{subs}' (format parquet)"
    )
    con.close()
    result = workspace.chw("run")
    assert result.returncode != 0
    assert "assert_latest_day_is_scored" in result.stdout + result.stderr
