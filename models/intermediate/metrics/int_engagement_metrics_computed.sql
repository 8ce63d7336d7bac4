-- Engagement metrics per account-day, from product use, web visits and content.
{%- set features_window = metric_window('feature_breadth', 30) %}
{%- set trend_window = metric_window('usage_trend', 30) %}
{%- set web_window = metric_window('web_visits', 30) %}
{%- set content_window = metric_window('content_interactions', 90) %}
{%- set active_users_window = metric_window('active_user_ratio', 30) %}
{%- set active_days_window = metric_window('active_days', 30) %}
{#- summed windows read the running totals on the day and on the day before each window -#}
{%- set window_starts = [
    active_users_window, active_days_window, trend_window, 2 * trend_window, web_window,
    content_window
] | unique | list %}
with

account_days as (
    select
        account_id,
        score_date,
        seats
    from {{ ref('int_account_days_enumerated') }}
    where {{ since('score_date') }}
),

-- the days whose running totals are read: each scored day and the day before each window
totals_days as (
    {%- for days in [0] + window_starts %}
        select distinct {{ add_days('score_date', -days) }} as score_date from account_days
        {{ 'union' if not loop.last }}
    {%- endfor %}
),

running_totals as (
    select * from {{ ref('int_engagement_running_totals') }}
    where
        {{ since('score_date', window_starts | max) }}
        and score_date in (select totals_days.score_date from totals_days)
),

-- distinct features do not add up by day: only their window is read
feature_usage as (
    select * from {{ ref('int_product_feature_usage_daily') }}
    where {{ since('activity_date', features_window) }}
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

known as (
    select
        account_spans.account_id,
        {{ greatest_date('account_spans.first_day', 'sources_known.product_first_day') }}
            as product_known_from,
        {{ greatest_date('account_spans.first_day', 'sources_known.web_first_day') }}
            as web_known_from,
        {{ greatest_date('account_spans.first_day', 'sources_known.content_first_day') }}
            as content_known_from
    from account_spans
    cross join sources_known
),

windows as (
    select
        account_days.account_id,
        account_days.score_date,
        known.product_known_from,
        {{ trailing_rate(
            'active_users', active_users_window, 'known.product_known_from',
            'account_days.score_date'
        ) }}
        / {{ active_users_window }} as active_users,
        {{ trailing_rate(
            'active_days', active_days_window, 'known.product_known_from', 'account_days.score_date'
        ) }}
            as active_days,
        -- two whole windows: the trend compares the last window with the one before
        case
            when {{ days_between('known.product_known_from', 'account_days.score_date') }} + 1 >= {{ 2 * trend_window }} -- noqa: LT05
                then
                    1.0 * {{ window_total('events', trend_window) }}
                    / nullif({{ window_total('events', trend_window, offset=trend_window) }}, 0)
        end as usage_trend,
        {{ trailing_rate(
            'web_visits', web_window, 'known.web_known_from', 'account_days.score_date'
        ) }} as web_visits,
        {{ trailing_rate(
            'content_interactions', content_window, 'known.content_known_from',
            'account_days.score_date'
        ) }}
            as content_interactions
    -- the running totals on the day and on the day before each window (sqlfluff misreads
    -- the indent of joins a loop writes)
    -- noqa: disable=LT02
    from account_days
    inner join known on account_days.account_id = known.account_id
    {{ join_running_totals(0) }}
    {%- for days in window_starts %}
    {{ join_running_totals(days) }}
    {%- endfor %}
    -- noqa: enable=LT02
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
)

select * from metrics
