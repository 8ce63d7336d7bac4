{#-
    One score history never mixes two configurations (SPEC §5). The scoring SQL is compiled
    from the seeds (metric list, methods, bounds, weights, windows, settings) and from which
    sources are present, so an incremental model records the fingerprint of those inputs
    after each build; when it has changed since, `since()` recomputes every day instead of
    the recent ones. A changed seed re-scores all history, and only the models that read it.
-#}

{#- Where the fingerprints live: one row per model, with the intermediate models (build
    state, never published). -#}
{% macro fingerprint_relation() -%}
    {{ return(api.Relation.create(
        database=target.database,
        schema=generate_schema_name('intermediate', none) | trim,
        identifier='config_fingerprints',
    )) }}
{%- endmacro %}

{#- The fingerprint of this model's compile-time inputs: the seeds it reads (their files'
    checksums) and the presence of every optional source. -#}
{% macro config_fingerprint() -%}
    {%- if '_config_fingerprint' not in model -%}
        {%- set parts = [] -%}
        {%- for node_id in model.depends_on.nodes | sort if node_id.startswith('seed.') -%}
            {%- do parts.append(node_id ~ '=' ~ graph.nodes[node_id].checksum.checksum) -%}
        {%- endfor -%}
        {%- for staged in staged_sources() -%}
            {%- do parts.append(staged.table ~ '=' ~ using_source(staged.source, staged.table)) -%}
        {%- endfor -%}
        {%- do model.update({'_config_fingerprint': local_md5(parts | join(';'))}) -%}
    {%- endif -%}
    {{ return(model['_config_fingerprint']) }}
{%- endmacro %}

{#- True when this incremental model was built from other inputs than it now compiles from
    (or its fingerprint is unknown): the run must recompute all of its days. -#}
{% macro config_changed() -%}
    {%- if not execute or target.type == 'spark' -%}{{ return(false) }}{%- endif -%}
    {%- if '_config_changed' not in model -%}
        {%- set known = fingerprint_relation() -%}
        {%- set relation = adapter.get_relation(
            database=known.database, schema=known.schema, identifier=known.identifier
        ) -%}
        {%- set stored = none -%}
        {%- if relation is not none -%}
            {%- set result = run_query(
                "select fingerprint from " ~ relation ~ " where model_name = "
                ~ sql_string(this.identifier)
            ) -%}
            {%- if result.rows | length > 0 -%}{%- set stored = result.rows[0][0] -%}{%- endif -%}
        {%- endif -%}
        {%- set changed = stored != config_fingerprint() -%}
        {%- if changed -%}
            {{ log(
                this.identifier ~ ": its scoring configuration or sources changed since it was "
                ~ "built; recomputing all of its days", info=true
            ) }}
        {%- endif -%}
        {%- do model.update({'_config_changed': changed}) -%}
    {%- endif -%}
    {{ return(model['_config_changed']) }}
{%- endmacro %}

{#- Post-hook: record the fingerprint this model was just built from. -#}
{% macro record_fingerprint() -%}
    {%- if not execute or target.type == 'spark' -%}{{ return('') }}{%- endif -%}
    {%- set relation = fingerprint_relation() -%}
    create table if not exists {{ relation }} (
        model_name {{ dbt.type_string() }},
        fingerprint {{ dbt.type_string() }}
    );
    delete from {{ relation }} where model_name = {{ sql_string(this.identifier) }};
    insert into {{ relation }} (model_name, fingerprint)
    values ({{ sql_string(this.identifier) }}, {{ sql_string(config_fingerprint()) }})
{%- endmacro %}
