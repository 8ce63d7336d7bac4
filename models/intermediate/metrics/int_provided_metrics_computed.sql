-- Metrics provided precomputed (account_metric_values), read point in time: for day D the
-- latest value measured on or before D, and none once it is older than the metric's
-- window_days (its maximum age). One column per scoring_metrics row with computed_in = provided.
{%- set provided = scoring_metric_definitions()
    | selectattr('computed_in', 'equalto', 'provided') | list %}
with

account_days as (
    select
        account_id,
        score_date
    from {{ ref('int_account_days_enumerated') }}
    where {{ since('score_date') }}
),

metric_values as (
    select * from {{ ref('stg_provided__account_metric_values') }}
),

-- the last value measured on each day
daily_values as (
    select
        account_id,
        metric_name,
        measured_date,
        metric_value
    from (
        select
            account_id,
            metric_name,
            cast(measured_at as date) as measured_date,
            metric_value,
            row_number() over (
                partition by account_id, metric_name, cast(measured_at as date)
                order by measured_at desc, loaded_at desc
            ) as value_rank
        from metric_values
        where metric_name in ({{ sql_string_list(provided | map(attribute='metric_name')) }})
    ) as ranked
    where value_rank = 1
),

-- a value holds until the next one is measured, or until it is too old
valid_values as (
    select
        account_id,
        metric_name,
        metric_value,
        measured_date as valid_from,
        least(
            coalesce(
                {{ add_days('lead(measured_date) over (partition by account_id, metric_name order by measured_date)', -1) }}, -- noqa: LT05
                {{ add_days('measured_date', max_age_days(provided) ~ ' - 1') }}
            ),
            {{ add_days('measured_date', max_age_days(provided) ~ ' - 1') }}
        ) as valid_until
    from daily_values
),

pivoted as (
    select
        account_days.account_id,
        {%- for metric in provided %}
            max(
                case
                    when valid_values.metric_name = {{ sql_string(metric.metric_name) }}
                        then valid_values.metric_value
                end
            ) as {{ metric.metric_name }},
        {%- endfor %}
        account_days.score_date
    from account_days
    inner join valid_values
        on
        account_days.account_id = valid_values.account_id
        and account_days.score_date between valid_values.valid_from and valid_values.valid_until
    group by account_days.account_id, account_days.score_date
)

select * from pivoted
