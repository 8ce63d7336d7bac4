{#-
    Incremental models recompute whole days: from the latest day already built, minus
    `lookback_days` (late-arriving rows), and replace those days (delete+insert on the day).
    Models with trailing windows read `history_days` more of their inputs than they write.
-#}

{#-
    The latest value of `column` in this model, read when the model compiles (dbt compiles a
    node just before running it) and written into the SQL as a literal: a constant filter
    lets DuckDB skip row groups by their min/max, where a `(select max(..))` subquery
    made every run scan every row of its inputs. Null while the model holds no rows.
-#}
{% macro watermark(column) -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(run_query("select max(" ~ column ~ ") from " ~ this).columns[0].values()[0]) }}
{%- endmacro %}

{#- The first day an incremental run (re)writes, minus `history_days` to read before it. -#}
{% macro recompute_from(history_days=0, this_date_column='score_date') -%}
    {%- set latest = watermark(this_date_column) -%}
    {%- if latest is none -%}
        cast('1900-01-01' as date)
    {%- else -%}
        {%- set days_back = var('lookback_days') | int + history_days | int -%}
        {%- set first_day = modules.datetime.date(latest.year, latest.month, latest.day)
            - modules.datetime.timedelta(days=days_back) -%}
        cast('{{ first_day.isoformat() }}' as date)
    {%- endif -%}
{%- endmacro %}

{#- A where-clause condition: true on a full build or after a configuration change; on an
    incremental run, rows on or after the first day to recompute (minus `history_days`). -#}
{% macro since(column, history_days=0, this_date_column='score_date') -%}
    {#- unit tests have no `this`: they test the full build; a changed configuration
        recomputes every day (config_fingerprint.sql) -#}
    {%- if this is not none and is_incremental() and not config_changed() -%}
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
        {%- set latest = watermark('loaded_at') -%}
        {%- if latest is not none %}
        where _loaded_at > cast('{{ latest.isoformat(sep=' ') }}' as {{ dbt.type_timestamp() }})
        {%- endif -%}
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
