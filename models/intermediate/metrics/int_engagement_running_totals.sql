-- Running totals of the daily engagement inputs (product use, web visits, content), per account
-- and calendar day: a trailing window's total is the total on its last day minus the total on
-- the day before it began. An incremental run continues each account from the totals it holds
-- on the day before the first day it rewrites, so a day costs a day whatever the windows.
{%- set continues = rewrites_recent_days() %}
with

account_days as (
    select
        account_id,
        score_date
    from {{ ref('int_account_days_enumerated') }}
    where {{ since('score_date') }}
),

usage_daily as (
    select * from {{ ref('int_product_usage_daily') }}
    where {{ since('activity_date') }}
),

web_visits as (
    select * from {{ ref('stg_web__web_visits') }}
    where {{ since('occurred_at') }}
),

content as (
    select * from {{ ref('stg_marketing__content_interactions') }}
    where {{ since('occurred_at') }}
),

{%- if continues %}

    -- the totals held on the day before the first day this run rewrites
    held as (
        select * from {{ this }}
        where score_date = {{ add_days(recompute_from(), -1) }}
    ),
{%- endif %}

-- every account with a scored day in this run (and every account held: a returning account
-- continues its totals)
accounts as (
    select distinct account_id from account_days
    {%- if continues %}
        union
        select account_id from held
    {%- endif %}
),

first_contracts as (
    select
        account_id,
        min(start_date) as first_day
    from {{ ref('int_subscriptions_converted') }}
    group by account_id
),

last_scored as (
    select max(score_date) as last_day from account_days
),

-- from the first contract start to the last scored day of all accounts (also after the
-- account's own last one)
account_spans as (
    select
        accounts.account_id,
        first_contracts.first_day,
        last_scored.last_day
    from accounts
    inner join first_contracts on accounts.account_id = first_contracts.account_id
    cross join last_scored
),

calendar_days as (
    {{ account_calendar_days('account_spans', 0) }}
),

web_daily as (
    select
        account_id,
        cast(occurred_at as date) as score_date,
        count(*) as web_visits
    from web_visits
    where account_id is not null
    group by account_id, cast(occurred_at as date)
),

content_daily as (
    select
        account_id,
        cast(occurred_at as date) as score_date,
        count(*) as content_interactions
    from content
    group by account_id, cast(occurred_at as date)
),

daily as (
    select
        calendar_days.account_id,
        calendar_days.score_date,
        coalesce(usage_daily.events, 0) as events,
        case when usage_daily.events > 0 then 1 else 0 end as active_days,
        coalesce(usage_daily.active_users, 0) as active_users,
        coalesce(web_daily.web_visits, 0) as web_visits,
        coalesce(content_daily.content_interactions, 0) as content_interactions
    from calendar_days
    left join usage_daily
        on
        calendar_days.account_id = usage_daily.account_id
        and calendar_days.score_date = usage_daily.activity_date
    left join web_daily
        on
        calendar_days.account_id = web_daily.account_id
        and calendar_days.score_date = web_daily.score_date
    left join content_daily
        on
        calendar_days.account_id = content_daily.account_id
        and calendar_days.score_date = content_daily.score_date
),

running_totals as (
    select
        account_id,
        score_date,
        {{ running_total('events') }} as events,
        {{ running_total('active_days') }} as active_days,
        {{ running_total('active_users') }} as active_users,
        {{ running_total('web_visits') }} as web_visits,
        {{ running_total('content_interactions') }} as content_interactions
    from daily
){{ ',' if continues }}
{%- if continues %}

    -- continued from the totals held
    continued as (
        select
            running_totals.account_id,
            running_totals.score_date,
            running_totals.events + coalesce(held.events, 0) as events,
            running_totals.active_days + coalesce(held.active_days, 0) as active_days,
            running_totals.active_users + coalesce(held.active_users, 0) as active_users,
            running_totals.web_visits + coalesce(held.web_visits, 0) as web_visits,
            running_totals.content_interactions
            + coalesce(held.content_interactions, 0) as content_interactions
        from running_totals
        left join held on running_totals.account_id = held.account_id
    )
{%- endif %}

select * from {{ 'continued' if continues else 'running_totals' }}
