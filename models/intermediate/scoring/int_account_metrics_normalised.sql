-- Every metric's raw value mapped to 0-100 by the method its scoring_metrics row names:
-- one row per account-day; per metric its raw value and its score (null = not measured).
{%- set metrics = scoring_metric_definitions() %}
with

metric_values as (
    select * from {{ ref('int_account_metrics_joined') }}
    where {{ since('score_date') }}
),

-- rounded, so equal values tie and sit exactly on a bound on every engine
rounded as (
    select
        account_id,
        score_date,
        {%- for metric in metrics %}
            {{ round_float_noise(metric.metric_name) }} as {{ metric.metric_name }},
        {%- endfor %}
        segment
    from metric_values
),

-- percentile metrics rank among the segment's accounts of the day: their windows sort a
-- narrow projection (keys and those metrics), not every column of the row
{%- set percentile = metrics | selectattr('normalisation', 'equalto', 'percentile') | list %}
ranked as (
    select
        account_id,
        score_date,
        {%- for metric in percentile %}
            {{ normalise_metric(metric) }} as {{ metric.metric_name }}_score,
        {%- endfor %}
        segment
    from rounded
),

normalised as (
    select
        rounded.account_id,
        rounded.score_date,
        {%- for metric in metrics %}
            {%- set name = metric.metric_name %}
            rounded.{{ name }},
            {{ 'ranked.' ~ name ~ '_score' if metric in percentile else normalise_metric(metric) }}
                as {{ name }}_score,
        {%- endfor %}
        rounded.segment
    from rounded
    inner join ranked
        on
        rounded.account_id = ranked.account_id
        and rounded.score_date = ranked.score_date
)

select * from normalised
