-- No account is scored on a day before its first contract started (or without a contract).
with

health as (
    select
        account_id,
        score_date
    from {{ ref('fct_account_health_daily') }}
),

first_contracts as (
    select
        account_id,
        min(start_date) as first_start_date
    from {{ ref('stg_billing__subscriptions') }}
    group by account_id
),

early as (
    select
        health.account_id,
        health.score_date,
        first_contracts.first_start_date
    from health
    left join first_contracts on health.account_id = first_contracts.account_id
    where
        first_contracts.first_start_date is null
        or health.score_date < first_contracts.first_start_date
)

select * from early
