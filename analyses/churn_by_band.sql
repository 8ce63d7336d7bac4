-- Churn within 90 days by published band (SPEC §8), over all segments and per segment:
-- snapshots, churn rate, and lift (the band's churn rate over the churn rate of its scope).
-- The same table as "Churn by band" in `chw calibrate`'s report; labelled snapshots only.
with

outcomes as (
    select * from {{ ref('fct_churn_outcomes') }}
    where is_labelled
),

flagged as (
    select
        account_id,
        segment,
        published_band,
        case when churned_within_90d then 1.0 else 0.0 end as churned,
        case when expanded_within_90d then 1.0 else 0.0 end as expanded
    from outcomes
),

scoped as (
    select
        'all' as scope,
        account_id,
        published_band,
        churned,
        expanded
    from flagged
    union all
    select
        segment as scope,
        account_id,
        published_band,
        churned,
        expanded
    from flagged
),

scope_rates as (
    select
        scope,
        count(*) as scope_snapshots,
        avg(churned) as scope_churn_rate
    from scoped
    group by scope
),

band_rates as (
    select
        scope,
        published_band,
        count(*) as snapshots,
        count(distinct account_id) as accounts,
        sum(churned) as churned_snapshots,
        avg(churned) as churn_rate,
        avg(expanded) as expansion_rate
    from scoped
    group by scope, published_band
),

final as (
    select
        band_rates.scope,
        band_rates.published_band,
        band_rates.snapshots,
        band_rates.accounts,
        band_rates.churned_snapshots,
        band_rates.snapshots * 1.0 / scope_rates.scope_snapshots as share_of_snapshots,
        band_rates.churn_rate,
        band_rates.churn_rate / nullif(scope_rates.scope_churn_rate, 0) as lift,
        band_rates.expansion_rate
    from band_rates
    inner join scope_rates on band_rates.scope = scope_rates.scope
)

select * from final
order by
    scope,
    case published_band when 'red' then 1 when 'yellow' then 2 else 3 end
