{#- The columns of a relation except some, as a select list (no dbt_utils here). -#}
{% macro star_except(relation, except) -%}
    {%- if not execute -%}{{ return('*') }}{%- endif -%}
    {%- set columns = adapter.get_columns_in_relation(relation) -%}
    {%- set kept = [] -%}
    {%- for column in columns if column.name | lower not in except -%}
        {%- do kept.append(adapter.quote(column.name) if ' ' in column.name else column.name) -%}
    {%- endfor -%}
    {{ kept | join(', ') }}
{%- endmacro %}
