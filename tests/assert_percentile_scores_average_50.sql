-- Percentile scores give ties the mid rank in both directions, so on every segment-day the
-- measured accounts' scores of a percentile metric average exactly 50 (tolerance 1e-6).
-- percent_rank() gave tied accounts the lowest rank: the average fell below 50 on a
-- higher-is-better metric and rose above it on a lower-is-better one.
{%- set percentile_metrics = [] %}
{%- for metric in scoring_metric_definitions() if metric.normalisation == 'percentile' %}
    {%- do percentile_metrics.append(metric.metric_name) %}
{%- endfor %}
with

normalised as (
    select * from {{ ref('int_account_metrics_normalised') }}
),

averages as (
    {%- for name in percentile_metrics %}
        select
            '{{ name }}' as metric_name,
            segment,
            score_date,
            avg({{ name }}_score) as average_score
        from normalised
        where {{ name }}_score is not null
        group by segment, score_date
        {{ 'union all' if not loop.last }}
    {%- else %}
        select
            cast(null as {{ dbt.type_string() }}) as metric_name,
            cast(null as {{ dbt.type_string() }}) as segment,
            cast(null as date) as score_date,
            cast(50 as {{ type_double() }}) as average_score
        from normalised
        where 1 = 0
    {%- endfor %}
),

off_centre as (
    select * from averages
    where abs(average_score - 50) > 0.000001
)

select * from off_centre
