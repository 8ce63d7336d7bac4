"""Connector adapters (docs/adapters.md): Stripe, Zendesk, Salesforce and Segment tables, as
Fivetran syncs them, map into the raw contract and run through the same screening and
quarantine as native tables -- on DuckDB and on a real local PostgreSQL.

The fixtures (scripts/tests/fixtures/connectors/<connector>/<table>.csv) are small hand-written
tables in each connector's own shape, with its quirks: amounts in cents, lower-case currencies,
JSON metadata, soft-deleted rows, tag and status-history tables, re-delivered events.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from conftest import Workspace

from chw.connectors import CONNECTORS, load_duckdb, load_postgres
from chw.contract import raw_tables
from chw.errors import ChwError, ExitCode
from chw.load import postgres_connection_params
from chw.pgserver import local_postgres
from chw.portability import dbt_build, dbt_env

FIXTURES = Path(__file__).parent / "fixtures" / "connectors"
DEV_SCHEMA = "dev_adapters"  # the PostgreSQL development target's schema (CHW_PG_SCHEMA)
ALL_CONNECTORS = (
    "{billing_source: stripe, support_source: zendesk, crm_source: salesforce, "
    "product_source: segment}"
)
Query = Callable[[str], list[tuple]]


def native_raw(raw_dir: Path, tables: tuple[str, ...]) -> Path:
    """Native contract tables as Parquet (typed by the sources YAML) from the native fixtures."""
    raw_dir.mkdir(parents=True, exist_ok=True)
    types = {
        table.name: dict(zip(table.columns, table.types, strict=True)) for table in raw_tables()
    }
    for name in tables:
        casts = ", ".join(f"cast({c} as {t}) as {c}" for c, t in types[name].items())
        duckdb.execute(
            f"copy (select {casts} from read_csv('{FIXTURES / 'native' / name}.csv', "
            f"header = true, all_varchar = true)) to '{raw_dir / name}.parquet' (format parquet)"
        )
    return raw_dir


def duckdb_query(database: Path) -> Query:
    def run(sql: str) -> list[tuple]:
        with duckdb.connect(str(database), read_only=True) as con:
            return con.execute(sql).fetchall()

    return run


def build_duckdb(work: Path, dbt_vars: str, connectors: tuple[str, ...], native: tuple[str, ...]):
    """Load the connectors' fixtures into the build database, then `dbt build` with the vars."""
    raw = native_raw(work / "raw", native)
    for connector in connectors:
        load_duckdb(FIXTURES / connector, connector, work / "build.duckdb")
    dbt_build("duckdb", dbt_env(raw, work), work, extra_args=("--vars", dbt_vars))
    return duckdb_query(work / "build.duckdb")


def _by_key(query: Query, sql: str) -> dict[str, tuple]:
    return {str(row[0]): tuple(row[1:]) for row in query(sql)}


def source_counts(query: Query) -> dict[str, tuple]:
    """raw, accepted, quarantined rows per raw table; raw = accepted + quarantined for each."""
    counts = _by_key(
        query,
        "select source_table, raw_rows, accepted_rows, quarantined_rows "
        "from marts.agg_source_row_counts",
    )
    for table, (raw, accepted, quarantined) in counts.items():
        assert raw == accepted + quarantined, table
    return counts


def quarantined(query: Query, source_table: str) -> dict[str, str]:
    """record key -> reason of the quarantined rows of one raw table."""
    rows = query(
        "select record_key, quarantine_reason from marts.fct_quarantined_rows "
        f"where source_table = '{source_table}'"
    )
    return {str(key): str(reason) for key, reason in rows}


def assert_stripe_mapped(query: Query) -> None:
    subscriptions = _by_key(
        query,
        "select subscription_id, account_id, plan, seats, arr, currency, start_date, end_date, "
        "subscription_status, outcome from staging.stg_billing__subscriptions",
    )
    acme = subscriptions["sub_A1"]
    # 40 seats x $2,400 + SSO add-on 40 x $120 a year, from cents; metered API item carries none
    assert acme[:5] == ("001A0000001", "enterprise", 40, 100800.0, "USD")
    assert subscriptions["sub_A5"][3] == 8 * 250 * 4  # quarterly price: four billings a year
    assert subscriptions["sub_A6b"][3] == 80 * 4500 / 2  # two-year price
    assert subscriptions["sub_A4"][4] == "EUR"  # Stripe's lower-case currency
    assert subscriptions["sub_A6"][7:] == ("renewed", "expanded")  # replaced by sub_A6b
    assert subscriptions["sub_A7"][7:] == ("churned", "churned")
    assert quarantined(query, "billing.subscriptions") == {
        "sub_A8": "deleted_in_source",  # its customer is deleted in Stripe
        "sub_X9": "orphan_account",  # no CRM account id in the customer's metadata
    }
    invoices = _by_key(
        query,
        "select invoice_id, amount, invoice_status, due_at from staging.stg_billing__invoices",
    )
    assert invoices["in_A1_2025"][0] == 100800.0
    assert invoices["in_A3_2604"][1] == "open"  # uncollectible: still owed
    assert invoices["in_A2_draft"][1] == "void"
    assert str(invoices["in_A3_2605"][2]) == "2026-05-10"  # charged automatically: due on issue
    assert quarantined(query, "billing.invoices")["in_A2_deleted"] == "deleted_in_source"


