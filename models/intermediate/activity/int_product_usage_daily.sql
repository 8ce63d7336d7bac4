-- Product use per account and day: the only model that reads every accepted event, and
-- incrementally only the recent ones.
with

events as (
    select
        account_id,
        user_id,
        occurred_at
    from {{ ref('stg_product__product_events') }}
    where {{ since('occurred_at', this_date_column='activity_date') }}
),

daily as (
    select
        account_id,
        cast(occurred_at as date) as activity_date,
        count(*) as events,
        count(distinct user_id) as active_users
    from events
    group by account_id, cast(occurred_at as date)
)

select * from daily
