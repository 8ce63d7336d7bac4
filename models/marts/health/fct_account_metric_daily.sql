with

contributions as (
    select * from {{ ref('int_account_metric_contributions') }}
    where {{ since('score_date') }}
),

final as (
    select
        account_id,
        score_date,
        metric_name,
        component,
        raw_value,
        metric_score,
        metric_weight,
        effective_weight,
        contribution,
        points_lost,
        contribution_change_7d,
        contribution_change_30d
    from contributions
)

select * from final
