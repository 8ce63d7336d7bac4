{#- Window over an account's trailing `days` days; the account-day spine is dense. -#}
{% macro trailing_days(days, offset=0, partition_by='account_id', order_by='score_date') -%}
    over (
        partition by {{ partition_by }} order by {{ order_by }}
        rows between {{ days + offset - 1 }} preceding and {{ offset if offset else 'current row' }}{{ ' preceding' if offset }}
    )
{%- endmacro %}

{#-
    A per-`days` rate over a trailing window: sum * days / days observed, so accounts younger
    than the window are not penalised; null until `min_observed_days` of history exist.
-#}
{% macro trailing_rate(column, days) -%}
    case
        when count(*) {{ trailing_days(days) }} >= {{ [setting('min_observed_days', 14) | int, days] | min }}
            then 1.0 * sum({{ column }}) {{ trailing_days(days) }} * {{ days }} / count(*) {{ trailing_days(days) }}
    end
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
