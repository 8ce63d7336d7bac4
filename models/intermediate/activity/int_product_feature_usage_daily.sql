-- Events per account, day and feature (event type), for feature-breadth windows.
with

events as (
    select
        account_id,
        event_type,
        occurred_at
    from {{ ref('stg_product__product_events') }}
    where {{ since('occurred_at', this_date_column='activity_date') }}
),

daily as (
    select
        account_id,
        cast(occurred_at as date) as activity_date,
        event_type,
        count(*) as events
    from events
    group by account_id, cast(occurred_at as date), event_type
)

select * from daily
