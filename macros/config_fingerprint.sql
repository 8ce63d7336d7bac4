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
    presence of every optional source and the connector filling it. A model that declares
    the part of a seed it reads (meta.config_reads, enforced by config_value.sql) counts
    that part's content instead of the file: measuring reads the metric list and windows,
    so a changed weight re-scores without re-measuring. -#}
{% macro node_fingerprint(node) -%}
    {%- set queue, seen, parts = [node.unique_id], [], [] -%}
    {%- for _ in range(100000) -%}
        {%- if not queue %}{% break %}{% endif -%}
        {%- set node_id = queue.pop() -%}
        {%- if node_id not in seen and node_id in graph.nodes -%}
            {%- do seen.append(node_id) -%}
            {%- set consumer = graph.nodes[node_id] -%}
            {%- set meta = (consumer.config or {}).get('meta') or consumer.get('meta') or {} -%}
            {%- for parent_id in consumer.depends_on.nodes -%}
                {%- if parent_id.startswith('seed.') and parent_id in graph.nodes -%}
                    {%- set seed = graph.nodes[parent_id] -%}
                    {%- set reads = (meta.get('config_reads') or {}).get(seed.name) -%}
                    {%- set part = parent_id ~ '=' ~ (
                        seed_part_fingerprint(seed, reads) if reads else seed.checksum.checksum
                    ) -%}
                    {%- if part not in parts %}{% do parts.append(part) %}{% endif -%}
                {%- else -%}
                    {%- do queue.append(parent_id) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set parts = parts | sort -%}
    {%- for staged in staged_sources() -%}
        {#- which connector fills a table changes its rows as much as its presence -#}
        {%- do parts.append(
            staged.table ~ '=' ~ using_source(staged.source, staged.table) ~ ':'
            ~ (table_connector(staged.source, staged.table) or 'native')
        ) -%}
    {%- endfor -%}
    {{ return(local_md5(parts | join(';'))) }}
{%- endmacro %}

{#- The content of the declared part of a built seed: its `columns`, in the rows whose `key`
    is in `rows` (all rows when no rows are given). The file's checksum before it is built. -#}
{% macro seed_part_fingerprint(seed, reads) -%}
    {%- set relation = adapter.get_relation(seed.database, seed.schema, seed.alias or seed.name) -%}
    {%- if relation is none -%}{{ return(seed.checksum.checksum) }}{%- endif -%}
    {%- set values = [] -%}
    {%- for column in reads.get('columns') -%}
        {%- do values.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '<null>')") -%}
    {%- endfor -%}
    {%- set query -%}
        select {{ values | join(" || '|' || ") }} as part_row from {{ relation }}
        {%- if reads.get('rows') is not none %}
        where {{ reads.get('key') }} in ({{ sql_string_list(reads.get('rows')) }})
        {%- endif %}
    {%- endset -%}
    {%- set rows = run_query(query).columns[0].values() | sort -%}
    {{ return(local_md5((reads | string) ~ '#' ~ rows | join('\n'))) }}
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
