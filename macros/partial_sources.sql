{#-
    Partial sources (SPEC §3): only the raw tables marked `meta: {required: true}` must exist.
    Any other one may be absent -- no file, an empty table, or switched off with the var
    `using_<table>: false` (Fivetran's convention) -- and its models then read an empty
    relation with the contract's columns, so everything downstream still builds and the
    metrics it feeds are N/A (int_account_metrics_joined).
-#}

{#- The raw table's source node in the graph (columns, meta), or none before execution. -#}
{% macro _source_node(source_name, table_name) -%}
    {%- if not execute -%}{{ return(none) }}{%- endif -%}
    {{ return(graph.sources.get('source.' ~ project_name ~ '.' ~ source_name ~ '.' ~ table_name)) }}
{%- endmacro %}

{#-
    Is this raw table present? `using_<table>` decides when set; otherwise a table is present
    when it holds at least one row. Required tables are always present (preflight and dbt
    fail loudly when they are missing).
-#}
{% macro using_source(source_name, table_name) -%}
    {%- set flag = var('using_' ~ table_name, none) -%}
    {%- set node = _source_node(source_name, table_name) -%}
    {%- if node is none or node.meta.get('required', false) -%}
        {{ return(true) }}
    {%- elif flag is not none -%}
        {{ return(flag | string | lower in ['true', '1', 'yes', 'on']) }}
    {%- endif -%}
    {{ return(adapter.dispatch('source_has_rows')(source_name, table_name)) }}
{%- endmacro %}

{#- DuckDB reads raw Parquet files: a missing file is an absent table, not an error. -#}
{% macro duckdb__source_has_rows(source_name, table_name) -%}
    {%- set path = env_var('CHW_RAW_PATH', 'data/raw') ~ '/' ~ table_name ~ '.parquet' -%}
    {%- set quoted = "'" ~ path | replace("'", "''") ~ "'" -%}
    {%- set found = run_query('select count(*) from glob(' ~ quoted ~ ')').columns[0].values()[0] -%}
    {%- if found == 0 -%}{{ return(false) }}{%- endif -%}
    {%- set rows = run_query(
        'select count(*) from (select 1 from read_parquet(' ~ quoted ~ ') limit 1) as probe'
    ).columns[0].values()[0] -%}
    {{ return(rows > 0) }}
{%- endmacro %}

{#- A warehouse's raw schema: the table must exist and hold a row. -#}
{% macro default__source_has_rows(source_name, table_name) -%}
    {%- set node = _source_node(source_name, table_name) -%}
    {%- set relation = adapter.get_relation(
        database=node.database, schema=node.schema, identifier=node.identifier
    ) -%}
    {%- if relation is none -%}{{ return(false) }}{%- endif -%}
    {%- set rows = run_query(
        'select count(*) from (select 1 from ' ~ relation ~ ' limit 1) as probe'
    ).columns[0].values()[0] -%}
    {{ return(rows > 0) }}
{%- endmacro %}

{#-
    What a model selects from for a raw table: the source itself when present, otherwise an
    empty relation with the contract's columns and types (from the sources YAML).
-#}
{% macro raw_source(source_name, table_name) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- if using_source(source_name, table_name) -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set node = _source_node(source_name, table_name) -%}
    {%- set columns = [] -%}
    {%- for column in node.columns.values() -%}
        {%- do columns.append(
            'cast(null as ' ~ contract_type(column.data_type) ~ ') as ' ~ column.name
        ) -%}
    {%- endfor -%}
    {{ return('(select ' ~ columns | join(', ') ~ ' where 1 = 0) as absent_' ~ table_name) }}
{%- endmacro %}

{#- The engine's type for a raw-contract type name (the sources YAML's data_type). -#}
{% macro contract_type(data_type) -%}
    {%- set types = {
        'varchar': dbt.type_string(),
        'timestamp': dbt.type_timestamp(),
        'date': 'date',
        'double': type_double(),
        'integer': dbt.type_int(),
        'bigint': dbt.type_bigint(),
        'boolean': dbt.type_boolean(),
    } -%}
    {{ return(types[data_type | lower]) }}
{%- endmacro %}
