-- Lifecycle metrics per account-day, from the contracts: how long the account has been a
-- customer and how long its current contract runs (the signals every churn model uses).
with

account_days as (
    select
        account_id,
        score_date,
        subscription_id
    from {{ ref('int_account_days_enumerated') }}
    where {{ since('score_date') }}
),

subscriptions as (
    select
        *,
        {{ days_between("start_date", "end_date") }} as contract_days -- noqa: LT05
    from {{ ref('int_subscriptions_converted') }}
),

-- every accepted contract counts, also those that ended before the first scored day
first_contracts as (
    select
        account_id,
        min(start_date) as first_start_date
    from subscriptions
    group by account_id
),

metrics as (
    select
        account_days.account_id,
        account_days.score_date,
        cast(
            {{ days_between('first_contracts.first_start_date', 'account_days.score_date') }}
            as {{ type_double() }}
        ) as tenure_days,
        -- whole months, so monthly, annual and multi-year terms read 1, 12, 24, ...
        cast(round(
            (subscriptions.contract_days + 1) / 30.4375
        ) as {{ type_double() }}) as contract_term_months
    from account_days
    inner join first_contracts on account_days.account_id = first_contracts.account_id
    inner join subscriptions on account_days.subscription_id = subscriptions.subscription_id
)

select * from metrics
