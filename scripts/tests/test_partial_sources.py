"""Partial sources (SPEC §3): only accounts and subscriptions are required. An absent source
(no file, an empty table, or `using_<table>: false`) is a notice, and the metrics it feeds are
N/A -- their weight goes to the measured metrics -- while a present source with no activity
for an account is a measured zero."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import Workspace, make_workspace

from chw.contract import raw_tables

ABSENT = ("survey_responses", "web_visits", "content_interactions", "invoices", "contacts")


def _metric_sources(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(
        con.execute(
            "select metric_name, source_table from scoring_config.scoring_metrics"
        ).fetchall()
    )


def _empty_copy(path: Path) -> None:
    """Rewrite a Parquet file with its columns and no rows (an empty table in the warehouse)."""
    duckdb.execute(
        f"copy (select * from read_parquet('{path}') limit 0) to '{path}.tmp' (format parquet)"
    )
    Path(f"{path}.tmp").replace(path)


@pytest.fixture(scope="module")
def partial_workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    workspace = make_workspace(tmp_path_factory.mktemp("partial"), accounts=60, days=200)
    for table in ABSENT:
        (workspace.paths.raw / f"{table}.parquet").unlink()
    _empty_copy(workspace.paths.raw / "csm_overrides.parquet")  # present, but nobody overrode
    result = workspace.chw("run")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    return workspace


def test_absent_sources_are_notices_and_their_metrics_na(partial_workspace: Workspace) -> None:
    report = (partial_workspace.paths.report_dir / "data_quality.md").read_text()
    for table in (*ABSENT, "csm_overrides"):
        assert f"| {table} | absent" in report, table
    con = duckdb.connect(str(partial_workspace.paths.published_db), read_only=True)
    sources = _metric_sources(con)
    measured = dict(
        con.execute(
            "select metric_name, count(raw_value) from marts.fct_account_metric_daily group by 1"
        ).fetchall()
    )
    for metric, table in sources.items():
        if table in ABSENT:
            assert measured[metric] == 0, f"{metric} is fed by absent {table} but measured"
    # the present sources still measure, and support metrics count zero tickets as zero
    assert measured["tickets_per_seat"] > 0 and measured["active_days"] > 0
    satisfaction, coverage = con.execute(
        "select count(satisfaction_score), max(coverage) from marts.fct_account_health_daily"
    ).fetchone()
    assert satisfaction == 0  # every satisfaction metric comes from surveys: component N/A
    assert coverage < 0.8  # coverage shows the loss: confidence cannot be high
    high = con.execute(
        "select count(*) from marts.fct_account_health_daily where confidence = 'high'"
    ).fetchone()[0]
    assert high == 0
    con.close()


def test_contributions_still_sum_to_the_score(partial_workspace: Workspace) -> None:
    con = duckdb.connect(str(partial_workspace.paths.published_db), read_only=True)
    worst = con.execute(
        "select max(abs(h.computed_score - m.total)) from marts.fct_account_health_daily h "
        "join (select account_id, score_date, sum(contribution) as total "
        "      from marts.fct_account_metric_daily group by 1, 2) m using (account_id, score_date)"
    ).fetchone()[0]
    con.close()
    assert worst < 1e-6


def test_present_source_with_no_activity_is_a_measured_zero(tmp_path: Path) -> None:
    """Web visits present but none for most accounts: their web_visits metric is 0, not N/A;
    switched off with using_web_visits=false, the same metric is N/A for everyone."""
    workspace = make_workspace(tmp_path / "ws", accounts=40, days=120)
    web = workspace.paths.raw / "web_visits.parquet"
    duckdb.execute(
        f"copy (select * from read_parquet('{web}') where account_id = "
        f"(select min(account_id) from read_parquet('{web}'))) to '{web}.tmp' (format parquet)"
    )
    Path(f"{web}.tmp").replace(web)
    assert workspace.chw("run").returncode == 0
    con = duckdb.connect(str(workspace.paths.published_db), read_only=True)
    zeros, nulls = con.execute(
        "select count(*) filter (where raw_value = 0), count(*) filter (where raw_value is null "
        "and metric_score is null) from marts.fct_account_metric_daily "
        "where metric_name = 'web_visits' and score_date = (select max(score_date) "
        "from marts.fct_account_metric_daily)"
    ).fetchone()
    con.close()
    assert zeros > 30, (zeros, nulls)
    # switching a source off changes what history means: build it afresh
    shutil.rmtree(workspace.paths.warehouse)
    off = workspace.chw("run", "--vars", "{using_web_visits: false}")
    assert off.returncode == 0, off.stderr[-2000:]
    con = duckdb.connect(str(workspace.paths.published_db), read_only=True)
    measured = con.execute(
        "select count(raw_value) from marts.fct_account_metric_daily "
        "where metric_name = 'web_visits'"
    ).fetchone()[0]
    con.close()
    assert measured == 0


def test_required_tables_cannot_be_absent(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path / "ws", accounts=20, days=60)
    required = [table.name for table in raw_tables() if table.required]
    assert sorted(required) == ["accounts", "subscriptions"]
    (workspace.paths.raw / "subscriptions.parquet").unlink()
    result = workspace.chw("run")
    assert result.returncode == 3, result.stderr
    message = "".join(result.stderr.split())  # the terminal wraps long lines
    assert "subscriptions.parquet:fileismissing(arequiredtable)" in message
