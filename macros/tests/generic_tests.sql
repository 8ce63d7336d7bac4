{#- Generic tests we need, written here because dbt Hub packages cannot be installed. -#}

{#- Every non-null value lies in [min_value, max_value]. -#}
{% test accepted_range(model, column_name, min_value=none, max_value=none) %}
select *
from {{ model }}
where {{ column_name }} is not null
    and (
        1 = 0
        {%- if min_value is not none %} or {{ column_name }} < {{ min_value }}{% endif %}
        {%- if max_value is not none %} or {{ column_name }} > {{ max_value }}{% endif %}
    )
{% endtest %}

{#- A boolean SQL expression holds on every row. -#}
{% test expression_is_true(model, expression) %}
select *
from {{ model }}
where not ({{ expression }})
{% endtest %}

{#- No two rows share the combination of these columns. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
select {{ combination_of_columns | join(', ') }}, count(*) as n_rows
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1
{% endtest %}

{#- Per group, a column sums to `total` within `tolerance` (weights that must add up to 1). -#}
{% test sums_to(model, column_name, group_by, total=1, tolerance=0.000001) %}
select {{ group_by | join(', ') }}, sum({{ column_name }}) as total
from {{ model }}
group by {{ group_by | join(', ') }}
having abs(sum({{ column_name }}) - {{ total }}) > {{ tolerance }}
{% endtest %}

{#-
    Every metric column of a wide scoring model lies in its plausible range: the raw value in
    [valid_min, valid_max] of its scoring_metrics row (either may be empty), or, with
    `suffix='_score'`, the normalised score in [0, 100]. One test for all metrics, read from
    the seed, so a new metric is checked without a line of YAML.
-#}
{% test metric_values_in_range(model, suffix='') %}
{%- set checks = [] -%}
{%- for metric in scoring_metric_definitions() -%}
    {%- set column = metric.metric_name ~ suffix -%}
    {%- set low = 0 if suffix else metric.valid_min -%}
    {%- set high = 100 if suffix else metric.valid_max -%}
    {%- if low is not none and low | string | length > 0 -%}
        {%- do checks.append((column, column ~ ' < ' ~ low ~ ' - 0.000001')) -%}
    {%- endif -%}
    {%- if high is not none and high | string | length > 0 -%}
        {%- do checks.append((column, column ~ ' > ' ~ high ~ ' + 0.000001')) -%}
    {%- endif -%}
{%- endfor %}
{%- for column, condition in checks %}
select {{ sql_string(column) }} as metric_column, count(*) as rows_out_of_range
from {{ model }}
where {{ condition }}
having count(*) > 0
{{ 'union all' if not loop.last }}
{%- endfor %}
{%- if not checks %}
select 'none' as metric_column, 0 as rows_out_of_range where 1 = 0
{%- endif %}
{% endtest %}
