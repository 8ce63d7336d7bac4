{#-
    Connector adapters (docs/adapters.md). A raw table of the contract may be filled by a
    connector's own tables instead of the native contract: the var `<source>_source` picks
    the connector (e.g. `billing_source: stripe`), and `raw_source()` then reads the adapter
    model `adapter_<connector>__<table>`, which maps the connector's tables into exactly the
    contract's columns plus `_deleted_in_source`. The base models screen it unchanged.
    The native contract stays the default; sources may be mixed (Stripe billing, native events).
-#}

{#- Which connectors can fill which raw tables of which contract source (dbt_project.yml). -#}
{% macro connector_adapters() -%}
    {{ return(var('connector_adapters')) }}
{%- endmacro %}

{#- The connector selected for a contract source: 'native' (the default) or a connector name. -#}
{% macro selected_connector(source_name) -%}
    {%- set selected = var(source_name ~ '_source', 'native') | string | lower -%}
    {%- set choices = connector_adapters().get(source_name, {}) -%}
    {%- if selected != 'native' and selected not in choices -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ source_name ~ "_source: '" ~ selected ~ "' is not a connector for "
            ~ source_name ~ "; choose native" ~ (" or " ~ choices.keys() | join(' or ') if choices else '')
        ) }}
    {%- endif -%}
    {{ return(selected) }}
{%- endmacro %}

{#- The connector that fills this raw table, or none when the native contract does. -#}
{% macro table_connector(source_name, table_name) -%}
    {%- set selected = selected_connector(source_name) -%}
    {%- if selected != 'native' and table_name in connector_adapters()[source_name][selected] -%}
        {{ return(selected) }}
    {%- endif -%}
    {{ return(none) }}
{%- endmacro %}

{#- Is this connector selected for any source? Enables its sources and adapter models. -#}
{% macro connector_enabled(connector) -%}
    {%- for source_name in connector_adapters() -%}
        {%- if selected_connector(source_name) == connector -%}{{ return(true) }}{%- endif -%}
    {%- endfor -%}
    {{ return(false) }}
{%- endmacro %}

{#-
    A base model's `deleted_in_source` flag: a connector's soft-deleted rows
    (`_fivetran_deleted`, Stripe `is_deleted`, Salesforce `IsDeleted`) arrive flagged and are
    quarantined with reason `deleted_in_source`; the native contract has no such rows.
-#}
{% macro deleted_in_source(source_name, table_name) -%}
    {%- if table_connector(source_name, table_name) is not none -%}
        coalesce(cast(_deleted_in_source as boolean), false)
    {%- else -%}
        false
    {%- endif -%}
{%- endmacro %}

{#- A string key from a JSON object held as text (a connector's `metadata`, `properties`). -#}
{% macro json_text_field(column, key) -%}
    {{ return(adapter.dispatch('json_text_field')(column, key)) }}
{%- endmacro %}
{% macro default__json_text_field(column, key) -%}
    json_extract_string({{ column }}, '$.{{ key }}')
{%- endmacro %}
{% macro postgres__json_text_field(column, key) -%}
    (cast({{ column }} as json) ->> '{{ key }}')
{%- endmacro %}
{% macro spark__json_text_field(column, key) -%}
    get_json_object({{ column }}, '$.{{ key }}')
{%- endmacro %}

{#- A stable bigint from a string id (Segment's message ids; the contract's event_id is a bigint). -#}
{% macro string_to_bigint_id(column) -%}
    {{ return(adapter.dispatch('string_to_bigint_id')(column)) }}
{%- endmacro %}
{% macro default__string_to_bigint_id(column) -%}
    cast(('0x' || substr(md5({{ column }}), 1, 15)) as {{ dbt.type_bigint() }})
{%- endmacro %}
{% macro postgres__string_to_bigint_id(column) -%}
    cast(cast(('x' || substr(md5({{ column }}), 1, 15)) as bit(60)) as {{ dbt.type_bigint() }})
{%- endmacro %}
{% macro spark__string_to_bigint_id(column) -%}
    cast(conv(substr(md5({{ column }}), 1, 15), 16, 10) as {{ dbt.type_bigint() }})
{%- endmacro %}
