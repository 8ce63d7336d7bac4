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

-- distinct users in two steps (per user, then per account-day): cheaper than a distinct
-- aggregate over every event
user_days as (
    select
        account_id,
        cast(occurred_at as date) as activity_date,
        user_id,
        count(*) as events
    from events
    group by account_id, cast(occurred_at as date), user_id
),

daily as (
    select
        account_id,
        activity_date,
        cast(sum(events) as {{ dbt.type_bigint() }}) as events,
        count(user_id) as active_users
    from user_days
    group by account_id, activity_date
)

select * from daily
