{#-
    Compile-time lookups into the scoring configuration seeds, so SQL windows and
    thresholds come from reviewed CSVs. Before the seed exists (parse, lint) the
    default is used; `dbt build` loads seeds before the models that need them.
-#}
{#- The built seed's relation, or none before it exists (parse, lint). -#}
{% macro _seed_relation(seed_name) -%}
    {#- ref first, so dbt records the dependency at parse time -#}
    {%- set seed = ref(seed_name) -%}
    {%- if not execute -%}{{ return(none) }}{%- endif -%}
    {%- if seed.schema is none -%}
        {#- in a unit test ref() names the fixture CTE: read the built seed (seeds: +schema) -#}
        {{ return(adapter.get_relation(
            target.database, generate_schema_name('scoring_config', none) | trim, seed_name
        )) }}
    {%- endif -%}
    {{ return(adapter.get_relation(seed.database, seed.schema, seed.identifier)) }}
{%- endmacro %}

{% macro _seed_lookup(seed_name, key_column, key, value_column, default) -%}
    {%- set relation = _seed_relation(seed_name) -%}
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

{#-
    The scoring metrics as the SQL is built: one dict per row of the scoring_metrics seed,
    ordered by component and metric. Scoring is wide (a column per metric), so the metric list,
    methods, bounds and weights shape the SQL; a changed seed changes the compiled models.
    Before the seed exists (parse, lint) one placeholder metric stands in.
-#}
{% macro scoring_metric_definitions() -%}
    {%- set relation = _seed_relation('scoring_metrics') -%}
    {%- if relation is none -%}
        {{ return([{
            'metric_name': 'active_user_ratio', 'component': 'engagement', 'direction': 'higher',
            'normalisation': 'absolute', 'lower_bound': 0, 'upper_bound': 1, 'weight': 1,
            'computed_in': 'engagement', 'source_table': 'product_events', 'window_days': 30,
            'valid_min': 0, 'valid_max': none,
        }]) }}
    {%- endif -%}
    {%- set result = run_query(
        "select * from " ~ relation ~ " order by component, metric_name"
    ) -%}
    {%- set definitions = [] -%}
    {%- for row in result.rows -%}
        {%- set definition = {} -%}
        {%- for column in result.column_names -%}
            {%- do definition.update({column | lower: row[column]}) -%}
        {%- endfor -%}
        {%- do definitions.append(definition) -%}
    {%- endfor -%}
    {{ return(definitions) }}
{%- endmacro %}

{#- The components of the scoring metrics, in order. -#}
{% macro scoring_components() -%}
    {%- set components = [] -%}
    {%- for metric in scoring_metric_definitions() if metric.component not in components -%}
        {%- do components.append(metric.component) -%}
    {%- endfor -%}
    {{ return(components) }}
{%- endmacro %}

{#- A seed number as an 8-byte float literal on every engine. -#}
{% macro float_literal(value) -%}
    cast({{ value }} as {{ type_double() }})
{%- endmacro %}

{#-
    The segment whose weights and bands score an account: its own plan tier when the seeds
    configure it, otherwise `default` (real customers have plan tiers we never saw). The
    configured tiers are read from `seed_name` (weights and bands name the same segments:
    tested) when the SQL compiles.
-#}
{% macro config_segment(segment, seed_name='scoring_bands') -%}
    {%- set relation = _seed_relation(seed_name) -%}
    {%- set configured = [] -%}
    {%- if relation is not none -%}
        {%- set result = run_query(
            "select distinct segment from " ~ relation ~ " where segment <> 'default' order by 1"
        ) -%}
        {%- for row in result.rows %}{% do configured.append(row[0]) %}{% endfor -%}
    {%- endif -%}
    case when {{ segment }} in ({{ sql_string_list(configured) }}) then {{ segment }} else 'default' end
{%- endmacro %}
