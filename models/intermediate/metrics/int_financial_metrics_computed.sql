-- Financial metrics per account-day: revenue, its change, renewal and payment behaviour.
-- Invoices are a current-state extract: each run sums the payments in the window of the days
-- it writes from the extract as it is now.
{%- set late_window = metric_window('avg_days_late', 180) %}
with

account_days as (
    select * from {{ ref('int_account_days_enumerated') }}
    where {{ since('score_date') }}
),

invoices as (
    select
        account_id,
        due_at,
        cast(paid_at as date) as paid_date
    from {{ ref('stg_billing__invoices') }}
    where invoice_status != 'void'
),

-- payments are known from the first invoice the source holds (whole history)
invoices_known as (
    select min(cast(issued_at as date)) as first_day
    from {{ ref('stg_billing__invoices') }}
),

account_spans as (
    {{ account_spans('account_days') }}
),

-- an invoice is overdue from the day after it is due until the day before it is paid
overdue_intervals as (
    select
        account_id,
        {{ add_days('due_at', 1) }} as active_from,
        {{ add_days('paid_date', -1) }} as active_until
    from invoices
    where paid_date is null or paid_date > {{ add_days('due_at', 1) }}
),

overdue as (
    {{ open_interval_count('overdue_intervals', 'account_days', 'overdue_invoices') }}
),

-- one row per invoice paid, on the day it was paid
payments as (
    select
        account_id,
        paid_date as activity_date,
        1 as invoices_paid,
        case
            when paid_date > due_at then {{ days_between('due_at', 'paid_date') }} else 0 -- noqa: LT05
        end as days_late
    from invoices
    where paid_date is not null and {{ since('paid_date', late_window) }}
),

paid_in_window as (
    {{ trailing_window_totals('payments', late_window, ['invoices_paid', 'days_late']) }}
),

payment_windows as (
    select
        paid_in_window.account_id,
        paid_in_window.score_date,
        {{ when_observed(
            '1.0 * paid_in_window.days_late / nullif(paid_in_window.invoices_paid, 0)',
            late_window,
            greatest_date('account_spans.first_day', 'invoices_known.first_day'),
            'paid_in_window.score_date'
        ) }} as avg_days_late
    from paid_in_window
    inner join account_spans on paid_in_window.account_id = account_spans.account_id
    cross join invoices_known
),

metrics as (
    select
        account_days.account_id,
        account_days.score_date,
        account_days.arr_usd,
        account_days.arr_usd / nullif(account_days.seats, 0) as arpu_usd,
        (account_days.arr_usd - account_days.previous_arr_usd)
        / nullif(account_days.previous_arr_usd, 0) as arr_change_pct,
        cast(account_days.days_to_renewal as {{ type_double() }}) as days_to_renewal,
        cast(overdue.overdue_invoices as {{ type_double() }}) as overdue_invoices,
        payment_windows.avg_days_late
    from account_days
    left join overdue
        on
        account_days.account_id = overdue.account_id
        and account_days.score_date = overdue.score_date
    left join payment_windows
        on
        account_days.account_id = payment_windows.account_id
        and account_days.score_date = payment_windows.score_date
)

select * from metrics
