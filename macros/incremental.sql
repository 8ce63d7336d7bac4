{#-
    Incremental models recompute whole days: from the latest day already built, minus
    `lookback_days` (late-arriving rows), and replace those days (delete+insert on the day).
    Models with trailing windows read `history_days` more of their inputs than they write.
-#}

{#- The first day an incremental run (re)writes, minus `history_days` to read before it. -#}
{% macro recompute_from(history_days=0, this_date_column='score_date') -%}
    {{ add_days(
        "(select coalesce(max(" ~ this_date_column ~ "), cast('1900-01-01' as date)) from " ~ this ~ ")",
        -(var('lookback_days') | int + history_days | int)
    ) }}
{%- endmacro %}

{#- A where-clause condition: true on a full build; on an incremental run, rows on or after
    the first day to recompute (minus `history_days`). -#}
{% macro since(column, history_days=0, this_date_column='score_date') -%}
    {#- unit tests have no `this`: they test the full build -#}
    {%- if this is not none and is_incremental() -%}
        {{ column }} >= {{ recompute_from(history_days, this_date_column) }}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}
