-- Parent accounts roll up their children's published scores, weighted by ARR.
with

health as (
    select * from {{ ref('fct_account_health_daily') }}
    where {{ since('score_date') }}
),

account_days as (
    select
        account_id,
        score_date,
        parent_account_id,
        arr_usd
    from {{ ref('int_account_days_enumerated') }}
    where {{ since('score_date') }}
),

bands as (
    select * from {{ ref('scoring_bands') }}
),

accounts as (
    select
        account_id,
        plan_tier
    from {{ ref('stg_crm__accounts') }}
),

children as (
    select
        account_days.parent_account_id,
        health.score_date,
        health.published_score,
        account_days.arr_usd
    from health
    inner join account_days
        on health.account_id = account_days.account_id
        and health.score_date = account_days.score_date
    where account_days.parent_account_id is not null
),

rolled_up as (
    select
        parent_account_id,
        score_date,
        count(*) as child_accounts,
        sum(arr_usd) as arr_usd,
        sum(arr_usd * published_score) / nullif(sum(arr_usd), 0) as health_score
    from children
    where published_score is not null
    group by parent_account_id, score_date
),

final as (
    select
        rolled_up.parent_account_id,
        rolled_up.score_date,
        rolled_up.child_accounts,
        rolled_up.arr_usd,
        rolled_up.health_score,
        case
            when rolled_up.health_score < bands.red_below then 'red'
            when rolled_up.health_score >= bands.green_from then 'green'
            else 'yellow'
        end as health_band
    from rolled_up
    inner join accounts on rolled_up.parent_account_id = accounts.account_id
    inner join bands on {{ config_segment('accounts.plan_tier') }} = bands.segment
)

select * from final
