{#-
    Trailing windows are calendar days (SPEC §5) and read all known history, days before the
    first scored day and gaps between contracts included. A window's total of a daily input is
    the difference of two running totals of `int_account_running_totals` (one row per account
    per calendar day): the total on the day minus the total `days` earlier (nothing before the
    account's first contract: 0). `join_running_totals(n)` joins the totals of the day `n`
    days before the scored day as `running_totals_before(n)`.
-#}
{% macro window_total(column, days, offset=0) -%}
    ({{ running_totals_before(offset) }}.{{ column }} - coalesce({{ running_totals_before(offset + days) }}.{{ column }}, 0))
{%- endmacro %}

{#-
    The running total of a column per account, over (account_id, score_date) rows. A bigint:
    totals subtract exactly.
-#}
{% macro running_total(column) -%}
    cast(sum({{ column }}) over (
        partition by account_id order by score_date
        rows between unbounded preceding and current row
    ) as {{ dbt.type_bigint() }})
{%- endmacro %}

{% macro running_totals_before(days) -%}
    {{ 'running_totals_' ~ days ~ '_days_before' }}
{%- endmacro %}

{% macro join_running_totals(days, running_totals='running_totals', account_days='account_days') -%}
    left join {{ running_totals }} as {{ running_totals_before(days) }}
        on
        {{ account_days }}.account_id = {{ running_totals_before(days) }}.account_id
        and {{ running_totals_before(days) }}.score_date = {{ add_days(account_days ~ '.score_date', -days) }}
{%- endmacro %}

{#-
    Every calendar day of each account's history this run needs, as (account_id, score_date):
    from the account's first contract start (`first_day`) to its last scored day (`last_day`)
    of `account_spans`, and on an incremental run only from `history_days` before the first day
    it rewrites. Days come from a short date series joined on a range: linear in the output.
-#}
{% macro account_calendar_days(account_spans, history_days) -%}
    select
        spans.account_id,
        days.score_date
    from (
        select {{ add_days('bounds.first_day', 'day_offsets.n') }} as score_date
        from (
            select
                min(first_day) as first_day,
                max(last_day) as last_day
            from {{ account_spans }}
        ) as bounds
        cross join ({{ integer_series(4) }}) as day_offsets
        where day_offsets.n <= {{ days_between('bounds.first_day', 'bounds.last_day') }}
    ) as days
    inner join {{ account_spans }} as spans
        on days.score_date between spans.first_day and spans.last_day
    where {{ since('days.score_date', history_days) }}
{%- endmacro %}

{#-
    Days of a `days`-day window ending on the row's day that a source has known the account:
    from `known_from` (the later of the account's first contract start and the first day the
    source has any row), capped at the window. Null when the source has no rows (not least():
    it skips nulls).
-#}
{% macro observed_days(days, known_from, day='score_date') -%}
    case
        when {{ days_between(known_from, day) }} + 1 >= {{ days }} then {{ days }}
        else {{ days_between(known_from, day) }} + 1
    end
{%- endmacro %}

{#-
    The one rule for young accounts, for every trailing-window metric (rates, counts, distinct
    counts, averages): null until the source has known the account for min_observed_days (or
    the whole window, if shorter). A double on every engine (PostgreSQL would keep a numeric).
-#}
{% macro when_observed(expression, days, known_from, day='score_date') -%}
    cast(case
        when {{ observed_days(days, known_from, day) }} >= {{ [setting('min_observed_days', 14) | int, days] | min }}
            then {{ expression }}
    end as {{ type_double() }})
{%- endmacro %}

{#-
    A per-`days` rate from a trailing calendar window's `total`: total * days / days observed,
    so accounts younger than the window are not penalised; null until min_observed_days
    (`when_observed`).
-#}
{% macro scaled_to_window(total, days, known_from, day='score_date') -%}
    {{ when_observed(
        '1.0 * ' ~ total ~ ' * ' ~ days ~ ' / ' ~ observed_days(days, known_from, day),
        days, known_from, day
    ) }}
{%- endmacro %}

{#- The rate of a column of the running totals (`window_total`), scaled to the window. -#}
{% macro trailing_rate(column, days, known_from, day='score_date') -%}
    {{ scaled_to_window(window_total(column, days), days, known_from, day) }}
{%- endmacro %}

{#-
    Totals of `columns` of `daily` (account_id, activity_date, columns) over the `days`-day
    calendar window ending on each day of `account_days`, counting only days on or after the
    account's first contract start (`first_day` of `account_spans`). For sparse rows (tickets,
    payments): running totals over the account's days that have rows, read at two probes per
    scored day, the window's last day and the day before its first. A probe finds its running
    total by position: sorted with the account's days, the days before it are its rank among
    them less its rank among the probes. No dense calendar, no range join, and no running sum
    over the probes: linear in the rows read, whatever the window.
-#}
{% macro trailing_window_totals(daily, days, columns, account_days='account_days', account_spans='account_spans') -%}
    {%- set days_with_rows -%}
        select
            daily.account_id,
            daily.activity_date,
            {%- for column in columns %}
                sum(daily.{{ column }}) as {{ column }}{{ ',' if not loop.last }}
            {%- endfor %}
        from {{ daily }} as daily
        inner join {{ account_spans }} as spans on daily.account_id = spans.account_id
        where daily.activity_date >= spans.first_day
        group by daily.account_id, daily.activity_date
    {%- endset -%}
    select
        probes.account_id,
        probes.score_date,
        {%- for column in columns %}
            sum(
                case
                    when probes.is_window_end = 1 then coalesce(totals.{{ column }}, 0)
                    else -coalesce(totals.{{ column }}, 0)
                end
            ) as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from (
        select
            account_id,
            score_date,
            is_window_end,
            sweep_rank - row_number() over (
                partition by account_id order by activity_date, score_date, is_window_end
            ) as days_before
        from (
            select
                account_id,
                activity_date,
                score_date,
                is_probe,
                is_window_end,
                row_number() over (
                    partition by account_id
                    order by activity_date, is_probe, score_date, is_window_end
                ) as sweep_rank
            from (
                select
                    account_id,
                    activity_date,
                    cast(null as date) as score_date,
                    0 as is_probe,
                    0 as is_window_end
                from ({{ days_with_rows }}) as days_with_rows
                {%- for window_end in [1, 0] %}
                    union all
                    select
                        account_id,
                        {{ 'score_date' if window_end else add_days('score_date', -days) }} as activity_date,
                        score_date,
                        1 as is_probe,
                        {{ window_end }} as is_window_end
                    from {{ account_days }}
                {%- endfor %}
            ) as sweep
        ) as ranked
        where is_probe = 1
    ) as probes
    left join (
        select
            account_id,
            row_number() over (partition by account_id order by activity_date) as day_rank,
            {%- for column in columns %}
                sum({{ column }}) over (
                    partition by account_id order by activity_date
                    rows between unbounded preceding and current row
                ) as {{ column }}{{ ',' if not loop.last }}
            {%- endfor %}
        from ({{ days_with_rows }}) as days_with_rows
    ) as totals
        on probes.account_id = totals.account_id and probes.days_before = totals.day_rank
    group by probes.account_id, probes.score_date
{%- endmacro %}

{#-
    How many intervals [active_from, active_until] cover each day of the spine, per account.
    Each interval adds +1 on its first day and -1 the day after its last; a running sum over
    the spine's days and the change days turns that into a count. This counts distinct users
    (or features) active in a trailing window without a range join.
    Only the spine days this run writes get a count (`since`): the intervals carry the history.
-#}
{% macro open_interval_count(intervals, spine, value_name) -%}
    select
        spine.account_id,
        spine.score_date,
        running.{{ value_name }}
    from {{ spine }} as spine
    inner join (
        select
            account_id,
            score_date,
            sum(sum(change)) over (
                partition by account_id order by score_date
                rows between unbounded preceding and current row
            ) as {{ value_name }}
        from (
            select account_id, active_from as score_date, 1 as change from {{ intervals }}
            union all
            select account_id, {{ add_days('active_until', 1) }} as score_date, -1 as change
            from {{ intervals }}
            where active_until is not null
            union all
            select account_id, score_date, 0 as change from {{ spine }}
            where {{ since('score_date') }}
        ) as changes
        group by account_id, score_date
    ) as running
        on spine.account_id = running.account_id and spine.score_date = running.score_date
    where {{ since('spine.score_date') }}
{%- endmacro %}

{#-
    Per account with days in `account_days`: its first contract start (all accepted contracts,
    also those before the first scored day) and its last day in `account_days`.
-#}
{% macro account_spans(account_days) -%}
    select
        first_contracts.account_id,
        first_contracts.first_day,
        max(spine.score_date) as last_day
    from {{ account_days }} as spine
    inner join (
        select
            account_id,
            min(start_date) as first_day
        from {{ ref('int_subscriptions_converted') }}
        group by account_id
    ) as first_contracts
        on spine.account_id = first_contracts.account_id
    group by first_contracts.account_id, first_contracts.first_day
{%- endmacro %}

{#-
    The later of two dates, null when either is null (an empty source: nothing is known).
    Not greatest(): DuckDB, PostgreSQL and Spark all skip its nulls.
-#}
{% macro greatest_date(first, second) -%}
    case when {{ first }} >= {{ second }} then {{ first }} when {{ second }} > {{ first }} then {{ second }} end
{%- endmacro %}
