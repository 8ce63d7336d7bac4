-- One row per day of the scoring calendar: from the first contract (at most `history_days`
-- back, and not before the first day of product usage when there is any) to the as-of date,
-- the last complete day of data.
{%- set history_days = var('history_days', 1095) | int %}
{%- set as_of_date = var('as_of_date', none) %}
{%- if as_of_date and execute and (as_of_date | string) > run_started_at.strftime('%Y-%m-%d') %}
    {{ exceptions.raise_compiler_error(
        "as_of_date " ~ as_of_date ~ " is after today: a score can only use data already known"
    ) }}
{%- endif %}
with

{% for staged in staged_sources() -%}
    {{ staged.table }}_loaded as (
        select max(loaded_at) as last_loaded_at
        from {{ ref('stg_' ~ staged.source ~ '__' ~ staged.table) }}
    ),

{% endfor -%}
subscriptions as (
    select start_date from {{ ref('stg_billing__subscriptions') }}
),

usage_started as (
    select min(activity_date) as first_usage_date from {{ ref('int_product_usage_daily') }}
),

loads as (
    {%- for staged in staged_sources() %}
        select last_loaded_at from {{ staged.table }}_loaded
        {{ 'union all' if not loop.last }}
    {%- endfor %}
),

as_of as (
    select
        {%- if as_of_date %}
            cast('{{ as_of_date }}' as date) as as_of_date
        {%- else %}
            -- rows landed on day D carry outcomes up to D - 1: the last complete day
            {{ add_days('cast(max(last_loaded_at) as date)', -1) }} as as_of_date
        {%- endif %}
    from loads
),

bounds as (
    select
        as_of.as_of_date,
        min(subscriptions.start_date) as first_contract_date,
        {{ add_days('as_of.as_of_date', 1 - history_days) }} as first_history_date,
        usage_started.first_usage_date
    from as_of
    cross join usage_started
    cross join subscriptions
    group by as_of.as_of_date, usage_started.first_usage_date
),

scorable as (
    select
        as_of_date,
        first_usage_date,
        case
            when first_contract_date > first_history_date then first_contract_date
            else first_history_date
        end as first_scorable_date
    from bounds
),

first_day as (
    select
        as_of_date as last_day,
        -- days before any product usage would all score as zero engagement
        case
            when first_usage_date > first_scorable_date then first_usage_date
            else first_scorable_date
        end as first_day
    from scorable
),

day_offsets as (
    {{ integer_series(history_days | string | length) }}
),

calendar as (
    select {{ add_days('first_day.first_day', 'day_offsets.n') }} as date_day
    from first_day
    cross join day_offsets
    where day_offsets.n <= {{ days_between('first_day.first_day', 'first_day.last_day') }}
)

select * from calendar
