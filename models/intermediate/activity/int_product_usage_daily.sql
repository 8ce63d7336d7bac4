-- Product use per account and day. An incremental run rewrites the days whose events the
-- staging re-screened since this model's last load, however late they arrived.
with

user_days as (
    select
        account_id,
        activity_date,
        user_id,
        events,
        loaded_at
    from {{ ref('stg_product__product_events') }}
    where
        grain = 'user'
        and {{ days_loaded_since(ref('stg_product__product_events'), 'activity_date') }}
),

daily as (
    select
        account_id,
        activity_date,
        cast(sum(events) as {{ dbt.type_bigint() }}) as events,
        count(user_id) as active_users,
        max(loaded_at) as loaded_at
    from user_days
    group by account_id, activity_date
)

select * from daily
