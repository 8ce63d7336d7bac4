{#-
    The metric registry: scoring_metrics says, per metric, which model computes it
    (`computed_in`) and which raw table feeds it (`source_table`). Adding a metric is a row
    there plus, for a new kind of measure, one SQL expression in int_<kind>_metrics_computed.
-#}

{#- The kinds of metric, each computed by its model int_<kind>_metrics_computed. -#}
{% macro metric_kinds() -%}
    {{ return(['engagement', 'survey', 'financial', 'support', 'lifecycle', 'provided']) }}
{%- endmacro %}

{#- A SQL string literal of a seed value, quotes escaped. -#}
{% macro sql_string(value) -%}
    '{{ value | string | replace("'", "''") }}'
{%- endmacro %}

{#- Comma-separated SQL string literals; `null` for an empty list (so `in (...)` matches nothing). -#}
{% macro sql_string_list(values) -%}
    {%- set literals = [] -%}
    {%- for value in values %}{% do literals.append(sql_string(value)) %}{% endfor -%}
    {{ literals | join(', ') if literals else 'null' }}
{%- endmacro %}

{#- Each metric's window_days as a SQL expression on the column `metric_name`. -#}
{% macro max_age_days(metrics) -%}
    {%- if metrics | length == 0 -%}1{%- else -%}
    case metric_name
        {%- for metric in metrics %}
        when {{ sql_string(metric.metric_name) }} then {{ metric.window_days | int }}
        {%- endfor %}
    end
    {%- endif -%}
{%- endmacro %}

{#- The raw source a metric reads, by its source_table (from the staged sources list). -#}
{% macro metric_source(metric) -%}
    {%- for staged in staged_sources() if staged.table == metric.source_table -%}
        {{ return(staged) }}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error(
        "scoring_metrics: metric '" ~ metric.metric_name ~ "' has source_table '"
        ~ metric.source_table ~ "', which is not a raw table of the contract"
    ) }}
{%- endmacro %}

{#-
    A metric's value on an account-day, read from its kind's model (aliased by the kind), or
    null -- N/A, not zero -- when the raw table that feeds it is absent.
-#}
{% macro metric_value(metric) -%}
    {%- if metric.computed_in not in metric_kinds() -%}
        {{ exceptions.raise_compiler_error(
            "scoring_metrics: metric '" ~ metric.metric_name ~ "' has computed_in '"
            ~ metric.computed_in ~ "'; expected one of " ~ metric_kinds() | join(', ')
        ) }}
    {%- endif -%}
    {%- set staged = metric_source(metric) -%}
    {%- if using_source(staged.source, staged.table) -%}
        cast({{ metric.computed_in }}.{{ metric.metric_name }} as {{ type_double() }})
    {%- else -%}
        cast(null as {{ type_double() }})
    {%- endif -%}
{%- endmacro %}

{#- Fail the compile with a clear message when a metric's model does not compute it. -#}
{% macro check_metrics_computed(metrics) -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- for kind in metric_kinds() -%}
        {%- set relation = ref('int_' ~ kind ~ '_metrics_computed') -%}
        {%- set computed = [] -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
            {%- do computed.append(column.name | lower) -%}
        {%- endfor -%}
        {%- for metric in metrics if metric.computed_in == kind and computed
            and metric.metric_name | lower not in computed -%}
            {{ exceptions.raise_compiler_error(
                "scoring_metrics: metric '" ~ metric.metric_name ~ "' has computed_in '" ~ kind
                ~ "', but int_" ~ kind ~ "_metrics_computed has no column '" ~ metric.metric_name
                ~ "': add its SQL expression there"
            ) }}
        {%- endfor -%}
    {%- endfor -%}
{%- endmacro %}
