"""The raw tables the generator writes: their names and Arrow schemas, and the ground truth's."""

from __future__ import annotations

from datetime import date

import pyarrow as pa

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
