-- Engagement metrics per account-day, from product use, web visits and content.
{%- set features_window = metric_window('feature_breadth', 30) %}
with

account_days as (
    select
        account_id,
        score_date,
        seats
    from {{ ref('int_account_days_enumerated') }}
),

events as (
    select * from {{ ref('stg_product__product_events') }}
),

web_visits as (
    select * from {{ ref('stg_web__web_visits') }}
),

content as (
    select * from {{ ref('stg_marketing__content_interactions') }}
),

events_daily as (
    select
        account_id,
        cast(occurred_at as date) as score_date,
        count(*) as events,
        count(distinct user_id) as active_users
    from events
    group by account_id, cast(occurred_at as date)
),

feature_days as (
    select distinct
        account_id,
        event_type as item,
        cast(occurred_at as date) as active_date
    from events
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
        account_days.account_id,
        account_days.score_date,
        account_days.seats,
        coalesce(events_daily.events, 0) as events,
        case when events_daily.events > 0 then 1 else 0 end as is_active_day,
        coalesce(web_daily.web_visits, 0) as web_visits,
        coalesce(content_daily.content_interactions, 0) as content_interactions,
        coalesce(events_daily.active_users, 0) as active_users,
        active_features.active_features
    from account_days
    left join events_daily
        on
        account_days.account_id = events_daily.account_id
        and account_days.score_date = events_daily.score_date
    left join web_daily
        on
        account_days.account_id = web_daily.account_id
        and account_days.score_date = web_daily.score_date
    left join content_daily
        on
        account_days.account_id = content_daily.account_id
        and account_days.score_date = content_daily.score_date
    left join active_features
        on
        account_days.account_id = active_features.account_id
        and account_days.score_date = active_features.score_date
),

{%- set trend_window = metric_window('usage_trend', 30) %}

metrics as (
    select
        account_id,
        score_date,
        {{ trailing_rate('active_users', metric_window('active_user_ratio', 30)) }}
        / {{ metric_window('active_user_ratio', 30) }} / nullif(seats, 0) as active_user_ratio,
        {{ trailing_rate('is_active_day', metric_window('active_days', 30)) }} as active_days,
        cast(active_features as {{ type_double() }}) as feature_breadth,
        case
            when
                count(*) {{ trailing_days(trend_window, offset=trend_window) }} = {{ trend_window }}
                then
                    1.0 * sum(events) {{ trailing_days(trend_window) }}
                    / nullif(sum(events) {{ trailing_days(trend_window, offset=trend_window) }}, 0)
        end as usage_trend,
        {{ trailing_rate('web_visits', metric_window('web_visits', 30)) }} as web_visits,
        {{ trailing_rate('content_interactions', metric_window('content_interactions', 90)) }}
            as content_interactions
    from daily
)

select * from metrics
