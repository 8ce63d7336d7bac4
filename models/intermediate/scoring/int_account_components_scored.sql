-- One row per account, day and component: the weighted mean of its measured metrics.
-- A metric that is not measured (N/A) gives its weight to the measured metrics of its component.
with

metric_scores as (
    select * from {{ ref('int_account_metrics_normalised') }}
    where {{ since('score_date') }}
),

components as (
    select
        account_id,
        score_date,
        segment,
        component,
        sum(case when metric_score is not null then metric_weight else 0 end) as measured_weight,
        sum(metric_weight) as defined_weight,
        sum(metric_weight * metric_score) as weighted_score_total
    from metric_scores
    group by account_id, score_date, segment, component
),

scored as (
    select
        account_id,
        score_date,
        segment,
        component,
        measured_weight,
        -- share of the component's metric weight that was actually measured
        measured_weight / nullif(defined_weight, 0) as component_coverage,
        weighted_score_total / nullif(measured_weight, 0) as component_score
    from components
)

select * from scored
