-- The score per account-day. Within a component, the measured metrics' weighted mean (an
-- unmeasured metric's weight goes to the measured ones); overall, the components weighted
-- per segment (an unmeasured component's weight goes to the measured ones). Coverage,
-- confidence and band beside it.
{%- set metrics = scoring_metric_definitions() %}
{%- set components = scoring_components() %}
{%- set high = setting('confidence_high_coverage', 0.8) %}
{%- set medium = setting('confidence_medium_coverage', 0.5) %}
{%- set min_band_coverage = setting('min_coverage_for_band', 0.5) %}
{%- set measured_components, weighted_scores, weighted_coverages, weights = [], [], [], [] %}
{%- for component in components %}
    {%- do measured_components.append(
        'case when ' ~ component ~ '_score is not null then ' ~ component ~ '_weight else 0 end'
    ) %}
    {%- do weighted_scores.append(
        'coalesce(' ~ component ~ '_weight * ' ~ component ~ '_score, 0)'
    ) %}
    {%- do weighted_coverages.append(component ~ '_weight * ' ~ component ~ '_coverage') %}
    {%- do weights.append(component ~ '_weight') %}
{%- endfor %}
with

metric_scores as (
    select * from {{ ref('int_account_metrics_normalised') }}
    where {{ since('score_date') }}
),

-- one row per segment, a weight column per component (0 if unset)
component_weights as (
    select
        {%- for component in components %}
            coalesce(max(case when component = '{{ component }}' then weight end), 0)
                as {{ component }}_weight,
        {%- endfor %}
        segment
    from {{ ref('scoring_component_weights') }}
    group by segment
),

bands as (
    select * from {{ ref('scoring_bands') }}
),

components as (
    select
        account_id,
        score_date,
        {%- for component in components %}
            {%- set members = metrics | selectattr('component', 'equalto', component) | list %}
            {%- set measured, weighted = [], [] %}
            {%- for metric in members %}
                {%- set weight = float_literal(metric.weight) %}
                {%- set score = metric.metric_name ~ '_score' %}
                {%- do measured.append(
                    'case when ' ~ score ~ ' is not null then ' ~ weight ~ ' else 0 end'
                ) %}
                {%- do weighted.append('coalesce(' ~ weight ~ ' * ' ~ score ~ ', 0)') %}
            {%- endfor %}
            {%- set defined = float_literal(members | sum(attribute='weight')) %}
            {{ measured | join(' + ') }} as {{ component }}_measured_weight,
            ({{ measured | join(' + ') }})
            / nullif({{ defined }}, 0) as {{ component }}_coverage,
            ({{ weighted | join(' + ') }})
            / nullif({{ measured | join(' + ') }}, 0) as {{ component }}_score,
        {%- endfor %}
        segment
    from metric_scores
),

weighted as (
    select
        components.*,
        {%- for component in components %}
            component_weights.{{ component }}_weight,
        {%- endfor %}
        {{ measured_components | join(' + ') }} as measured_component_weight
    from components
    inner join component_weights
        on {{ config_segment('components.segment') }} = component_weights.segment
),

overall as (
    select
        *,
        -- rounded to 1e-9 so a score of exactly 40 is 40 on every engine, not 39.99999999999999
        -- on one of them: bands and confidence compare these with thresholds
        {{ round_float_noise(
            '(' ~ weighted_scores | join(' + ') ~ ') / nullif(measured_component_weight, 0)'
        ) }} as health_score,
        -- share of all configured weight that was measured
        {{ round_float_noise(
            '(' ~ weighted_coverages | join(' + ') ~ ') / (' ~ weights | join(' + ') ~ ')'
        ) }} as coverage
    from weighted
),

banded as (
    select
        overall.*,
        case
            when overall.coverage >= {{ high }} then 'high'
            when overall.coverage >= {{ medium }} then 'medium'
            else 'low'
        end as confidence,
        -- too little measured to look healthy or not: no band, the score kept for backtests
        case
            when overall.health_score is null then 'nothing measured'
            when overall.coverage < {{ min_band_coverage }} then 'not enough data'
        end as no_band_reason,
        case
            when overall.health_score is null or overall.coverage < {{ min_band_coverage }} then null
            when overall.health_score < bands.red_below then 'red'
            when overall.health_score >= bands.green_from then 'green'
            else 'yellow'
        end as health_band
    from overall
    inner join bands on {{ config_segment('overall.segment') }} = bands.segment
)

select * from banded