def assert_connectors_mapped(query: Query) -> None:
    """Zendesk, Salesforce and Segment rows as the contract expects them."""
    tickets = _by_key(
        query,
        "select ticket_id, account_id, priority, category, is_escalated, reopened_count, "
        "csat_score from staging.stg_support__support_tickets",
    )
    # no organization on the ticket: the requester's; reopened once; latest rating good -> 5
    assert tickets["103"] == ("001A0000001", "urgent", "outage", True, 1, 5)
    assert tickets["107"] == ("001A0000003", "high", "cancellation", True, 0, 1)
    assert tickets["106"][1:3] == ("normal", "feature_request")  # unset priority, tag category
    assert quarantined(query, "support.support_tickets") == {
        "118": "null_key",  # organization without an external id
        "119": "null_key",  # requester without an organization
        "120": "deleted_in_source",
    }
    accounts = _by_key(
        query,
        "select account_id, plan_tier, region, size_band, csm_owner, parent_account_id "
        "from staging.stg_crm__accounts",
    )
    assert accounts["001A0000005"] == ("growth", "emea", "mid", "Dana Scully", "001A0000004")
    assert quarantined(query, "crm.accounts") == {
        "001A0000008": "deleted_in_source",  # IsDeleted
        "001A0000011": "deleted_in_source",  # _fivetran_deleted
        "001A0000009": "invalid_segment",  # a prospect without a plan tier
        "001A0000010": "orphan_parent",
    }
    assert quarantined(query, "crm.contacts")["003A0000063"] == "deleted_in_source"
    events = query(
        "select event_type, sum(events) from staging.stg_product__product_events "
        "where grain = 'feature' group by 1"
    )
    assert dict(events)["report_exported"] == 2  # " Report Exported " trimmed and snake-cased
    assert sorted(quarantined(query, "product.product_events").values()) == [
        "duplicate",  # a re-delivered message id
        "future_timestamp",
        "null_key",  # an anonymous call
        "orphan_account",
    ]


def assert_marts_built(query: Query, absent_metrics: set[str], measured_metrics: set[str]) -> None:
    """Scores exist; metrics fed by tables nobody provides are N/A (null), the others measured."""
    measured = dict(
        query("select metric_name, count(raw_value) from marts.fct_account_metric_daily group by 1")
    )
    assert query("select count(*) from marts.fct_account_health_daily")[0][0] > 0
    for metric in absent_metrics:
        assert measured[metric] == 0, metric
    for metric in measured_metrics:
        assert measured[metric] > 0, metric


# metrics whose raw tables no connector here fills (surveys, web visits, content)
NOT_PROVIDED = {"nps", "csat", "ces", "web_visits", "content_interactions"}
CONNECTOR_METRICS = {"arr_usd", "overdue_invoices", "ticket_csat", "reopen_rate", "active_days"}


@pytest.fixture(scope="module")
def all_connectors_duckdb(tmp_path_factory: pytest.TempPathFactory) -> Query:
    work = tmp_path_factory.mktemp("adapters-duckdb")
    return build_duckdb(work, ALL_CONNECTORS, CONNECTORS, native=())


def test_every_adapter_builds_on_duckdb(all_connectors_duckdb: Query) -> None:
    query = all_connectors_duckdb
    counts = source_counts(query)
    assert counts["billing.subscriptions"] == (10, 8, 2)
    assert counts["support.support_tickets"] == (22, 19, 3)
    assert counts["crm.csm_overrides"] == (0, 0, 0)  # native and absent: no file
    assert_stripe_mapped(query)
    assert_connectors_mapped(query)
    assert_marts_built(query, NOT_PROVIDED, CONNECTOR_METRICS)


