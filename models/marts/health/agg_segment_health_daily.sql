with

health as (
    select * from {{ ref('fct_account_health_daily') }}
    where {{ since('score_date') }}
),

account_days as (
    select
        account_id,
        score_date,
        arr_usd
    from {{ ref('int_account_days_enumerated') }}
    where {{ since('score_date') }}
),

joined as (
    select
        health.score_date,
        health.segment,
        health.published_band,
        health.published_score,
        account_days.arr_usd
    from health
    inner join account_days
        on health.account_id = account_days.account_id
        and health.score_date = account_days.score_date
),

by_segment as (
    select
        score_date,
        segment,
        count(*) as accounts,  -- noqa: RF04
        count(case when published_band = 'red' then 1 end) as red_accounts,
        count(case when published_band = 'yellow' then 1 end) as yellow_accounts,
        count(case when published_band = 'green' then 1 end) as green_accounts,
        count(case when published_band is null then 1 end) as unbanded_accounts,
        sum(arr_usd) as arr_usd,
        sum(case when published_band = 'red' then arr_usd else 0 end) as red_arr_usd,
        sum(case when published_band = 'yellow' then arr_usd else 0 end) as yellow_arr_usd,
        sum(case when published_band = 'green' then arr_usd else 0 end) as green_arr_usd,
        avg(published_score) as average_score
    from joined
    group by score_date, segment
),

portfolio as (
    select
        score_date,
        'all' as segment,
        cast(sum(accounts) as {{ dbt.type_bigint() }}) as accounts,  -- noqa: RF04
        cast(sum(red_accounts) as {{ dbt.type_bigint() }}) as red_accounts,
        cast(sum(yellow_accounts) as {{ dbt.type_bigint() }}) as yellow_accounts,
        cast(sum(green_accounts) as {{ dbt.type_bigint() }}) as green_accounts,
        cast(sum(unbanded_accounts) as {{ dbt.type_bigint() }}) as unbanded_accounts,
        sum(arr_usd) as arr_usd,
        sum(red_arr_usd) as red_arr_usd,
        sum(yellow_arr_usd) as yellow_arr_usd,
        sum(green_arr_usd) as green_arr_usd,
        sum(average_score * accounts) / sum(accounts) as average_score
    from by_segment
    group by score_date
),

final as (
    select * from by_segment
    union all
    select * from portfolio
)

select * from final
