-- One row per account per day under contract: the spine every metric is computed on.
-- It grows a day at a time: an incremental run rewrites only its recent days.
with

calendar as (
    select * from {{ ref('int_calendar_enumerated') }}
    where {{ since('date_day') }}
),

subscriptions as (
    select * from {{ ref('int_subscriptions_converted') }}
),

accounts as (
    select * from {{ ref('stg_crm__accounts') }}
),

covered_days as (
    select
        subscriptions.account_id,
        calendar.date_day as score_date,
        subscriptions.subscription_id,
        subscriptions.seats,
        subscriptions.arr_usd,
        subscriptions.previous_arr_usd,
        subscriptions.end_date as renewal_date,
        -- overlapping periods (a renewal or an upgrade): the one that started last wins
        row_number() over (
            partition by subscriptions.account_id, calendar.date_day
            order by subscriptions.start_date desc, subscriptions.subscription_id desc
        ) as contract_rank
    from calendar
    inner join subscriptions
        on calendar.date_day between subscriptions.start_date and subscriptions.end_date
),

account_days as (
    select
        covered_days.account_id,
        covered_days.score_date,
        accounts.plan_tier as segment,
        accounts.parent_account_id,
        covered_days.subscription_id,
        covered_days.seats,
        covered_days.arr_usd,
        covered_days.previous_arr_usd,
        covered_days.renewal_date,
        {{ days_between('covered_days.score_date', 'covered_days.renewal_date') }} as days_to_renewal -- noqa: LT05
    from covered_days
    inner join accounts on covered_days.account_id = accounts.account_id
    where covered_days.contract_rank = 1
)

select * from account_days
