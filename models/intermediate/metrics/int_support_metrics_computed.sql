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
        account_days.account_id,
        account_days.score_date,
        account_days.seats,
        coalesce(opened_daily.tickets_opened, 0) as tickets_opened,
        coalesce(opened_daily.high_priority_opened, 0) as high_priority_opened,
        coalesce(opened_daily.escalated_opened, 0) as escalated_opened,
        coalesce(opened_daily.cancellation_opened, 0) as cancellation_opened,
        coalesce(resolved_daily.tickets_resolved, 0) as tickets_resolved,
        coalesce(resolved_daily.resolution_hours, 0) as resolution_hours,
        coalesce(resolved_daily.reopens, 0) as reopens,
        coalesce(resolved_daily.csat_answers, 0) as csat_answers,
        coalesce(resolved_daily.csat_total, 0) as csat_total
    from account_days
    left join opened_daily
        on
        account_days.account_id = opened_daily.account_id
        and account_days.score_date = opened_daily.score_date
    left join resolved_daily
        on
        account_days.account_id = resolved_daily.account_id
        and account_days.score_date = resolved_daily.score_date
),

metrics as (
    select
        account_id,
        score_date,
        {{ trailing_rate('tickets_opened', window) }} / nullif(seats, 0) as tickets_per_seat,
        {{ trailing_rate('high_priority_opened', window) }} as high_priority_tickets,
        {{ trailing_rate('escalated_opened', window) }} as escalated_tickets,
        {{ trailing_rate('cancellation_opened', window) }} as cancellation_tickets,
        -- averages have no value until something was resolved (N/A, not zero)
        sum(resolution_hours) {{ trailing_days(window) }}
        / nullif(sum(tickets_resolved) {{ trailing_days(window) }}, 0) as avg_resolution_hours,
        1.0 * sum(reopens) {{ trailing_days(window) }}
        / nullif(sum(tickets_resolved) {{ trailing_days(window) }}, 0) as reopen_rate,
        1.0 * sum(csat_total) {{ trailing_days(csat_window) }}
        / nullif(sum(csat_answers) {{ trailing_days(csat_window) }}, 0) as ticket_csat
    from daily
),

final as (
    select * from metrics
    where {{ since('score_date') }}
)

select * from final
