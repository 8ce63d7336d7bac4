with

published as (
    select * from {{ ref('int_account_health_published') }}
    where {{ since('score_date') }}
),

drivers as (
    select * from {{ ref('int_account_drivers_ranked') }}
    where {{ since('score_date') }}
),

final as (
    select
        -- keys
        published.account_id,
        published.score_date,
        published.segment,
        -- published (after any CSM override)
        published.published_score,
        published.published_band,
        case when published.published_band is null then published.no_band_reason end
            as no_band_reason,
        -- computed
        published.health_score as computed_score,
        published.health_band as computed_band,
        published.engagement_score,
        published.satisfaction_score,
        published.experience_score,
        published.financial_score,
        published.support_score,
        published.coverage,
        published.confidence,
        -- override
        published.is_overridden,
        published.override_reason,
        published.override_author,
        published.override_valid_until,
        -- trend
        published.score_change_7d,
        published.score_change_30d,
        published.trend_7d,
        published.trend_30d,
        -- explanation
        drivers.top_negative_drivers,
        drivers.weakest_component,
        drivers.recommended_action
    from published
    left join drivers
        on published.account_id = drivers.account_id
        and published.score_date = drivers.score_date
)

select * from final
