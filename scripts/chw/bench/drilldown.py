"""Bench step: the BI-style drill-down on the long metric fact. One account, one quarter,
`select *`: what a scorecard or a BI tool's detail page asks of `marts.fct_account_metric_daily`
(a view over the wide contributions table). Run on a few accounts spread over the id range,
each a fresh query on a read-only connection, as a BI reader holds."""

from __future__ import annotations

import statistics
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb

DRILLDOWN_SQL = (
    "select * from marts.fct_account_metric_daily "
    "where account_id = ? and score_date between ? and ?"
)
ACCOUNTS = 5  # queried, spread over the accounts
REPEATS = 3  # times each; the machine is shared, so the median says more than one run


def last_quarter(latest: date) -> tuple[date, date]:
    """The last whole calendar quarter ending on or before `latest`."""
    start = date(latest.year, 3 * ((latest.month - 1) // 3) + 1, 1)
    if latest != _quarter_end(start):
        start = _previous_quarter(start)
    return start, _quarter_end(start)


def _previous_quarter(start: date) -> date:
    return date(start.year - 1, 10, 1) if start.month == 1 else date(start.year, start.month - 3, 1)


def _quarter_end(start: date) -> date:
    following = (
        date(start.year + 1, 1, 1) if start.month == 10 else date(start.year, start.month + 3, 1)
    )
    return following - timedelta(days=1)


def measure_drilldown(db: Path, threads: int = 2) -> dict[str, object]:
    """Seconds of the drill-down query (median and slowest over the accounts) and its rows."""
    con = duckdb.connect(str(db), read_only=True, config={"threads": threads})
    try:
        ids = [
            row[0]
            for row in con.execute(
                "select account_id from marts.dim_accounts order by account_id"
            ).fetchall()
        ]
        latest = con.execute("select max(score_date) from marts.fct_account_health_daily")
        first, last = last_quarter(latest.fetchall()[0][0])
        picked = [ids[i * (len(ids) - 1) // max(ACCOUNTS - 1, 1)] for i in range(ACCOUNTS)]
        kind = con.execute(
            "select table_type from information_schema.tables "
            "where table_schema = 'marts' and table_name = 'fct_account_metric_daily'"
        ).fetchall()
        seconds, rows = [], 0
        for account in picked * REPEATS:
            started = time.perf_counter()
            rows = max(rows, len(con.execute(DRILLDOWN_SQL, [account, first, last]).fetchall()))
            seconds.append(time.perf_counter() - started)
    finally:
        con.close()
    return {
        "step": "drill-down (one account, one quarter)",
        "query": DRILLDOWN_SQL,
        "quarter": f"{first.isoformat()}..{last.isoformat()}",
        "accounts": len(picked),
        "median_seconds": round(statistics.median(seconds), 4),
        "max_seconds": round(max(seconds), 4),
        "rows": rows,
        "relation_type": kind[0][0] if kind else "missing",
    }
