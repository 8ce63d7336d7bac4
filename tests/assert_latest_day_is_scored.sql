-- Some account is scored on the as-of date (the calendar's last day). None is when every
-- contract was quarantined (all ending before they start, say) or none covers that day: the
-- marts would publish without a current score, so the build fails and says so.
with

calendar as (
    select max(date_day) as as_of_date from {{ ref('int_calendar_enumerated') }}
),

health as (
    select score_date from {{ ref('fct_account_health_daily') }}
),

scored as (
    select count(*) as scored_accounts
    from health
    inner join calendar on health.score_date = calendar.as_of_date
),

contracts as (
    select count(*) as accepted_contracts from {{ ref('stg_billing__subscriptions') }}
),

unscored as (
    select
        calendar.as_of_date,
        contracts.accepted_contracts,
        'no account is scored on the as-of date: see the quarantined subscriptions'
            as problem
    from calendar
    cross join scored
    cross join contracts
    where scored.scored_accounts = 0
)

select * from unscored
