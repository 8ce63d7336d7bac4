-- Calibration table by score decile (SPEC §8), over all segments and per segment: decile 1
-- holds the lowest published scores. A score that predicts churn shows churn rates falling
-- from decile 1 to 10. The same table as `chw calibrate`'s report; labelled snapshots only.
with

outcomes as (
    select * from {{ ref('fct_churn_outcomes') }}
    where is_labelled
),

flagged as (
    select
        account_id,
        score_date,
        segment,
        published_score,
        case when churned_within_90d then 1.0 else 0.0 end as churned
    from outcomes
),

scoped as (
    select
        'all' as scope,
        account_id,
        score_date,
        published_score,
        churned
    from flagged
    union all
    select
        segment as scope,
        account_id,
        score_date,
        published_score,
        churned
    from flagged
),

ranked as (
    select
        scoped.*,
        ntile(10) over (
            partition by scope
            order by published_score, account_id, score_date
        ) as score_decile
    from scoped
),

scope_rates as (
    select
        scope,
        avg(churned) as scope_churn_rate
    from scoped
    group by scope
),

deciles as (
    select
        scope,
        score_decile,
        count(*) as snapshots,
        min(published_score) as min_score,
        max(published_score) as max_score,
        avg(published_score) as mean_score,
        avg(churned) as churn_rate
    from ranked
    group by scope, score_decile
),

final as (
    select
        deciles.*,
        deciles.churn_rate / nullif(scope_rates.scope_churn_rate, 0) as lift
    from deciles
    inner join scope_rates on deciles.scope = scope_rates.scope
)

select * from final
order by scope, score_decile