def test_stripe_billing_mixes_with_native_tables_through_chw_run(tmp_path: Path) -> None:
    """The user's path: native accounts and events as files, Stripe tables loaded into the
    build database, `chw run --vars '{billing_source: stripe}'`, published and reported."""
    workspace = Workspace(tmp_path)
    native_raw(workspace.paths.raw, ("accounts", "product_events"))
    loaded = workspace.chw("load-connector", "stripe", str(FIXTURES / "stripe"))
    assert loaded.returncode == 0, loaded.stderr[-2000:]
    result = workspace.chw("run", "--vars", "{billing_source: stripe}")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    query = duckdb_query(workspace.paths.build_db)
    counts = source_counts(query)
    assert counts["crm.accounts"] == (8, 8, 0)  # native accounts, all accepted
    assert counts["product.product_events"] == (15, 15, 0)
    assert_stripe_mapped(query)
    # no support tickets at all: the support metrics are N/A
    assert_marts_built(
        query,
        NOT_PROVIDED | {"ticket_csat", "reopen_rate", "tickets_per_seat"},
        {"arr_usd", "overdue_invoices", "avg_days_late", "active_days"},
    )
    report = (workspace.paths.report_dir / "data_quality.md").read_text()
    assert "| subscriptions | stripe |" in report and "| invoices | stripe |" in report
    assert "| support_tickets | absent" in report


def test_chw_run_rejects_an_unknown_connector(tmp_path: Path) -> None:
    result = Workspace(tmp_path).chw("run", "--vars", "{billing_source: chargebee}")
    assert result.returncode == ExitCode.USAGE
    assert "'chargebee' is not a connector for billing" in result.stdout + result.stderr


def test_loader_rejects_columns_the_connector_does_not_have(tmp_path: Path) -> None:
    (tmp_path / "invoice.csv").write_text("id,amount_in_dollars\nin_1,12.5\n")
    with pytest.raises(ChwError, match=r"amount_in_dollars are not in stripe\.invoice"):
        load_duckdb(tmp_path, "stripe", tmp_path / "x.duckdb")


def test_unknown_connector_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ChwError, match="'chargebee' is not a connector for billing"):
        dbt_build(
            "duckdb",
            dbt_env(native_raw(tmp_path / "raw", ()), tmp_path),
            tmp_path,
            command="compile",
            extra_args=(
                "--vars",
                "{billing_source: chargebee}",
                "--select",
                "stg_billing__invoices",
            ),
        )


def test_a_connector_table_switches_off_like_fivetran(tmp_path: Path) -> None:
    """`stripe__using_invoices: false`: invoices read as an absent table (metrics N/A)."""
    dbt_build(
        "duckdb",
        dbt_env(native_raw(tmp_path / "raw", ()), tmp_path),
        tmp_path,
        command="compile",
        extra_args=(
            "--vars",
            "{billing_source: stripe, stripe__using_invoices: false}",
            "--select",
            "base_billing__invoices agg_source_row_counts",
        ),
    )
    compiled = next((tmp_path / "target-duckdb").rglob("base_billing__invoices.sql")).read_text()
    assert "absent_invoices" in compiled and "adapter_stripe__invoices" not in compiled
    counts = next((tmp_path / "target-duckdb").rglob("agg_source_row_counts.sql")).read_text()
    assert "adapter_stripe__subscriptions" in counts


@pytest.mark.postgres
def test_every_adapter_builds_on_postgres(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with local_postgres() as pg_env:
        for name, value in pg_env.items():
            monkeypatch.setenv(name, value)
        params = postgres_connection_params()
        for connector in CONNECTORS:
            load_postgres(FIXTURES / connector, connector, params)
        raw = native_raw(tmp_path / "raw", ())
        env = dbt_env(raw, tmp_path, {**pg_env, "CHW_PG_SCHEMA": DEV_SCHEMA})
        dbt_build("postgres", env, tmp_path, extra_args=("--vars", ALL_CONNECTORS))
        query = postgres_query(params)
        counts = source_counts(query)
        assert counts["billing.subscriptions"] == (10, 8, 2)
        assert_stripe_mapped(query)
        assert_connectors_mapped(query)
        assert_marts_built(query, NOT_PROVIDED, CONNECTOR_METRICS)


def postgres_query(params: dict[str, str | int]) -> Query:
    """Run the same queries on PostgreSQL, whose development target prefixes the custom
    schemas with its own (`dev_adapters_marts`: macros/generate_schema_name.sql)."""
    import psycopg2

    def run(sql: str) -> list[tuple]:
        sql = re.sub(r"\b(marts|staging)\.", DEV_SCHEMA + r"_\1.", sql)
        connection = psycopg2.connect(**params)
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return [tuple(row) for row in cursor.fetchall()]
        finally:
            connection.close()

    return run
