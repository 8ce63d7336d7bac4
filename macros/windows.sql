{#-
    Trailing windows are calendar days (SPEC §5). The account-day spine only has days under
    contract, so windows run over an account's calendar (`account_calendar_days`): one row
    per calendar day from its first contract start, gaps between contracts included. On that
    dense calendar a ROWS window of `days` rows is `days` calendar days, on every engine.
-#}
{% macro trailing_days(days, offset=0, partition_by='account_id', order_by='score_date') -%}
    over (
        partition by {{ partition_by }} order by {{ order_by }}
        rows between {{ days + offset - 1 }} preceding and {{ offset if offset else 'current row' }}{{ ' preceding' if offset }}
    )
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
    A per-`days` rate over a trailing calendar window: sum * days / days observed, so accounts
    younger than the window are not penalised; null until min_observed_days (`when_observed`).
-#}
{% macro trailing_rate(column, days, known_from) -%}
    {{ when_observed(
        '1.0 * sum(' ~ column ~ ') ' ~ trailing_days(days) ~ ' * ' ~ days ~ ' / '
        ~ observed_days(days, known_from), days, known_from
    ) }}
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
