{#-
    The reason a raw row is quarantined, or null when it is accepted.
    `key` is the qualified key column (`renamed.invoice_id`); its table alias names the row.
    `checks` is an ordered list of (condition, reason): the first true condition wins. Every
    row is first checked for a `_loaded_at` after the run started (`future_loaded_at`): such
    a row must never move an incremental watermark, whatever else is wrong with it.
    Among rows that pass every check, the first row in `keep_order` is accepted (by default
    the latest version of a key) and other copies are quarantined: as 'duplicate' when they
    carry the winner's values, or as 'tied_version' when they were loaded at the same time as
    the winner but carry other values (which one won was a coin toss: the winner is the
    first in `tie_break` order, by default the row's values as JSON text, and the loser is
    reported). `within` narrows where a key must be unique (an event id within its day).
    Nothing is dropped.
-#}
{% macro quarantine_reason(key, checks, keep_order='loaded_at desc', tie_break=none, within=none, violation=none) -%}
    {%- set alias = key.split('.')[0] -%}
    {%- set loaded_at = alias ~ '.loaded_at' -%}
    {%- set tie_break = tie_break or [row_to_json_text(alias)] -%}
    {%- set violation = violation or quarantine_violation(key, checks) -%}
    {%- set versions -%}
        partition by {{ key }}, {{ within ~ ', ' if within }}{{ violation }}
        order by {{ keep_order }}, {{ tie_break | join(', ') }}
    {%- endset -%}
    coalesce(
        {{ violation }},
        case
            when row_number() over ({{ versions }}) = 1 then null
            when
                {{ loaded_at }} = first_value({{ loaded_at }}) over ({{ versions }})
                and ({%- for expression in tie_break %}
                    {{ 'or ' if not loop.first }}{{ expression }} != first_value({{ expression }}) over ({{ versions }})
                {%- endfor %})
                then 'tied_version'
            else 'duplicate'
        end
    )
{%- endmacro %}

{#-
    The first failing check of a row (`future_loaded_at` first), or null: the row-level part
    of `quarantine_reason`, for a model that computes it once and reuses it (`violation`).
-#}
{% macro quarantine_violation(key, checks) -%}
    {%- set loaded_at = key.split('.')[0] ~ '.loaded_at' -%}
    {%- set all_checks = [(loaded_at ~ ' > ' ~ run_started(), 'future_loaded_at')] + checks -%}
    case
    {%- for condition, reason in all_checks %}
        when {{ condition }} then '{{ reason }}'
    {%- endfor %}
    end
{%- endmacro %}

{#- When this run started (dbt's run_started_at, UTC) as a timestamp literal. -#}
{% macro run_started() -%}
    cast('{{ run_started_at.strftime('%Y-%m-%d %H:%M:%S') }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#- Rows stamped after the run started (plus a day of clock skew) come from a broken clock. -#}
{% macro load_cutoff() -%}
    {{ dbt.dateadd('day', 1, run_started()) }}
{%- endmacro %}

{#-
    Checks of when things happened, for a screening model's `checks`: any of `columns` before
    the seed's earliest plausible date is 'implausible_timestamp' (a 1900 default, a 1990 typo
    would stretch every history back to it); after the run started, plus a day of clock skew,
    is 'future_timestamp'. `scheduled` columns (a due date, a renewal) are only checked for
    being too early: they are meant to lie ahead.
-#}
{% macro timestamp_checks(columns, scheduled=[]) -%}
    {%- set earliest = dbt.cast("'" ~ plausibility_bound('timestamp', 'min_value', '2000-01-01') ~ "'", dbt.type_timestamp()) -%}
    {%- set too_early = [] -%}
    {%- set too_late = [] -%}
    {%- for column in columns + scheduled -%}
        {%- do too_early.append(column ~ ' < ' ~ earliest) -%}
    {%- endfor -%}
    {%- for column in columns -%}
        {%- do too_late.append(column ~ ' > ' ~ load_cutoff()) -%}
    {%- endfor -%}
    {{ return([
        (too_early | join(' or '), 'implausible_timestamp'),
        (too_late | join(' or '), 'future_timestamp'),
    ]) }}
{%- endmacro %}

{#-
    Checks of amounts, for a screening model's `checks`: `columns` maps a column to its row of
    the plausibility_bounds seed. NaN or an infinity is 'non_finite_value'; a value outside
    the seed's [min_value, max_value] is 'implausible_value' (an ARR of 1e300 is a broken
    export, not a customer). Negative amounts are checked before these, by the model.
-#}
{% macro non_finite_checks(columns) -%}
    {%- set conditions = [] -%}
    {%- for column in columns -%}
        {%- do conditions.append(is_not_finite(column)) -%}
    {%- endfor -%}
    {{ return([(conditions | join(' or '), 'non_finite_value')]) }}
{%- endmacro %}

{% macro plausibility_checks(columns) -%}
    {%- set conditions = [] -%}
    {%- for column, quantity in columns.items() -%}
        {%- do conditions.append(
            column ~ ' < ' ~ float_literal(plausibility_bound(quantity, 'min_value', 0))
            ~ ' or ' ~ column ~ ' > ' ~ float_literal(plausibility_bound(quantity, 'max_value', 1e15))
        ) -%}
    {%- endfor -%}
    {{ return([(conditions | join(' or '), 'implausible_value')]) }}
{%- endmacro %}

{#- A bound of the plausibility_bounds seed (text), or `default` before the seed exists. -#}
{% macro plausibility_bound(quantity, side, default) -%}
    {{ return(_seed_lookup('plausibility_bounds', 'quantity', quantity, side, default)) }}
{%- endmacro %}
