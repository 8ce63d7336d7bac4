{#-
    The first `n` names of `candidates`, a list of (name, sort key) pairs, in ascending order
    of their key (then name), joined with ', '; candidates with a null key are left out, and
    none left gives null. Keys are whole numbers (bigint), so float noise cannot reorder ties.
    This ranks a handful of columns within one row, with no window over a long table.
-#}
{% macro first_names(candidates, n) -%}
    {{ return(adapter.dispatch('first_names')(candidates, n)) }}
{%- endmacro %}

{% macro default__first_names(candidates, n) -%}
    {#- PostgreSQL: the row's candidates as a VALUES list, ordered and cut in a subquery -#}
    (
        select {{ dbt.listagg('name', "', '", 'order by sort_key, name') }}
        from (
            select name, sort_key
            from (
                values
                {%- for name, key in candidates %}
                ({{ sql_string(name) }}, cast({{ key }} as {{ dbt.type_bigint() }})){{ ',' if not loop.last }}
                {%- endfor %}
            ) as candidates (name, sort_key)
            where sort_key is not null
            order by sort_key, name
            limit {{ n }}
        ) as firsts
    )
{%- endmacro %}

{% macro duckdb__first_names(candidates, n) -%}
    {#- sorts (key, position) pairs and looks the names up after: a list of integer structs
        sorts ~2x faster than one that carries the name strings -#}
    {%- set ordered = candidates | sort(attribute='0') -%}
    {%- set names = [] -%}
    {%- for name, key in ordered %}{% do names.append(sql_string(name)) %}{% endfor -%}
    nullif(array_to_string(list_transform(list_sort(list_filter([
        {%- for name, key in ordered %}
        {'sort_key': cast({{ key }} as bigint), 'position': {{ loop.index }}}{{ ',' if not loop.last }}
        {%- endfor %}
    ], lambda candidate: candidate.sort_key is not null))[1:{{ n }}],
    lambda candidate: [{{ names | join(', ') }}][candidate.position]), ', '), '')
{%- endmacro %}

{% macro spark__first_names(candidates, n) -%}
    {#- Spark's cast of a double to bigint truncates; DuckDB's and PostgreSQL's round. Round
        first, or keys a hair apart (4374999.995 and 4375000.0) tie on one engine only. -#}
    nullif(concat_ws(', ', transform(slice(array_sort(filter(array(
        {%- for name, key in candidates %}
        named_struct('sort_key', cast(round({{ key }}) as bigint), 'name', {{ sql_string(name) }}){{ ',' if not loop.last }}
        {%- endfor %}
    ), candidate -> candidate.sort_key is not null)), 1, {{ n }}), candidate -> candidate.name)), '')
{%- endmacro %}
