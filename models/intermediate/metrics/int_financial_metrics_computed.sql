-- Financial metrics per account-day: revenue, its change, renewal and payment behaviour.
{%- set late_window = metric_window('avg_days_late', 180) %}
with

account_days as (
    select * from {{ ref('int_account_days_enumerated') }}
    where {{ since('score_date', late_window) }}
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

-- the account's every calendar day, gaps between contracts and days before the first
-- scored day included: windows below are calendar days
calendar_days as (
    {{ account_calendar_days('account_spans', late_window) }}
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

payments_daily as (
    select
        account_id,
        paid_date as score_date,
        count(*) as invoices_paid,
        sum(
            case
                when
                    paid_date > due_at
                    then {{ days_between('due_at', 'paid_date') }} else -- noqa: LT05
                    0
            end
        ) as days_late
    from invoices
    where paid_date is not null
    group by account_id, paid_date
),

daily as (
    select
        calendar_days.account_id,
        calendar_days.score_date,
        {{ greatest_date('account_spans.first_day', 'invoices_known.first_day') }} as known_from,
        coalesce(payments_daily.invoices_paid, 0) as invoices_paid,
        coalesce(payments_daily.days_late, 0) as days_late
    from calendar_days
    inner join account_spans on calendar_days.account_id = account_spans.account_id
    cross join invoices_known
    left join payments_daily
        on
        calendar_days.account_id = payments_daily.account_id
        and calendar_days.score_date = payments_daily.score_date
),

payment_windows as (
    select
        account_id,
        score_date,
        {{ when_observed(
            '1.0 * sum(days_late) ' ~ trailing_days(late_window)
            ~ ' / nullif(sum(invoices_paid) ' ~ trailing_days(late_window) ~ ', 0)',
            late_window, 'known_from'
        ) }} as avg_days_late
    from daily
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
),

final as (
    select * from metrics
    where {{ since('score_date') }}
)

select * from final
