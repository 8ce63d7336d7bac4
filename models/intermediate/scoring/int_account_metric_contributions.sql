-- Each metric's share of the overall score: effective weight x metric score. The
-- contributions of an account-day sum to its score, and their changes to its change.
with

metric_scores as (
    select * from {{ ref('int_account_metrics_normalised') }}
    where {{ since('score_date', 30) }}
),

component_scores as (
    select * from {{ ref('int_account_components_scored') }}
    where {{ since('score_date', 30) }}
),

component_weights as (
    select * from {{ ref('scoring_component_weights') }}
),

health as (
    select
        account_id,
        score_date,
        measured_component_weight
    from {{ ref('int_account_health_scored') }}
    where {{ since('score_date', 30) }}
),

weighted as (
    select
        metric_scores.account_id,
        metric_scores.score_date,
        metric_scores.segment,
        metric_scores.metric_name,
        metric_scores.component,
        metric_scores.metric_weight,
        metric_scores.raw_value,
        metric_scores.metric_score,
        case
            when metric_scores.metric_score is null then 0.0
            else
                (component_weights.weight / health.measured_component_weight)
                * (metric_scores.metric_weight / component_scores.measured_weight)
        end as effective_weight
    from metric_scores
    inner join component_scores
        on
        metric_scores.account_id = component_scores.account_id
        and metric_scores.score_date = component_scores.score_date
        and metric_scores.component = component_scores.component
    inner join component_weights
        on
        metric_scores.segment = component_weights.segment
        and metric_scores.component = component_weights.component
    inner join health
        on
        metric_scores.account_id = health.account_id
        and metric_scores.score_date = health.score_date
),

contributions as (
    select
        *,
        effective_weight * coalesce(metric_score, 0) as contribution,
        -- points the metric costs the score: how far it is from a perfect 100
        effective_weight * (100 - coalesce(metric_score, 100)) as points_lost
    from weighted
),

changes as (
    select
        *,
        contribution - lag(contribution, 7) over (
            partition by account_id, metric_name order by score_date
        ) as contribution_change_7d,
        contribution - lag(contribution, 30) over (
            partition by account_id, metric_name order by score_date
        ) as contribution_change_30d
    from contributions
),

final as (
    select * from changes
    where {{ since('score_date') }}
)

select * from final
