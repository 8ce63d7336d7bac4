{#-
    dbt's convention for environments: a folder's custom schema (staging, intermediate, marts,
    scoring_config) is prefixed by the target's schema, `<target.schema>_marts`, so every
    developer and CI run on a shared server builds its own schemas. Targets listed in var
    `unprefixed_schema_targets` use the names as they are: `prod`, and the single-user targets
    whose warehouse belongs to one checkout (`duckdb`: a file; `spark`: a local session).
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif target.name in var('unprefixed_schema_targets', ['prod']) -%}
        {{ custom_schema_name | trim }}
    {%- else -%}
        {{ target.schema }}_{{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
