{#-
    Incremental models recompute whole days: from the latest day already built, minus
    `lookback_days` (late-arriving rows), and replace those days (delete+insert on the day).
    Models with trailing windows read `history_days` more of their inputs than they write.
-#}

{#-
    The latest value of `column` in this model (among rows matching `where`), read when the
    model compiles (dbt compiles a node just before running it) and written into the SQL as a
    literal: a constant filter lets DuckDB skip row groups by their min/max, where a
    `(select max(..))` subquery made every run scan every row of its inputs. Null while the
    model holds no rows.
    A watermark after the run's start can only come from a bad row let in by an older build
    (a `_loaded_at` in 2099 once moved it there, and every later run skipped every new row):
    the run stops and says how to rebuild.
-#}
{% macro watermark(column, where=none) -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set query = "select max(" ~ column ~ ") from " ~ this ~ (" where " ~ where if where else "") -%}
    {%- set latest = run_query(query).columns[0].values()[0] -%}
    {%- set started = run_started_at.replace(tzinfo=none) -%}
    {#- a day (not a timestamp) may lie a day ahead: event times get a day of clock skew -#}
    {%- set limit = started if latest.hour is defined else started.date() + modules.datetime.timedelta(days=1) -%}
    {%- if latest is not none and latest > limit -%}
        {{ exceptions.raise_compiler_error(
            this.identifier ~ " holds " ~ column ~ " " ~ latest ~ ", after this run started ("
            ~ started.strftime('%Y-%m-%d %H:%M') ~ " UTC): its incremental state is poisoned by a row"
            ~ " from the future. Fix or remove that row if it is still in the raw data, then rebuild"
            ~ " with `chw run --full-refresh` (dbt: `dbt build --full-refresh`)."
        ) }}
    {%- endif -%}
    {{ return(latest) }}
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

{#- Does this run rewrite only recent days (an incremental run of a model it already holds)?
    Unit tests have no `this`: they test the full build; a changed configuration recomputes
    every day (config_fingerprint.sql). -#}
{% macro rewrites_recent_days() -%}
    {{ return(this is not none and is_incremental() and not config_changed()) }}
{%- endmacro %}

{#- A where-clause condition: true on a full build or after a configuration change; on an
    incremental run, rows on or after the first day to recompute (minus `history_days`). -#}
{% macro since(column, history_days=0, this_date_column='score_date') -%}
    {%- if rewrites_recent_days() -%}
        {{ column }} >= {{ recompute_from(history_days, this_date_column) }}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#-
    Base models screen raw rows batch by batch of `_loaded_at`: an incremental run reads only
    the rows loaded after the last batch the model holds (all of them while it holds none).
    Rows quarantined as 'future_loaded_at' never count towards that watermark, so it never
    passes a run's start; they are released before each run (`release_future_loaded_rows`)
    and read again, so a row whose clock was only a little ahead is accepted once its time
    has come, and a fixed source replaces it.
    The first condition is on the raw column as it is (DuckDB skips row groups by it); the
    second is exact in UTC whatever the raw type (a zone's offset is under a day).
-#}
{% macro new_batch_filter() -%}
    {%- if is_incremental() -%}
        {%- set latest = watermark(
            'loaded_at', "quarantine_reason is null or quarantine_reason != 'future_loaded_at'"
        ) -%}
        {%- if latest is not none %}
        where
            _loaded_at > {{ dbt.dateadd('day', -1, "cast('" ~ latest.isoformat(sep=' ') ~ "' as " ~ dbt.type_timestamp() ~ ")") }}
            and {{ to_utc('_loaded_at') }} > cast('{{ latest.isoformat(sep=' ') }}' as {{ dbt.type_timestamp() }})
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#-
    A pre-hook of the stream base models: on an incremental run, delete the rows held as
    'future_loaded_at' before the batch is read; the batch (after the watermark) holds them
    again and screens them against this run's start.
-#}
{% macro release_future_loaded_rows() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where quarantine_reason = 'future_loaded_at'
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
