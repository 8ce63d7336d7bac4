-- Engagement metrics per account-day, from product use, web visits and content.
{%- set features_window = metric_window('feature_breadth', 30) %}
{%- set trend_window = metric_window('usage_trend', 30) %}
{%- set web_window = metric_window('web_visits', 30) %}
{%- set content_window = metric_window('content_interactions', 90) %}
{#- each input is read only as far back as the windows over it reach -#}
{%- set usage_history = [
    2 * trend_window, metric_window('active_user_ratio', 30), metric_window('active_days', 30)
] | max %}
{%- set history = [features_window, usage_history, web_window, content_window] | max %}
with

account_days as (
    select
        account_id,
        score_date,
        seats
    from {{ ref('int_account_days_enumerated') }}
    where {{ since('score_date', history) }}
),

usage_daily as (
    select * from {{ ref('int_product_usage_daily') }}
    where {{ since('activity_date', usage_history) }}
),

feature_usage as (
    select * from {{ ref('int_product_feature_usage_daily') }}
    where {{ since('activity_date', features_window) }}
),

web_visits as (
    select * from {{ ref('stg_web__web_visits') }}
    where {{ since('occurred_at', web_window) }}
),

content as (
    select * from {{ ref('stg_marketing__content_interactions') }}
    where {{ since('occurred_at', content_window) }}
),

-- each source is known from the first day it holds a row (whole history)
sources_known as (
    select
        (select min(activity_date) from {{ ref('int_product_usage_daily') }}) as product_first_day,
        (
            select min(cast(occurred_at as date)) from {{ ref('stg_web__web_visits') }}
        ) as web_first_day,
        (
            select min(cast(occurred_at as date))
            from {{ ref('stg_marketing__content_interactions') }}
        ) as content_first_day
),

account_spans as (
    {{ account_spans('account_days') }}
),

-- the account's every calendar day, gaps between contracts and days before the first
-- scored day included: windows below are calendar days
calendar_days as (
    {{ account_calendar_days('account_spans', history) }}
),

events_daily as (
    select
        account_id,
        activity_date as score_date,
        events,
        active_users
    from usage_daily
),

feature_days as (
    select
        account_id,
        event_type as item,
        activity_date as active_date
    from feature_usage
),

-- a feature stays "in use" until the trailing window passes its last use
feature_intervals as (
    select
        account_id,
        active_date as active_from,
        least(
            {{ add_days('active_date', features_window - 1) }},
            {{ add_days('lead(active_date) over (partition by account_id, item order by active_date)', -1) }} -- noqa: LT05
        ) as active_until
    from feature_days
),

active_features as (
    {{ open_interval_count('feature_intervals', 'account_days', 'active_features') }}
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
        {{ greatest_date('account_spans.first_day', 'sources_known.product_first_day') }}
            as product_known_from,
        {{ greatest_date('account_spans.first_day', 'sources_known.web_first_day') }}
            as web_known_from,
        {{ greatest_date('account_spans.first_day', 'sources_known.content_first_day') }}
            as content_known_from,
        coalesce(events_daily.events, 0) as events,
        case when events_daily.events > 0 then 1 else 0 end as is_active_day,
        coalesce(web_daily.web_visits, 0) as web_visits,
        coalesce(content_daily.content_interactions, 0) as content_interactions,
        coalesce(events_daily.active_users, 0) as active_users
    from calendar_days
    inner join account_spans on calendar_days.account_id = account_spans.account_id
    cross join sources_known
    left join events_daily
        on
        calendar_days.account_id = events_daily.account_id
        and calendar_days.score_date = events_daily.score_date
    left join web_daily
        on
        calendar_days.account_id = web_daily.account_id
        and calendar_days.score_date = web_daily.score_date
    left join content_daily
        on
        calendar_days.account_id = content_daily.account_id
        and calendar_days.score_date = content_daily.score_date
),

windows as (
    select
        account_id,
        score_date,
        product_known_from,
        {{ trailing_rate(
            'active_users', metric_window('active_user_ratio', 30), 'product_known_from'
        ) }} / {{ metric_window('active_user_ratio', 30) }} as active_users,
        {{ trailing_rate('is_active_day', metric_window('active_days', 30), 'product_known_from') }}
            as active_days,
        -- two whole windows: the trend compares the last window with the one before
        case
            when {{ days_between('product_known_from', 'score_date') }} + 1 >= {{ 2 * trend_window }} -- noqa: LT05
                then
                    1.0 * sum(events) {{ trailing_days(trend_window) }}
                    / nullif(sum(events) {{ trailing_days(trend_window, offset=trend_window) }}, 0)
        end as usage_trend,
        {{ trailing_rate('web_visits', web_window, 'web_known_from') }} as web_visits,
        {{ trailing_rate('content_interactions', content_window, 'content_known_from') }}
            as content_interactions
    from daily
),

metrics as (
    select
        account_days.account_id,
        account_days.score_date,
        windows.active_users / nullif(account_days.seats, 0) as active_user_ratio,
        windows.active_days,
        -- distinct features do not scale with the days observed: the same rule, unscaled
        cast({{ when_observed(
            'active_features.active_features', features_window, 'windows.product_known_from',
            'account_days.score_date'
        ) }} as {{ type_double() }}) as feature_breadth,
        windows.usage_trend,
        windows.web_visits,
        windows.content_interactions
    from account_days
    inner join windows
        on
        account_days.account_id = windows.account_id
        and account_days.score_date = windows.score_date
    left join active_features
        on
        account_days.account_id = active_features.account_id
        and account_days.score_date = active_features.score_date
),

final as (
    select * from metrics
    where {{ since('score_date') }}
)

select * from final
