-- The backtest outcomes (SPEC §8): one row per account-day snapshot with the score that was
-- published that day (point in time) and what happened next: did the account churn, or
-- expand, at a renewal within the following 90 days. A snapshot is labelled only when its
-- whole 90-day window lies inside the data; otherwise a churn seen so far is kept but "no
-- churn" is unknown (null).
{%- set horizon_days = 90 %}
{#- a new day can label snapshots up to 90 days back: an incremental run rewrites those #}
with

health as (
    select * from {{ ref('int_account_health_published') }}
    where {{ since('score_date', horizon_days) }}
),

subscriptions as (
    select * from {{ ref('int_subscriptions_converted') }}
),

account_days as (
    select * from {{ ref('int_account_days_enumerated') }}
    where {{ since('score_date', horizon_days) }}
),

calendar as (
    select * from {{ ref('int_calendar_enumerated') }}
),

data_bounds as (
    select max(date_day) as last_day
    from calendar
),

-- a contract period that closed with a recorded outcome: the event happens on its end date
period_outcomes as (
    select
        account_id,
        end_date as outcome_date,
        outcome = 'churned' or subscription_status in ('churned', 'cancelled') as is_churn,
        outcome = 'expanded' as is_expansion
    from subscriptions
    where outcome in ('churned', 'expanded') or subscription_status in ('churned', 'cancelled')
),

snapshots as (
    select
        health.account_id,
        health.score_date,
        health.segment,
        health.published_score,
        health.published_band,
        health.health_score as computed_score,
        health.health_band as computed_band,
        health.engagement_score,
        health.satisfaction_score,
        health.experience_score,
        health.financial_score,
        health.support_score,
        health.coverage,
        health.confidence,
        health.is_overridden,
        account_days.renewal_date,
        {{ add_days('health.score_date', horizon_days) }} as outcome_window_end,
        {{ add_days('health.score_date', horizon_days) }} <= data_bounds.last_day as is_labelled
    from health
    cross join data_bounds
    left join account_days
        on
        health.account_id = account_days.account_id
        and health.score_date = account_days.score_date
),

-- outcome events inside each snapshot's window [score_date, score_date + 90]
window_events as (
    select
        snapshots.account_id,
        snapshots.score_date,
        min(case when period_outcomes.is_churn then period_outcomes.outcome_date end)
            as churn_date,
        min(case when period_outcomes.is_expansion then period_outcomes.outcome_date end)
            as expansion_date
    from snapshots
    inner join period_outcomes
        on
        snapshots.account_id = period_outcomes.account_id
        and snapshots.score_date <= period_outcomes.outcome_date
        and snapshots.outcome_window_end >= period_outcomes.outcome_date
    group by snapshots.account_id, snapshots.score_date
),

labelled as (
    select
        snapshots.*,
        window_events.churn_date,
        window_events.expansion_date,
        {{ days_between('snapshots.score_date', 'snapshots.renewal_date') }}
            as days_to_renewal,
        {{ days_between('snapshots.score_date', 'window_events.churn_date') }}
            as days_to_churn,
        case
            when window_events.churn_date is not null then true
            when snapshots.is_labelled then false
        end as churned_within_90d,
        case
            when window_events.expansion_date is not null then true
            when snapshots.is_labelled then false
        end as expanded_within_90d
    from snapshots
    left join window_events
        on
        snapshots.account_id = window_events.account_id
        and snapshots.score_date = window_events.score_date
),

final as (
    select
        -- keys
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(score_date as date) as score_date,
        cast(segment as {{ dbt.type_string() }}) as segment,
        -- the score as known on the day (double precision from the scoring chain)
        published_score,
        cast(published_band as {{ dbt.type_string() }}) as published_band,
        computed_score,
        cast(computed_band as {{ dbt.type_string() }}) as computed_band,
        engagement_score,
        satisfaction_score,
        experience_score,
        financial_score,
        support_score,
        coverage,
        cast(confidence as {{ dbt.type_string() }}) as confidence,
        cast(is_overridden as {{ dbt.type_boolean() }}) as is_overridden,
        -- the current contract's renewal, known on the day: churn happens at renewals
        cast(renewal_date as date) as renewal_date,
        cast(days_to_renewal as {{ dbt.type_int() }}) as days_to_renewal,
        cast(
            coalesce(renewal_date <= outcome_window_end, false) as {{ dbt.type_boolean() }}
        ) as is_renewal_in_window,
        -- what happened next
        cast(outcome_window_end as date) as outcome_window_end,
        cast(is_labelled as {{ dbt.type_boolean() }}) as is_labelled,
        cast(churned_within_90d as {{ dbt.type_boolean() }}) as churned_within_90d,
        cast(churn_date as date) as churn_date,
        cast(days_to_churn as {{ dbt.type_int() }}) as days_to_churn,
        cast(expanded_within_90d as {{ dbt.type_boolean() }}) as expanded_within_90d
    from labelled
)

select * from final
