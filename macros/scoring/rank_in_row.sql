{#-
    Ranking a handful of columns within each row, with scalar SQL only: no list built, sorted
    and sliced per row (the lambdas of that cost most of the drivers model's time), no window
    over a long table. Each candidate is a (name, key) pair; its key becomes a whole number
    (bigint, so float noise cannot reorder ties) times 1024 plus the candidate's position in
    name order. Ordering these codes orders by (key, name); `least` (which skips nulls) picks
    the first, the least code above it the second, and so on; the position in the code gives
    the name back. A null key leaves the candidate out.
-#}

{#- The candidates, in name order (the tie-break). -#}
{% macro rank_candidates(candidates) -%}
    {%- if candidates | length >= 1024 -%}
        {{ exceptions.raise_compiler_error("rank_in_row: at most 1023 candidates to rank") }}
    {%- endif -%}
    {{ return(candidates | sort(attribute='0')) }}
{%- endmacro %}

{#- Select-list: one rank code per candidate, as `<prefix>_code_<position>`. -#}
{% macro rank_code_columns(candidates, prefix) -%}
    {%- for name, key in rank_candidates(candidates) %}
        {{ whole_number(key) }} * 1024 + {{ loop.index }}
            as {{ prefix }}_code_{{ loop.index }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- A double as a bigint, rounded: DuckDB's and PostgreSQL's casts round; Spark's truncates,
    so keys a hair apart (4374999.995 and 4375000.0) would tie there only. -#}
{% macro whole_number(expression) -%}
    {{ return(adapter.dispatch('whole_number')(expression)) }}
{%- endmacro %}
{% macro default__whole_number(expression) -%}
    cast({{ expression }} as {{ dbt.type_bigint() }})
{%- endmacro %}
{% macro spark__whole_number(expression) -%}
    cast(round({{ expression }}) as {{ dbt.type_bigint() }})
{%- endmacro %}

{#- The rank-code columns of the candidates named in `names` (all when none). -#}
{% macro rank_code_names(candidates, prefix, names=none) -%}
    {%- set columns = [] -%}
    {%- for name, key in rank_candidates(candidates) -%}
        {%- if names is none or name in names -%}
            {%- do columns.append(prefix ~ '_code_' ~ loop.index) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}

{#- The least of `columns` above `above` (all of them when `above` is none): the code that
    ranks next. Null when none is left. -#}
{% macro next_rank_code(columns, above=none) -%}
    {%- set terms = [] -%}
    {%- for column in columns -%}
        {%- do terms.append(
            column if above is none else 'case when ' ~ column ~ ' > ' ~ above ~ ' then ' ~ column ~ ' end'
        ) -%}
    {%- endfor -%}
    {%- if terms | length == 1 -%}
        {{ terms[0] }}
    {%- else -%}
        least({{ terms | join(', ') }})
    {%- endif -%}
{%- endmacro %}

{#- The name a rank code stands for (null for a null code). -#}
{% macro rank_code_name(code, candidates) -%}
    case ((({{ code }}) % 1024) + 1024) % 1024
    {%- for name, key in rank_candidates(candidates) %}
        when {{ loop.index }} then {{ sql_string(name) }}
    {%- endfor %}
    end
{%- endmacro %}

{#- The names of the codes, first first, joined with ', '; null when every code is null. -#}
{% macro rank_code_names_joined(codes, candidates) -%}
    {%- set names = [] -%}
    {%- for code in codes -%}
        {%- do names.append(rank_code_name(code, candidates)) -%}
    {%- endfor -%}
    nullif(concat_ws(', ', {{ names | join(', ') }}), '')
{%- endmacro %}
