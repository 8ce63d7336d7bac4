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
    {#- once per model and column: since() and the batch filters ask for it many times -#}
    {%- set cached = '_watermark ' ~ column ~ ' ' ~ (where or '') -%}
    {%- if cached in model -%}
        {{ return(model[cached]) }}
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
    {%- do model.update({cached: latest}) -%}
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

{#-
    The business days a stream's new batch touches: the distinct UTC dates of `column` among
    the raw rows loaded after the watermark (`new_batch_filter`), read when the model compiles
    and returned as ISO date strings; every day in the raw table after a configuration change
    (the rules changed: every day is screened again). None on a full build.
-#}
{% macro new_batch_days(relation, column) -%}
    {%- if not execute or this is none or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set batch = '' if config_changed() else new_batch_filter() -%}
    {%- set query -%}
        select distinct {{ to_utc_date(column) }} as day
        from {{ relation }}
        {{ batch if batch | trim else 'where true' }} and {{ column }} is not null
        order by 1
    {%- endset -%}
    {%- set days = [] -%}
    {%- for day in run_query(query).columns[0].values() -%}
        {%- do days.append(day.isoformat()) -%}
    {%- endfor -%}
    {{ return(days) }}
{%- endmacro %}

{#-
    The raw rows an incremental run of an aggregated stream re-screens: every row of the days
    its new batch touches (all their deliveries, old and new, so a day is screened whole and an
    id is deduplicated within its day exactly as on a full build), plus the new batch's rows
    that have no day. The range condition is on the raw column as it is, so DuckDB skips row
    groups by their min/max (a zone's offset is under a day); the list is exact in UTC.
-#}
{% macro touched_days_rows(relation, column, days) -%}
    {%- if days is none -%}
        select * from {{ relation }}
    {%- else -%}
        {%- set batch = new_batch_filter() -%}
        {%- if days -%}
            select * from {{ relation }}
            where
                {{ column }} >= {{ dbt.dateadd('day', -1, "cast('" ~ days[0] ~ "' as " ~ dbt.type_timestamp() ~ ")") }}
                and {{ column }} < {{ dbt.dateadd('day', 2, "cast('" ~ days[-1] ~ "' as " ~ dbt.type_timestamp() ~ ")") }}
                and {{ to_utc_date(column) }} in (
                    {%- for day in days %}cast('{{ day }}' as date){{ ', ' if not loop.last }}{% endfor -%}
                )
            union all
        {%- endif %}
        select * from {{ relation }}
        {{ batch if batch | trim else 'where true' }} and {{ column }} is null
    {%- endif -%}
{%- endmacro %}

{#-
    A where-clause condition for a model that aggregates an incremental staging table by day:
    on an incremental run, the days of `relation` holding rows loaded after this model's
    latest `loaded_at` (the staging re-screened them); true on a full build or after a
    configuration change.
-#}
{% macro days_loaded_since(relation, date_column) -%}
    {%- if this is not none and is_incremental() and not config_changed() -%}
        {%- set latest = watermark('loaded_at') -%}
        {%- if latest is none -%}
            true
        {%- else -%}
            {{ date_column }} in (
                select {{ date_column }} from {{ relation }}
                where loaded_at > cast('{{ latest.isoformat(sep=' ') }}' as {{ dbt.type_timestamp() }})
            )
        {%- endif -%}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}
