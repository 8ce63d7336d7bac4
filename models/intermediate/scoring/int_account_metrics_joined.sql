-- Every metric of an account-day side by side: one column per metric.
with

account_days as (
    select
        account_id,
        score_date,
        segment
    from {{ ref('int_account_days_enumerated') }}
    where {{ since('score_date') }}
),

engagement as (
    select * from {{ ref('int_engagement_metrics_computed') }}
    where {{ since('score_date') }}
),

surveys as (
    select * from {{ ref('int_survey_metrics_computed') }}
    where {{ since('score_date') }}
),

financial as (
    select * from {{ ref('int_financial_metrics_computed') }}
    where {{ since('score_date') }}
),

support as (
    select * from {{ ref('int_support_metrics_computed') }}
    where {{ since('score_date') }}
),

joined as (
    select
        account_days.account_id,
        account_days.score_date,
        account_days.segment,
        -- engagement
        engagement.active_user_ratio,
        engagement.active_days,
        engagement.feature_breadth,
        engagement.usage_trend,
        engagement.web_visits,
        engagement.content_interactions,
        -- satisfaction and experience
        surveys.nps,
        surveys.csat,
        surveys.ces,
        surveys.journey_satisfaction_avg,
        surveys.journey_satisfaction_min,
        support.ticket_csat,
        -- financial
        financial.arr_usd,
        financial.arpu_usd,
        financial.arr_change_pct,
        financial.days_to_renewal,
        financial.overdue_invoices,
        financial.avg_days_late,
        -- support
        support.tickets_per_seat,
        support.high_priority_tickets,
        support.escalated_tickets,
        support.avg_resolution_hours,
        support.reopen_rate,
        support.cancellation_tickets
    from account_days
    left join engagement
        on
        account_days.account_id = engagement.account_id
        and account_days.score_date = engagement.score_date
    left join surveys
        on
        account_days.account_id = surveys.account_id
        and account_days.score_date = surveys.score_date
    left join financial
        on
        account_days.account_id = financial.account_id
        and account_days.score_date = financial.score_date
    left join support
        on
        account_days.account_id = support.account_id
        and account_days.score_date = support.score_date
)

select * from joined
