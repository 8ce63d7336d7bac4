-- Accepted product use, aggregated at the edge: events per account, day and user, and per
-- account, day and feature (`grain`). Rejected events are in fct_quarantined_rows.
with

screened as (
    select * from {{ ref('base_product__product_events') }}
),

accepted as (
    select
        grain,
        account_id,
        activity_date,
        user_id,
        event_type,
        events,
        loaded_at
    from screened
    where quarantine_reason is null
)

select * from accepted
