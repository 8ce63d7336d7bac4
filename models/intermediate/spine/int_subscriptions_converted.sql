-- Contract periods in USD, with the previous period's ARR for expansion/contraction.
with

subscriptions as (
    select * from {{ ref('stg_billing__subscriptions') }}
),

fx_rates as (
    select * from {{ ref('fx_rates') }}
),

converted as (
    select
        subscriptions.subscription_id,
        subscriptions.account_id,
        subscriptions.plan,
        subscriptions.seats,
        subscriptions.currency,
        subscriptions.arr * fx_rates.usd_per_unit as arr_usd,
        subscriptions.start_date,
        subscriptions.end_date,
        subscriptions.subscription_status,
        subscriptions.outcome
    from subscriptions
    inner join fx_rates on subscriptions.currency = fx_rates.currency
),

with_previous as (
    select
        *,
        lag(arr_usd) over (partition by account_id order by start_date) as previous_arr_usd,
        row_number() over (partition by account_id order by start_date) as period_number
    from converted
)

select * from with_previous
