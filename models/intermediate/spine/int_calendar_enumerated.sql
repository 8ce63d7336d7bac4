-- One row per day from the first to the last day of product data: the scoring calendar.
with

usage_daily as (
    select activity_date from {{ ref('int_product_usage_daily') }}
),

bounds as (
    select
        min(activity_date) as first_day,
        max(activity_date) as last_day
    from usage_daily
),

day_offsets as (
    {{ integer_series(4) }}
),

calendar as (
    select {{ add_days('bounds.first_day', 'day_offsets.n') }} as date_day
    from bounds
    cross join day_offsets
    where day_offsets.n <= {{ days_between('bounds.first_day', 'bounds.last_day') }}
)

select * from calendar
