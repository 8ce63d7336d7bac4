-- Support metrics per account-day over trailing windows: volume, severity, speed, quality.
{%- set window = metric_window('tickets_per_seat', 90) %}
{%- set csat_window = metric_window('ticket_csat', 90) %}
with

account_days as (
    select
        account_id,
        score_date,
        seats
    from {{ ref('int_account_days_enumerated') }}
    where {{ since('score_date', [window, csat_window] | max) }}
),

tickets as (
    select * from {{ ref('stg_support__support_tickets') }}
),

-- tickets are known from the first day the source holds one (whole history)
tickets_known as (
    select min(cast(opened_at as date)) as first_day
    from tickets
),

account_spans as (
    {{ account_spans('account_days') }}
),

-- the account's every calendar day, gaps between contracts and days before the first
-- scored day included: windows below are calendar days
calendar_days as (
    {{ account_calendar_days('account_spans', [window, csat_window] | max) }}
),

opened_daily as (
    select
        account_id,
        cast(opened_at as date) as score_date,
        count(*) as tickets_opened,
        sum(case when priority in ('high', 'urgent') then 1 else 0 end) as high_priority_opened,
        sum(case when is_escalated then 1 else 0 end) as escalated_opened,
        sum(case when category = 'cancellation' then 1 else 0 end) as cancellation_opened
    from tickets
    group by account_id, cast(opened_at as date)
),

-- resolution time, reopens and ticket CSAT are known once the ticket is resolved
resolved_daily as (
    select
        account_id,
        cast(resolved_at as date) as score_date,
        count(*) as tickets_resolved,
        -- a double, not a decimal: Spark keeps only 6 decimals of a decimal division
        cast(sum({{ dbt.datediff('opened_at', 'resolved_at', 'minute') }}) as {{ type_double() }})
        / 60 as resolution_hours,
        sum(reopened_count) as reopens,
        count(csat_score) as csat_answers,
        sum(csat_score) as csat_total
    from tickets
    where resolved_at is not null
    group by account_id, cast(resolved_at as date)
),

daily as (
    select
        calendar_days.account_id,
        calendar_days.score_date,
        {{ greatest_date('account_spans.first_day', 'tickets_known.first_day') }} as known_from,
        coalesce(opened_daily.tickets_opened, 0) as tickets_opened,
        coalesce(opened_daily.high_priority_opened, 0) as high_priority_opened,
        coalesce(opened_daily.escalated_opened, 0) as escalated_opened,
        coalesce(opened_daily.cancellation_opened, 0) as cancellation_opened,
        coalesce(resolved_daily.tickets_resolved, 0) as tickets_resolved,
        coalesce(resolved_daily.resolution_hours, 0) as resolution_hours,
        coalesce(resolved_daily.reopens, 0) as reopens,
        coalesce(resolved_daily.csat_answers, 0) as csat_answers,
        coalesce(resolved_daily.csat_total, 0) as csat_total
    from calendar_days
    inner join account_spans on calendar_days.account_id = account_spans.account_id
    cross join tickets_known
    left join opened_daily
        on
        calendar_days.account_id = opened_daily.account_id
        and calendar_days.score_date = opened_daily.score_date
    left join resolved_daily
        on
        calendar_days.account_id = resolved_daily.account_id
        and calendar_days.score_date = resolved_daily.score_date
),

windows as (
    select
        account_id,
        score_date,
        {{ trailing_rate('tickets_opened', window, 'known_from') }} as tickets_opened,
        {{ trailing_rate('high_priority_opened', window, 'known_from') }} as high_priority_tickets,
        {{ trailing_rate('escalated_opened', window, 'known_from') }} as escalated_tickets,
        {{ trailing_rate('cancellation_opened', window, 'known_from') }} as cancellation_tickets,
        -- averages have no value until something was resolved (N/A, not zero)
        {{ when_observed(
            'sum(resolution_hours) ' ~ trailing_days(window)
            ~ ' / nullif(sum(tickets_resolved) ' ~ trailing_days(window) ~ ', 0)',
            window, 'known_from'
        ) }} as avg_resolution_hours,
        {{ when_observed(
            '1.0 * sum(reopens) ' ~ trailing_days(window)
            ~ ' / nullif(sum(tickets_resolved) ' ~ trailing_days(window) ~ ', 0)',
            window, 'known_from'
        ) }} as reopen_rate,
        {{ when_observed(
            '1.0 * sum(csat_total) ' ~ trailing_days(csat_window)
            ~ ' / nullif(sum(csat_answers) ' ~ trailing_days(csat_window) ~ ', 0)',
            csat_window, 'known_from'
        ) }} as ticket_csat
    from daily
),

metrics as (
    select
        account_days.account_id,
        account_days.score_date,
        windows.tickets_opened / nullif(account_days.seats, 0) as tickets_per_seat,
        windows.high_priority_tickets,
        windows.escalated_tickets,
        windows.cancellation_tickets,
        windows.avg_resolution_hours,
        windows.reopen_rate,
        windows.ticket_csat
    from account_days
    inner join windows
        on
        account_days.account_id = windows.account_id
        and account_days.score_date = windows.score_date
),

final as (
    select * from metrics
    where {{ since('score_date') }}
)

select * from final
