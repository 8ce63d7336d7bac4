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

normalised as (
    select
        account_id,
        score_date,
        {%- for metric in metrics %}
            {{ metric.metric_name }},
            {{ normalise_metric(metric) }} as {{ metric.metric_name }}_score,
        {%- endfor %}
        segment
    from rounded
)

select * from normalised
