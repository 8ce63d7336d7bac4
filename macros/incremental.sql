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

{#-
    Base models screen raw rows batch by batch of `_loaded_at`: an incremental run reads only
    the rows loaded after the last batch the model holds (all of them while it holds none).
-#}
{% macro new_batch_filter() -%}
    {%- if is_incremental() -%}
        where _loaded_at > (
            select coalesce(max(loaded_at), cast('1900-01-01' as {{ dbt.type_timestamp() }}))
            from {{ this }}
        )
    {%- endif -%}
{%- endmacro %}

{#-
    A batch of mutable rows plus, on an incremental run, every version already held of the
    keys it re-delivers. Screened together, the latest version wins as on a full build, and
    delete+insert on the key replaces the versions held with the re-screened ones.
-#}
{% macro with_held_versions(batch, key) -%}
    select * from {{ batch }}
    {%- if is_incremental() %}
        union all
        select {{ star_except(this, ['quarantine_reason']) }}
        from {{ this }}
        where {{ key }} in (select {{ key }} from {{ batch }})
    {%- endif %}
{%- endmacro %}
