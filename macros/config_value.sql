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

{#- What the model being compiled declares it reads of `seed_name` (its meta.config_reads:
    columns, and optionally a key column and the rows it reads by key), or none: it may read
    all of it. config_fingerprint.sql fingerprints only the declared part. -#}
{% macro _declared_reads(seed_name) -%}
    {%- set node = model if model is mapping else {} -%}
    {%- set meta = (node.get('config') or {}).get('meta') or node.get('meta') or {} -%}
    {{ return((meta.get('config_reads') or {}).get(seed_name)) }}
{%- endmacro %}

{#- Stop the compile when a model reads a part of a seed it did not declare: its
    fingerprint would miss a change there, and it would keep stale history. -#}
{% macro _check_declared(seed_name, columns, key=none) -%}
    {%- set reads = _declared_reads(seed_name) -%}
    {%- if reads is none or not execute -%}{{ return('') }}{%- endif -%}
    {%- set missing = columns | reject('in', reads.get('columns', [])) | list -%}
    {%- if key is not none and reads.get('rows') is not none and key not in reads.get('rows') -%}
        {%- do missing.append(reads.get('key') ~ ' = ' ~ key) -%}
    {%- endif -%}
    {%- if missing -%}
        {{ exceptions.raise_compiler_error(
            model.name ~ " reads " ~ seed_name ~ " " ~ missing | join(', ') ~ ", which its "
            ~ "meta.config_reads does not declare: declare it (dbt_project.yml or its YAML), "
            ~ "so a change there recomputes its history"
        ) }}
    {%- endif -%}
{%- endmacro %}

{#- The `value_column` of the seed row whose `key_column` is `key` (a quoted literal), or
    `default` when there is no such row or no seed yet. -#}
{% macro _seed_lookup(seed_name, key_column, key, value_column, default) -%}
    {%- do _check_declared(seed_name, [key_column, value_column], key) -%}
    {%- set relation = _seed_relation(seed_name) -%}
    {%- if relation is none -%}{{ return(default) }}{%- endif -%}
    {%- set result = run_query(
        "select " ~ value_column ~ " from " ~ relation ~ " where " ~ key_column ~ " = " ~ sql_string(key)
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
    {#- a model that declares what it reads of the seed sees only that -#}
    {%- set reads = _declared_reads('scoring_metrics') -%}
    {%- set result = run_query(
        "select " ~ (reads.get('columns') | join(', ') if reads else '*') ~ " from " ~ relation
        ~ " order by component, metric_name"
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
