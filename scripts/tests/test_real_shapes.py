"""Shapes real customer bases have and our generator does not: plan tiers without weights of
their own, precomputed metrics from other tools (account_metric_values, read point in time),
and the lifecycle signals of the contracts. A hand-written fixture on a small generated base,
built in a copy of the project whose scoring_metrics has one provided metric."""

from __future__ import annotations

import csv
from datetime import date, timedelta

import duckdb
import pytest
from conftest import END_DATE, Workspace, make_workspace

from chw.project import copy_project

DAY0 = END_DATE - timedelta(days=60)  # first measurement of the provided metric
MAX_AGE = 30  # its window_days: a value older than this is N/A


def _provided_values(account: str) -> list[tuple[str, str, float, str]]:
    """(account, metric, value, measured_at): 1 on DAY0, 5 ten days later, then two values on
    day 20 (the later one wins), then nothing: N/A once 30 days old."""
    at = lambda days, hour: f"{DAY0 + timedelta(days=days)} {hour:02d}:00:00"  # noqa: E731
    return [
        (account, "plan_addons", 1.0, at(0, 9)),
        (account, "plan_addons", 5.0, at(10, 9)),
        (account, "plan_addons", 7.0, at(20, 9)),
        (account, "Plan_Addons", 8.0, at(20, 15)),  # names are case-insensitive
    ]


@pytest.fixture(scope="module")
def shaped(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, str, str]:
    root = tmp_path_factory.mktemp("shapes")
    project = copy_project(root / "project")
    seed = project / "seeds" / "scoring_metrics.csv"
    rows = list(csv.DictReader(seed.open()))
    rows.append(
        {
            **{key: "" for key in rows[0]},
            "metric_name": "plan_addons",
            "component": "engagement",
            "direction": "higher",
            "normalisation": "absolute",
            "lower_bound": "0",
            "upper_bound": "8",
            "window_days": str(MAX_AGE),
            "weight": "0",
            "computed_in": "provided",
            "source_table": "account_metric_values",
            "valid_min": "0",
            "description": "Add-ons on the plan (from the billing tool)",
        }
    )
    with seed.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    base = make_workspace(root / "ws", accounts=40, days=200)
    workspace = Workspace(base.root, project=project)
    raw = workspace.paths.raw
    con = duckdb.connect()
    accounts = f"read_parquet('{raw}/accounts.parquet')"
    subscriptions = f"read_parquet('{raw}/subscriptions.parquet')"
    # one account with a plan tier the seeds do not know; one with a two-year contract
    platinum, two_year = (
        row[0]
        for row in con.execute(
            f"select account_id from {subscriptions} where status = 'active' "
            f"and start_date <= date '{DAY0}' group by 1 order by 1 limit 2"
        ).fetchall()
    )
    con.execute(
        f"copy (select * replace (case when account_id = '{platinum}' then 'platinum' "
        f"else plan_tier end as plan_tier) from {accounts}) to '{raw}/accounts.tmp' "
        "(format parquet)"
    )
    con.execute(
        f"copy (select * replace (case when account_id = '{two_year}' and status = 'active' "
        f"then start_date + interval 729 day else end_date end as end_date) from {subscriptions})"
        f" to '{raw}/subscriptions.tmp' (format parquet)"
    )
    values = _provided_values(platinum)
    con.execute(
        "create table amv (account_id varchar, metric_name varchar, metric_value double, "
        "measured_at timestamp, _loaded_at timestamp)"
    )
    for account, metric, value, measured in values:
        con.execute(
            "insert into amv values (?, ?, ?, ?, ?)",
            [account, metric, value, measured, f"{END_DATE} 06:00:00"],
        )
    con.execute(f"copy amv to '{raw}/account_metric_values.parquet' (format parquet)")
    con.close()
    for table in ("accounts", "subscriptions"):
        (raw / f"{table}.tmp").replace(raw / f"{table}.parquet")
    result = workspace.chw("run")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    return workspace, platinum, two_year


def _published(workspace: Workspace, sql: str, params: list[object]) -> list[tuple]:
    con = duckdb.connect(str(workspace.paths.published_db), read_only=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def test_unknown_plan_tier_is_scored_with_the_default_segment(shaped) -> None:  # type: ignore[no-untyped-def]
    workspace, platinum, _ = shaped
    rows = _published(
        workspace,
        "select segment, computed_score, computed_band from marts.fct_account_health_daily "
        "where account_id = ? and computed_score is not null",
        [platinum],
    )
    assert rows and {row[0] for row in rows} == {"platinum"}
    # the default segment's bands (red below 45, green from 70)
    for _, score, band in rows:
        expected = "red" if score < 45 else "green" if score >= 70 else "yellow"
        assert band in (expected, None), (score, band)


def test_provided_metric_is_read_point_in_time_with_a_maximum_age(shaped) -> None:  # type: ignore[no-untyped-def]
    workspace, platinum, _ = shaped
    values = dict(
        _published(
            workspace,
            "select score_date, raw_value from marts.fct_account_metric_daily "
            "where account_id = ? and metric_name = 'plan_addons'",
            [platinum],
        )
    )

    def on(days: int) -> float | None:
        return values.get(DAY0 + timedelta(days=days))

    assert on(-1) is None  # before the first measurement: N/A, not zero
    assert on(0) == 1.0 and on(9) == 1.0
    assert on(10) == 5.0 and on(19) == 5.0
    assert on(20) == 8.0  # the later of two values measured that day
    assert on(20 + MAX_AGE - 1) == 8.0
    assert on(20 + MAX_AGE) is None  # too old
    other = _published(
        workspace,
        "select count(raw_value) from marts.fct_account_metric_daily "
        "where account_id <> ? and metric_name = 'plan_addons'",
        [platinum],
    )[0][0]
    assert other == 0


def test_lifecycle_signals_from_the_contracts(shaped) -> None:  # type: ignore[no-untyped-def]
    workspace, _, two_year = shaped
    rows = _published(
        workspace,
        "select metric_name, raw_value from marts.fct_account_metric_daily "
        "where account_id = ? and score_date = ? "
        "and metric_name in ('tenure_days', 'contract_term_months', 'days_to_renewal')",
        [two_year, END_DATE],
    )
    metrics = dict(rows)
    assert metrics["contract_term_months"] == 24.0
    assert metrics["days_to_renewal"] > 400  # a two-year contract is legitimate
    con = duckdb.connect()
    first_start: date = con.execute(
        f"select min(start_date) from read_parquet('{workspace.paths.raw}/subscriptions.parquet')"
        " where account_id = ?",
        [two_year],
    ).fetchone()[0]
    con.close()
    assert metrics["tenure_days"] == (END_DATE - first_start).days
