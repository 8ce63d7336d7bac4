{#-
    The loaded_at_query of the raw sources (`dbt source freshness`): the latest `_loaded_at`
    of the table. An absent optional table (no file, no row, or `using_<table>: false`; macro
    using_source) answers the time of the check instead: nothing is delivered, so nothing is
    late -- its metrics are N/A, not stale -- where a plain max() over a missing Parquet file
    is an error and over an empty table "infinitely old".
-#}
{% macro latest_loaded_at(relation, source_node, loaded_at_field='_loaded_at') -%}
    {%- if using_source(source_node.source_name, source_node.name) -%}
        select max({{ loaded_at_field }}) as max_loaded_at from {{ relation }}
    {%- else -%}
        select {{ dbt.current_timestamp() }} as max_loaded_at
    {%- endif -%}
{%- endmacro %}
