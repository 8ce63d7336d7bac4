-- One row per day from the first to the last day of product data: the scoring calendar.
with

events as (
    select occurred_at from {{ ref('stg_product__product_events') }}
),

bounds as (
    select
        cast(min(occurred_at) as date) as first_day,
        cast(max(occurred_at) as date) as last_day
    from events
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
