{#-
    Compile-time lookups into the scoring configuration seeds, so SQL windows and
    thresholds come from reviewed CSVs. Before the seed exists (parse, lint) the
    default is used; `dbt build` loads seeds before the models that need them.
-#}
{% macro _seed_lookup(seed_name, key_column, key, value_column, default) -%}
    {#- ref first, so dbt records the dependency at parse time -#}
    {%- set seed = ref(seed_name) -%}
    {%- if not execute -%}{{ return(default) }}{%- endif -%}
    {%- if seed.schema is none -%}
        {#- in a unit test ref() names the fixture CTE: read the built seed (seeds: +schema) -#}
        {%- set relation = adapter.get_relation(
            target.database, generate_schema_name('scoring_config', none) | trim, seed_name
        ) -%}
    {%- else -%}
        {%- set relation = adapter.get_relation(seed.database, seed.schema, seed.identifier) -%}
    {%- endif -%}
    {%- if relation is none -%}{{ return(default) }}{%- endif -%}
    {%- set result = run_query(
        "select " ~ value_column ~ " from " ~ relation ~ " where " ~ key_column ~ " = '" ~ key ~ "'"
    ) -%}
    {%- if result.rows | length == 0 -%}{{ return(default) }}{%- endif -%}
    {{ return(result.rows[0][0]) }}
{%- endmacro %}

{% macro setting(name, default) -%}
    {{ return(_seed_lookup('scoring_settings', 'setting', name, 'value', default)) }}
{%- endmacro %}

{% macro metric_window(metric_name, default) -%}
    {{ return(_seed_lookup('scoring_metrics', 'metric_name', metric_name, 'window_days', default) | int) }}
{%- endmacro %}
