-- Current state of every account: small, rebuilt each run.
{{ config(materialized='table') }}
with

accounts as (
    select * from {{ ref('stg_crm__accounts') }}
),

health as (
    select * from {{ ref('fct_account_health_daily') }}
),

account_days as (
    select * from {{ ref('int_account_days_enumerated') }}
),

latest_day as (
    select max(score_date) as score_date from health
),

-- each account's most recent scored day (a churned account keeps its last one)
latest_health as (
    select *
    from (
        select
            *,
            row_number() over (partition by account_id order by score_date desc) as recency_rank
        from health
    ) as ranked
    where recency_rank = 1
),

final as (
    select
        accounts.account_id,
        accounts.account_name,
        accounts.parent_account_id,
        accounts.plan_tier as segment,
        accounts.industry,
        accounts.region,
        accounts.size_band,
        accounts.csm_owner,
        accounts.lifecycle_stage,
        accounts.created_at,
        latest_health.score_date as last_scored_date,
        latest_health.score_date = latest_day.score_date as is_active_customer,
        latest_health.published_score,
        latest_health.published_band,
        latest_health.computed_score,
        latest_health.confidence,
        latest_health.trend_30d,
        latest_health.score_change_30d,
        latest_health.top_negative_drivers,
        latest_health.recommended_action,
        latest_health.is_overridden,
        account_days.arr_usd,
        account_days.seats,
        account_days.renewal_date,
        cast(account_days.days_to_renewal as {{ dbt.type_bigint() }}) as days_to_renewal
    from accounts
    cross join latest_day
    left join latest_health on accounts.account_id = latest_health.account_id
    left join account_days
        on latest_health.account_id = account_days.account_id
        and latest_health.score_date = account_days.score_date
)

select * from final
