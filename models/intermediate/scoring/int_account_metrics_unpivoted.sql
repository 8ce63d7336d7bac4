-- One row per account, day and metric with the metric's raw value (null = not measured).
{%- set keys = ['account_id', 'score_date', 'segment'] %}
{%- set wide = ref('int_account_metrics_joined') %}
{%- set metric_columns = [] %}
{%- if execute %}
    {%- for column in adapter.get_columns_in_relation(wide) if column.name | lower not in keys %}
        {%- do metric_columns.append(column.name | lower) %}
    {%- endfor %}
{%- endif %}
{%- if metric_columns | length == 0 %}
    {#- before the wide model exists (parse, lint) -#}
    {%- do metric_columns.append('active_user_ratio') %}
{%- endif %}
with

metrics_wide as (
    select * from {{ wide }}
    where {{ since('score_date') }}
),

unpivoted as (
    {{ unpivot_columns('metrics_wide', keys, metric_columns, 'metric_name', 'raw_value') }}
)

select * from unpivoted
