"""The fault corpus's cases (fault_corpus.py has the mutations and checks): at least one
per bad-input kind of issue 17 and of the injector (chw.faults), each with its exit code, the
words its message must contain and what must become of the publication. Tables, one case a
line where it fits, so they are left as written by the formatter."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fault_corpus import (
    Case,
    accepted_event,
    add_rows,
    broken,
    corrupt_build,
    empty_overrides_reported,
    half_the_accounts,
    interrupted_publish,
    no_leftover_publish,
    owner_updated,
    pii_kept_out,
    poison_watermark,
    remove_raw_folder,
    update,
)


def _quarantined(
    case_id: str,
    table: str,
    source: str,
    replace: str,
    reason: str,
    where: str = "true",
    check: Callable[[Path], str] | None = None,
) -> Case:
    """A marked bad row added to `table`: quarantined for `reason`, the marts unchanged."""
    marker = f"fc_{case_id}"
    return Case(
        id=case_id,
        mutate=add_rows(table, replace.format(m=marker), where),
        code=0,
        group="quarantine",
        quarantined=(source, marker, reason),
        marts_as_published=True,
        check=check,
    )


FIRST_RUN = [
    # the module's clean base run: no publication before it, so only the absolute checks
    Case("first_run_publishes", None, 0, group="base", warehouse="none", marts_as_published=True),
]

EVENTS, VISITS = "product.product_events", "web.web_visits"
CONTENT, SURVEYS = "marketing.content_interactions", "surveys.survey_responses"
TICKETS, INVOICES, CONTRACTS = (
    "support.support_tickets",
    "billing.invoices",
    "billing.subscriptions",
)
EMAIL = "'fc.pii.marker@example.com' as email"

# Every row fault of the injector (chw.faults.ROW_FAULTS) on the tables it applies to, and the
# screening rules beyond it; all in one run whose raw and warehouse paths contain a quote.
# fmt: off
QUARANTINE = [
    _quarantined("event_duplicate", "product_events", EVENTS, "'{m}' as user_id", "duplicate"),
    _quarantined("event_null_id", "product_events", EVENTS,
                 "null as event_id, '{m}' as user_id", "null_key"),
    _quarantined("event_null_account", "product_events", EVENTS,
                 "9000000001 as event_id, null as account_id, '{m}' as user_id", "null_key"),
    _quarantined("event_orphan", "product_events", EVENTS,
                 "9000000002 as event_id, 'A_UNKNOWN_1' as account_id, '{m}' as user_id",
                 "orphan_account"),
    _quarantined("event_future", "product_events", EVENTS,
                 "9000000003 as event_id, '{m}' as user_id, "
                 "occurred_at + interval 3650 day as occurred_at", "future_timestamp"),
    _quarantined("visit_future", "web_visits", VISITS,
                 "'{m}' as visit_id, occurred_at + interval 3650 day as occurred_at",
                 "future_timestamp"),
    _quarantined("visit_orphan", "web_visits", VISITS,
                 "'{m}' as visit_id, 'A_UNKNOWN_2' as account_id", "orphan_account",
                 "account_id is not null"),
    _quarantined("interaction_orphan", "content_interactions", CONTENT,
                 "'{m}' as interaction_id, 'A_UNKNOWN_3' as account_id", "orphan_account"),
    _quarantined("interaction_null_id", "content_interactions", CONTENT,
                 "null as interaction_id, '{m}' as contact_id", "null_key"),
    _quarantined("survey_nps_above_scale", "survey_responses", SURVEYS,
                 "'{m}' as response_id, 11 as score", "out_of_range_score", "survey_type = 'nps'"),
    _quarantined("survey_csat_below_scale", "survey_responses", SURVEYS,
                 "'{m}' as response_id, 0 as score", "out_of_range_score", "survey_type = 'csat'"),
    _quarantined("survey_null_id", "survey_responses", SURVEYS,
                 "null as response_id, '{m}' as contact_id", "null_key"),
    _quarantined("ticket_csat_out_of_range", "support_tickets", TICKETS,
                 "'{m}' as ticket_id, 9 as csat_score", "out_of_range_score"),
    _quarantined("ticket_orphan", "support_tickets", TICKETS,
                 "'{m}' as ticket_id, 'A_UNKNOWN_4' as account_id", "orphan_account"),
    _quarantined("invoice_negative", "invoices", INVOICES,
                 "'{m}' as invoice_id, -abs(amount) - 1 as amount", "negative_amount"),
    _quarantined("invoice_unknown_currency", "invoices", INVOICES,
                 "'{m}' as invoice_id, 'XXX' as currency", "unknown_currency"),
    _quarantined("subscription_negative_arr", "subscriptions", CONTRACTS,
                 "'{m}' as subscription_id, -abs(arr) - 1 as arr", "negative_amount"),
    _quarantined("subscription_unknown_currency", "subscriptions", CONTRACTS,
                 "'{m}' as subscription_id, 'XXX' as currency", "unknown_currency"),
    _quarantined("subscription_end_before_start", "subscriptions", CONTRACTS,
                 "'{m}' as subscription_id, start_date - 1 as end_date", "invalid_period"),
    _quarantined("account_null_id", "accounts", "crm.accounts",
                 "null as account_id, '{m}' as account_name", "null_key"),
    _quarantined("account_orphan_parent", "accounts", "crm.accounts",
                 "'{m}' as account_id, 'A_UNKNOWN_5' as parent_account_id", "orphan_parent"),
    _quarantined("contact_null_id", "contacts", "crm.contacts",
                 "null as contact_id, '{m}' as role", "null_key"),
    _quarantined("contact_orphan_pii", "contacts", "crm.contacts",
                 f"'{{m}}' as contact_id, 'A_UNKNOWN_6' as account_id, {EMAIL}",
                 "orphan_account", check=pii_kept_out),
]

LATE_EVENT = ("9000000010 as event_id, 'fc_late_event' as user_id, "
              "(select max(occurred_at) from t) - interval 2 day as occurred_at")
REDELIVERED = "'fc_new_owner' as csm_owner, _loaded_at + interval 1 hour as _loaded_at"
# Good input that changes the marts; one run.
ACCEPTED = [
    Case("late_arriving_event", add_rows("product_events", LATE_EVENT), 0, group="accepted",
         check=accepted_event("fc_late_event")),
    # issue 17 item 6: exited 70 after a green build (`now - None` in collect_quality)
    Case("empty_csm_overrides", update("csm_overrides", "select * from t where false"), 0,
         group="accepted", check=empty_overrides_reported),
    Case("interrupted_publish_cleaned", interrupted_publish, 0, group="accepted",
         check=no_leftover_publish),
    Case("extra_column", update("web_visits", "select *, 'newsletter' as utm_source from t"), 0,
         group="accepted"),
    Case("extract_redelivered", add_rows("accounts", REDELIVERED, "account_id = 'A000001'"), 0,
         group="accepted", check=owner_updated),
]

HALF_THE_CONTRACTS = update("subscriptions", "select * from t where account_id < 'A000020'")
CONTRACTS_IN_2020 = update("subscriptions", "select * replace (date '2020-01-01' as start_date, "
                           "date '2020-06-30' as end_date) from t")
ORPHAN_TICKETS = ("select * replace (case when hash(ticket_id) % 10 < 6 then 'A_UNKNOWN_7' "
                  "else account_id end as account_id) from t")
ORPHAN_INVOICES = ("select * replace (case when hash(invoice_id) % 10 = 0 then 'A_UNKNOWN_8' "
                   "else account_id end as account_id) from t")
AUDIT_FAILED = "publication audit failed"
# Deliveries that pass every test and GX check but would publish something wrong. The fresh
# builds ("publication": only the last publication kept) compare a whole new build with it.
AUDIT = [
    Case("audit_accounts_drop", HALF_THE_CONTRACTS, 1,
         (AUDIT_FAILED, "max_mart_rows_drop", "max_latest_day_accounts_drop", "--accept-drop"),
         warehouse="publication"),
    Case("audit_accept_drop_publishes", HALF_THE_CONTRACTS, 0, args=("run", "--accept-drop"),
         warehouse="publication", check=half_the_accounts),
    Case("audit_quarantine_share", update("support_tickets", ORPHAN_TICKETS), 1,
         (AUDIT_FAILED, "max_quarantine_share", "support.support_tickets", "rows quarantined")),
    Case("audit_quarantine_rise", update("invoices", ORPHAN_INVOICES), 1,
         (AUDIT_FAILED, "max_quarantine_share_rise", "billing.invoices")),
    Case("audit_score_shift", update("product_events", "select * from t where event_id % 200 = 0"),
         1, (AUDIT_FAILED, "max_score_shift"), warehouse="publication"),
    Case("audit_first_run_all_quarantined",
         update("support_tickets", "select * replace ('A_UNKNOWN_9' as account_id) from t"), 1,
         (AUDIT_FAILED, "max_quarantine_share", "100.0%"), warehouse="none"),
    # the build's own test stops it before the audit: nothing scored on the latest day
    Case("audit_nothing_scored_not_waivable", CONTRACTS_IN_2020, 1,
         ("assert_latest_day_is_scored",), args=("run", "--accept-drop"),
         warehouse="publication"),
]

EVENTS_PURGED = "select * from t where event_id % 10 <> 0"  # rows the held state still has
RECOVERY = [
    Case("poisoned_incremental_state", poison_watermark, 4,
         ("incremental state poisoned", "2099", "--full-refresh")),
    Case("full_refresh_recovers", poison_watermark, 0, args=("run", "--full-refresh"),
         marts_as_published=True),
    Case("raw_history_rewritten", update("product_events", EVENTS_PURGED),
         1, ("dbt build failed", "accepted", "--full-refresh")),
    Case("contracts_withdrawn_incremental", HALF_THE_CONTRACTS, 1,
         ("assert_no_score_before_contract_start", "--full-refresh")),
    # open: the incremental models keep scoring days an extract has withdrawn; nothing fails
    Case("contracts_moved_incremental", CONTRACTS_IN_2020, 1, ("--full-refresh",),
         needs="open: incremental history an extract withdrew"),
    Case("corrupt_build_database", corrupt_build, 4,
         ("build.duckdb", "cannot open the build database", "--full-refresh")),
    Case("corrupt_build_full_refresh", corrupt_build, 0, args=("run", "--full-refresh"),
         marts_as_published=True),
]

SEATS_OVERFLOW = ("select * replace (case when subscription_id = (select min(subscription_id) "
                  "from t) then 99999999999 else seats::bigint end as seats) from t")
MESSAGES = [
    # dbt's first line ("Runtime Error in model base_...") hid the cause: the cast overflows
    Case("seats_integer_overflow", update("subscriptions", SEATS_OVERFLOW), 4,
         ("base_billing__subscriptions", "conversion error", "out of range")),
    Case("csm_override_scores_out_of_scale",
         add_rows("csm_overrides", "'fc_override' as override_id, 150.0 as override_score"), 1,
         ("raw validation failed", "override_score")),
]

# The injector's file faults (chw.faults.FILE_FAULTS): stopped before anything runs.
STRUCTURAL = [
    Case("missing_accounts_file", broken("accounts", "missing_file"), 3,
         ("accounts.parquet", "file is missing")),
    Case("missing_subscriptions_file", broken("subscriptions", "missing_file"), 3,
         ("subscriptions.parquet", "file is missing")),
    Case("missing_column", broken("accounts", "missing_column"), 3,
         ("accounts.parquet", "column 'account_id' is missing")),
    Case("renamed_column", broken("support_tickets", "renamed_column"), 3,
         ("support_tickets.parquet", "unexpected column")),
    Case("wrong_type_timestamp", broken("survey_responses", "wrong_type"), 3,
         ("survey_responses.parquet", "expected timestamp")),
    Case("wrong_type_amount", broken("invoices", "wrong_type", "amount"), 3,
         ("invoices.parquet", "'amount' is varchar, expected double")),
    Case("empty_required_table", broken("accounts", "empty"), 3,
         ("accounts.parquet", "has no rows")),
    Case("unreadable_file", broken("web_visits", "unreadable"), 3,
         ("web_visits.parquet", "not a readable parquet file")),
    Case("raw_folder_missing", remove_raw_folder, 3, ("raw data folder does not exist",)),
]


def _generate(*options: str) -> tuple[str, ...]:
    return ("generate", "--accounts", "5", "--days", "30", "--out", "{root}/generated", *options)


USAGE = [
    Case("generate_negative_event_rate", None, 2, ("--event-rate",),
         args=_generate("--event-rate", "-1")),
    Case("generate_no_users", None, 2, ("--users-per-account",),
         args=_generate("--users-per-account", "0")),
    Case("generate_fault_rate_too_high", None, 2, ("--fault-rate",),
         args=_generate("--fault-rate", "0.5")),
    Case("generate_bad_end_date", None, 2, ("--end-date", "not a yyyy-mm-dd date"),
         args=_generate("--end-date", "2026-13-01")),
    Case("generate_too_few_days", None, 2, ("30 days",), args=_generate("--days", "5")),
]

# The SQL side of issue 17: implausible values are quarantined, so the marts stay as published.


def _screened(case_id: str, table: str, source: str, replace: str) -> Case:
    marker = f"fc_{case_id}"
    return Case(case_id, add_rows(table, replace.format(m=marker)), 0, group="screening",
                quarantined=(source, marker, None), marts_as_published=True)


PARIS = "select * replace (timezone('Europe/Paris', occurred_at) as occurred_at) from t"
SCREENING = [
    _screened("event_in_1990", "product_events", EVENTS, "9000000020 as event_id, "
              "'{m}' as user_id, timestamp '1990-01-01 12:00' as occurred_at"),
    _screened("loaded_at_2099", "support_tickets", TICKETS,
              "'{m}' as ticket_id, timestamp '2099-01-01' as _loaded_at"),
    _screened("arr_1e300", "subscriptions", CONTRACTS, "'{m}' as subscription_id, 1e300 as arr"),
    _screened("arr_nan", "subscriptions", CONTRACTS,
              "'{m}' as subscription_id, 'nan'::double as arr"),
    _screened("mrr_infinite", "subscriptions", CONTRACTS,
              "'{m}' as subscription_id, 'inf'::double as mrr"),
    _screened("contract_overlap_100x", "subscriptions", CONTRACTS,
              "'{m}' as subscription_id, arr * 100 as arr, mrr * 100 as mrr"),
    Case("timestamps_with_time_zone", update("web_visits", PARIS), 0, group="screening",
         marts_as_published=True),
]

# Partial sources: an absent optional source is normal.
PARTIAL_SOURCES = [
    Case("optional_file_missing", broken("web_visits", "missing_file"), 0, group="partial",
         warehouse="none"),
    Case("optional_table_empty", broken("content_interactions", "empty"), 0, group="partial",
         warehouse="none"),
]
# fmt: on

CASES = [
    *FIRST_RUN,
    *QUARANTINE,
    *ACCEPTED,
    *AUDIT,
    *RECOVERY,
    *MESSAGES,
    *STRUCTURAL,
    *USAGE,
    *SCREENING,
    *PARTIAL_SOURCES,
]
