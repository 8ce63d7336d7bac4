{#-
    What differs between DuckDB, PostgreSQL and Spark, behind adapter.dispatch.
    Everything else uses dbt's cross-database macros (dbt.dateadd, dbt.datediff, ...).
-#}

{#-
    Raw timestamps as naive UTC timestamps. A naive raw timestamp is UTC by contract; a
    time-zone-aware one (TIMESTAMPTZ, Parquet's isAdjustedToUTC) is an instant. A plain cast
    of an instant renders it in the session's zone, which DuckDB takes from the host: the same
    rows gave other days under TZ=America/Los_Angeles. DuckDB counts microseconds since the
    epoch, which for both kinds is the UTC reading, and builds the naive timestamp from them.
-#}
{% macro to_utc(column) -%}
    {{ return(adapter.dispatch('to_utc')(column)) }}
{%- endmacro %}
{% macro default__to_utc(column) -%}
    cast({{ column }} as {{ dbt.type_timestamp() }})
{%- endmacro %}
{% macro duckdb__to_utc(column) -%}
    make_timestamp(epoch_us({{ column }}))
{%- endmacro %}

{#- A raw date (or a timestamp standing for one) as the UTC calendar date. -#}
{% macro to_utc_date(column) -%}
    cast({{ to_utc(column) }} as date)
{%- endmacro %}

{#- The whole row as JSON text, so a quarantined row keeps every value it came with. -#}
{% macro row_to_json_text(relation_alias) -%}
    {{ return(adapter.dispatch('row_to_json_text')(relation_alias)) }}
{%- endmacro %}
{% macro default__row_to_json_text(relation_alias) -%}
    cast(to_json({{ relation_alias }}) as {{ dbt.type_string() }})
{%- endmacro %}
{% macro postgres__row_to_json_text(relation_alias) -%}
    cast(row_to_json({{ relation_alias }}) as text)
{%- endmacro %}
{% macro spark__row_to_json_text(relation_alias) -%}
    to_json(struct({{ relation_alias }}.*))
{%- endmacro %}

{#- Integers 0 .. 10^digits - 1 from cross-joined digits: portable, no generate_series. -#}
{% macro integer_series(digits=4) -%}
    {{ return(adapter.dispatch('integer_series')(digits)) }}
{%- endmacro %}
{% macro default__integer_series(digits) -%}
    select
        {%- for i in range(digits) %}
        {{ '+ ' if not loop.first }}d{{ i }}.n * {{ 10 ** i }}
        {%- endfor %} as n
    from
    {%- for i in range(digits) %}
        (select n from (values (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) as v (n)) as d{{ i }}
        {{- ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
{% macro spark__integer_series(digits) -%}
    select cast(id as int) as n from range({{ 10 ** digits }})
{%- endmacro %}

{#- A date plus a whole number of days, where the number is a column. -#}
{% macro add_days(date_expression, days_expression) -%}
    {{ return(adapter.dispatch('add_days')(date_expression, days_expression)) }}
{%- endmacro %}
{% macro default__add_days(date_expression, days_expression) -%}
    cast({{ dbt.dateadd('day', days_expression, date_expression) }} as date)
{%- endmacro %}
{% macro spark__add_days(date_expression, days_expression) -%}
    date_add({{ date_expression }}, cast({{ days_expression }} as int))
{%- endmacro %}

{#- Whole days from one date to another. -#}
{% macro days_between(start_date, end_date) -%}
    {{ dbt.datediff(start_date, end_date, 'day') }}
{%- endmacro %}

{#-
    A metric value rounded to 9 decimals. Engines add float noise in different last bits
    (40 on one, 40.00000000000001 on another); rounded, equal values tie in percentiles and
    sit exactly on a threshold on every engine, so scores do not depend on the engine.
-#}
{% macro round_float_noise(expression) -%}
    {{ return(adapter.dispatch('round_float_noise')(expression)) }}
{%- endmacro %}
{% macro default__round_float_noise(expression) -%}
    round(cast({{ expression }} as {{ type_double() }}), 9)
{%- endmacro %}
{% macro postgres__round_float_noise(expression) -%}
    {#- PostgreSQL rounds to n places only numerics -#}
    cast(round(cast({{ expression }} as numeric), 9) as float8)
{%- endmacro %}

{#-
    A salted one-way hash of PII (contact email) so it never reaches a mart. The salt is a
    secret, never in the repo: env CHW_PII_SALT, which `chw` sets from the environment or
    from a generated local file (scripts/chw/pii.py). A bare `dbt` run without it salts with
    its invocation id: the hashes are then unlinkable across runs, never guessable.
-#}
{% macro hash_pii(column) -%}
    {%- set salt = env_var('CHW_PII_SALT', invocation_id) | replace("'", "''") -%}
    {{ dbt.hash("concat('" ~ salt ~ "', lower(trim(" ~ column ~ ")))") }}
{%- endmacro %}

{#- An 8-byte float on every engine (dbt.type_float() is a 4-byte FLOAT on DuckDB). -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double')()) }}
{%- endmacro %}
{% macro default__type_double() -%}
    float8
{%- endmacro %}
{% macro spark__type_double() -%}
    double
{%- endmacro %}

{#- True when a float is NaN or an infinity (which compare in engine-specific ways). -#}
{% macro is_not_finite(column) -%}
    {{ return(adapter.dispatch('is_not_finite')(column)) }}
{%- endmacro %}
{% macro default__is_not_finite(column) -%}
    not isfinite({{ column }})
{%- endmacro %}
{% macro postgres__is_not_finite(column) -%}
    {{ column }} in (cast('NaN' as float8), cast('Infinity' as float8), cast('-Infinity' as float8))
{%- endmacro %}
{% macro spark__is_not_finite(column) -%}
    (isnan({{ column }}) or abs({{ column }}) = double('infinity'))
{%- endmacro %}

{#-
    Inline a CTE however often it is read: DuckDB otherwise materialises a CTE read twice, and
    for raw events that is every row held in memory (6 GB at 2,000 accounts), where reading
    the Parquet file again costs seconds. Spark inlines CTEs and has no such keyword.
-#}
{% macro not_materialized() -%}
    {{ return(adapter.dispatch('not_materialized')()) }}
{%- endmacro %}
{% macro default__not_materialized() -%}
    not materialized
{%- endmacro %}
{% macro spark__not_materialized() -%}
{%- endmacro %}

{#-
    Ends a subquery whose computed columns the query above reads many times. PostgreSQL
    merges such a subquery into its reader and pastes each column's expression wherever it is
    referenced, with no common subexpression elimination: the rank codes of
    int_account_drivers_ranked, each the least of 26 comparisons with the one before, grew to
    26^3 expressions a row and ran for minutes. `offset 0` keeps the subquery whole there; the
    other engines compute a column once.
-#}
{% macro planner_fence() -%}
    {{ return(adapter.dispatch('planner_fence')()) }}
{%- endmacro %}
{% macro default__planner_fence() -%}{%- endmacro %}
{% macro postgres__planner_fence() -%}
    offset 0
{%- endmacro %}
