{#-
    One score history never mixes two configurations (SPEC §5). The scoring SQL is compiled
    from the seeds (metric list, methods, bounds, weights, windows, settings) and from which
    sources are present, so an incremental model records the fingerprint of those inputs
    after each build; when it has changed since, `since()` recomputes every day instead of
    the recent ones. A changed seed re-scores all history, in the models downstream of it
    and only those.
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

{#- The fingerprint of a model's compile-time inputs: the seeds it or any model upstream
    reads (their files' checksums: a re-scored model re-scores its children) and the
    presence of every optional source and the connector filling it. -#}
{% macro node_fingerprint(node) -%}
    {%- set queue, seen, seeds = node.depends_on.nodes | list, [], [] -%}
    {%- for _ in range(100000) -%}
        {%- if not queue %}{% break %}{% endif -%}
        {%- set node_id = queue.pop() -%}
        {%- if node_id not in seen and node_id in graph.nodes -%}
            {%- do seen.append(node_id) -%}
            {%- if node_id.startswith('seed.') -%}
                {%- do seeds.append(node_id) -%}
            {%- else -%}
                {%- do queue.extend(graph.nodes[node_id].depends_on.nodes) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set parts = [] -%}
    {%- for node_id in seeds | sort -%}
        {%- do parts.append(node_id ~ '=' ~ graph.nodes[node_id].checksum.checksum) -%}
    {%- endfor -%}
    {%- for staged in staged_sources() -%}
        {#- which connector fills a table changes its rows as much as its presence -#}
        {%- do parts.append(
            staged.table ~ '=' ~ using_source(staged.source, staged.table) ~ ':'
            ~ (table_connector(staged.source, staged.table) or 'native')
        ) -%}
    {%- endfor -%}
    {{ return(local_md5(parts | join(';'))) }}
{%- endmacro %}

{#- This model's fingerprint, computed once per compile. -#}
{% macro config_fingerprint() -%}
    {%- if '_config_fingerprint' not in model -%}
        {%- do model.update({'_config_fingerprint': node_fingerprint(model)}) -%}
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

{#- on-run-start: the table the fingerprints are kept in (created once, not by each model's
    thread: DuckDB refuses concurrent creates). -#}
{% macro create_fingerprint_table() -%}
    {%- if not execute or target.type == 'spark' -%}{{ return('') }}{%- endif -%}
    {%- set relation = fingerprint_relation() -%}
    {%- do adapter.create_schema(relation) -%}
    create table if not exists {{ relation }} (
        model_name {{ dbt.type_string() }},
        fingerprint {{ dbt.type_string() }}
    )
{%- endmacro %}

{#- on-run-end: record the fingerprint each model that built in this run was built from. -#}
{% macro record_fingerprints(results) -%}
    {%- if not execute or target.type == 'spark' -%}{{ return('') }}{%- endif -%}
    {%- set built = [] -%}
    {%- for result in results
        if result.node.resource_type == 'model' and result.status == 'success' -%}
        {%- set node = graph.nodes[result.node.unique_id] -%}
        {%- do built.append((node.alias or node.name, node_fingerprint(node))) -%}
    {%- endfor -%}
    {%- if not built -%}{{ return('') }}{%- endif -%}
    {%- set relation = fingerprint_relation() -%}
    delete from {{ relation }} where model_name in ({{ sql_string_list(built | map(attribute=0)) }});
    insert into {{ relation }} (model_name, fingerprint) values
    {%- for name, fingerprint in built %}
        ({{ sql_string(name) }}, {{ sql_string(fingerprint) }}){{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
