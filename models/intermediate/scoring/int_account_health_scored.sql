-- The overall score per account-day: components weighted per segment, a missing component's
-- weight shared over the measured ones; coverage, confidence and band beside it.
{%- set high = setting('confidence_high_coverage', 0.8) %}
{%- set medium = setting('confidence_medium_coverage', 0.5) %}
with

component_scores as (
    select * from {{ ref('int_account_components_scored') }}
    where {{ since('score_date') }}
),

component_weights as (
    select * from {{ ref('scoring_component_weights') }}
),

bands as (
    select * from {{ ref('scoring_bands') }}
),

weighted as (
    select
        component_scores.*,
        component_weights.weight as component_weight
    from component_scores
    inner join component_weights
        on
        component_scores.segment = component_weights.segment
        and component_scores.component = component_weights.component
),

overall as (
    select
        account_id,
        score_date,
        segment,
        sum(case when component_score is not null then component_weight else 0 end)
            as measured_component_weight,
        -- rounded to 1e-9 so a score of exactly 40 is 40 on every engine, not 39.99999999999999
        -- on one of them: bands and confidence compare these with thresholds
        {{ round_float_noise(
            'sum(component_weight * component_score)'
            ~ ' / nullif(sum(case when component_score is not null then component_weight end), 0)'
        ) }} as health_score,
        -- share of all configured weight that was measured
        {{ round_float_noise(
            'sum(component_weight * coalesce(component_coverage, 0)) / sum(component_weight)'
        ) }} as coverage,
        max(case when component = 'engagement' then component_score end) as engagement_score,
        max(case when component = 'satisfaction' then component_score end) as satisfaction_score,
        max(case when component = 'experience' then component_score end) as experience_score,
        max(case when component = 'financial' then component_score end) as financial_score,
        max(case when component = 'support' then component_score end) as support_score
    from weighted
    group by account_id, score_date, segment
),

banded as (
    select
        overall.*,
        case
            when overall.coverage >= {{ high }} then 'high'
            when overall.coverage >= {{ medium }} then 'medium'
            else 'low'
        end as confidence,
        case
            when overall.health_score is null then null
            when overall.health_score < bands.red_below then 'red'
            when overall.health_score >= bands.green_from then 'green'
            else 'yellow'
        end as health_band
    from overall
    inner join bands on overall.segment = bands.segment
)

select * from banded
