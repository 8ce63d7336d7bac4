-- Support metrics per account-day over trailing windows: volume, severity, speed, quality.
-- Tickets are a current-state extract (a ticket's CSAT or reopens change after the day it was
-- resolved), so each run sums the tickets in the windows of the days it writes from the
-- extract as it is now, not from totals held since.
{%- set window = metric_window('tickets_per_seat', 90) %}
{%- set csat_window = metric_window('ticket_csat', 90) %}
with

account_days as (
    select
        account_id,
        score_date,
        seats
    from {{ ref('int_account_days_enumerated') }}
    where {{ since('score_date') }}
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

-- one row per ticket opened and one per ticket resolved, on its day: resolution time,
-- reopens and ticket CSAT are known once the ticket is resolved
ticket_days as (
    select
        account_id,
        cast(opened_at as date) as activity_date,
        1 as tickets_opened,
        case when priority in ('high', 'urgent') then 1 else 0 end as high_priority_opened,
        case when is_escalated then 1 else 0 end as escalated_opened,
        case when category = 'cancellation' then 1 else 0 end as cancellation_opened,
        0 as tickets_resolved,
        0 as resolution_minutes,
        0 as reopens,
        0 as csat_answers,
        0 as csat_total
    from tickets
    where {{ since('opened_at', window) }}
    union all
    select
        account_id,
        cast(resolved_at as date) as activity_date,
        0 as tickets_opened,
        0 as high_priority_opened,
        0 as escalated_opened,
        0 as cancellation_opened,
        1 as tickets_resolved,
        -- whole minutes: integer sums do not depend on the order they are added in
        {{ dbt.datediff('opened_at', 'resolved_at', 'minute') }} as resolution_minutes, -- noqa: LT05
        reopened_count as reopens,
        case when csat_score is not null then 1 else 0 end as csat_answers,
        coalesce(csat_score, 0) as csat_total
    from tickets
    where resolved_at is not null and {{ since('resolved_at', [window, csat_window] | max) }}
),

-- one sweep per window length: CSAT shares the volume window unless the seed sets its own
{%- set csat_columns = ['csat_answers', 'csat_total'] %}
ticket_totals as (
    {{ trailing_window_totals('ticket_days', window, [
        'tickets_opened', 'high_priority_opened', 'escalated_opened', 'cancellation_opened',
        'tickets_resolved', 'resolution_minutes', 'reopens'
    ] + (csat_columns if csat_window == window else [])) }}
),

csat_totals as (
    {%- if csat_window == window %}
        select * from ticket_totals
    {%- else %}
        {{ trailing_window_totals('ticket_days', csat_window, csat_columns) }}
    {%- endif %}
),

windows as (
    select
        account_days.account_id,
        account_days.score_date,
        {%- set known_from = greatest_date('account_spans.first_day', 'tickets_known.first_day') %}
        {{ scaled_to_window(
            'totals.tickets_opened', window, known_from, 'account_days.score_date'
        ) }} as tickets_opened,
        {{ scaled_to_window(
            'totals.high_priority_opened', window, known_from, 'account_days.score_date'
        ) }} as high_priority_tickets,
        {{ scaled_to_window(
            'totals.escalated_opened', window, known_from, 'account_days.score_date'
        ) }} as escalated_tickets,
        {{ scaled_to_window(
            'totals.cancellation_opened', window, known_from, 'account_days.score_date'
        ) }} as cancellation_tickets,
        -- averages have no value until something was resolved (N/A, not zero)
        {{ when_observed(
            'cast(totals.resolution_minutes as ' ~ type_double() ~ ') / 60'
            ~ ' / nullif(totals.tickets_resolved, 0)',
            window, known_from, 'account_days.score_date'
        ) }} as avg_resolution_hours,
        {{ when_observed(
            '1.0 * totals.reopens / nullif(totals.tickets_resolved, 0)',
            window, known_from, 'account_days.score_date'
        ) }} as reopen_rate,
        {{ when_observed(
            '1.0 * answered.csat_total / nullif(answered.csat_answers, 0)',
            csat_window, known_from, 'account_days.score_date'
        ) }} as ticket_csat
    from account_days
    inner join account_spans on account_days.account_id = account_spans.account_id
    cross join tickets_known
    inner join ticket_totals as totals
        on
        account_days.account_id = totals.account_id
        and account_days.score_date = totals.score_date
    inner join csat_totals as answered
        on
        account_days.account_id = answered.account_id
        and account_days.score_date = answered.score_date
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
)

select * from metrics
