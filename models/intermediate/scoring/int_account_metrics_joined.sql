-- Every metric of an account-day side by side: one column per scoring_metrics row, read from
-- the model of its kind (computed_in); N/A when the raw table that feeds it is absent.
{%- set metrics = scoring_metric_definitions() %}
{{- check_metrics_computed(metrics) }}
with

account_days as (
    select
        account_id,
        score_date,
        segment
    from {{ ref('int_account_days_enumerated') }}
    where {{ since('score_date') }}
),
{%- for kind in metric_kinds() %}

    {{ kind }} as (
        select * from {{ ref('int_' ~ kind ~ '_metrics_computed') }}
        where {{ since('score_date') }}
    ),
{%- endfor %}

joined as (
    select
        account_days.account_id,
        account_days.score_date,
        {%- for metric in metrics %}
            {{ metric_value(metric) }} as {{ metric.metric_name }},
        {%- endfor %}
        account_days.segment
    -- one left join per kind of metric (sqlfluff misreads the indent of joins a loop writes)
    -- noqa: disable=LT02
    from account_days
    {%- for kind in metric_kinds() %}
    left join {{ kind }}
        on
        account_days.account_id = {{ kind }}.account_id
        and account_days.score_date = {{ kind }}.score_date
    {%- endfor %}
    -- noqa: enable=LT02
)

select * from joined
