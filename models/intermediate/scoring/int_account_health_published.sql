-- What is published per account-day: the computed score, a valid CSM override in its
-- place (the computed score kept beside it), and the trend vs 7 and 30 days earlier.
{%- set flat = setting('trend_flat_points', 2) %}
with

health as (
    select
        account_id,
        score_date,
        segment,
        measured_component_weight,
        health_score,
        coverage,
        engagement_score,
        satisfaction_score,
        experience_score,
        financial_score,
        support_score,
        confidence,
        health_band,
        no_band_reason
    from {{ ref('int_account_health_scored') }}
    where {{ since('score_date', 30) }}
),

overrides as (
    select * from {{ ref('stg_crm__csm_overrides') }}
),

bands as (
    select * from {{ ref('scoring_bands') }}
),

-- several valid overrides on one day: the one that started last wins
valid_overrides as (
    select *
    from (
        select
            health.account_id,
            health.score_date,
            overrides.override_score,
            overrides.override_band,
            overrides.override_reason,
            overrides.override_author,
            overrides.valid_until as override_valid_until,
            row_number() over (
                partition by health.account_id, health.score_date
                order by
                    overrides.valid_from desc, overrides.loaded_at desc, overrides.override_id asc
            ) as override_rank
        from health
        inner join overrides
            on
            health.account_id = overrides.account_id
            and health.score_date >= overrides.valid_from
            and (overrides.valid_until is null or health.score_date <= overrides.valid_until)
    ) as ranked
    where override_rank = 1
),

published as (
    select
        health.*,
        valid_overrides.override_score is not null
        or valid_overrides.override_band is not null as is_overridden,
        coalesce(valid_overrides.override_score, health.health_score) as published_score,
        coalesce(
            valid_overrides.override_band,
            case
                when valid_overrides.override_score is null then health.health_band
                when valid_overrides.override_score < bands.red_below then 'red'
                when valid_overrides.override_score >= bands.green_from then 'green'
                else 'yellow'
            end
        ) as published_band,
        valid_overrides.override_reason,
        valid_overrides.override_author,
        valid_overrides.override_valid_until
    from health
    inner join bands on {{ config_segment('health.segment') }} = bands.segment
    left join valid_overrides
        on
        health.account_id = valid_overrides.account_id
        and health.score_date = valid_overrides.score_date
),

trended as (
    select
        *,
        health_score - lag(health_score, 7) over (
            partition by account_id order by score_date
        ) as score_change_7d,
        health_score - lag(health_score, 30) over (
            partition by account_id order by score_date
        ) as score_change_30d,
        lag(health_band, 7) over (partition by account_id order by score_date) as health_band_7d_ago
    from published
),

directed as (
    select
        *,
        case
            when score_change_7d is null then null
            when score_change_7d > {{ flat }} then 'up'
            when score_change_7d < -{{ flat }} then 'down'
            else 'flat'
        end as trend_7d,
        case
            when score_change_30d is null then null
            when score_change_30d > {{ flat }} then 'up'
            when score_change_30d < -{{ flat }} then 'down'
            else 'flat'
        end as trend_30d
    from trended
),

final as (
    select * from directed
    where {{ since('score_date') }}
)

select * from final -- noqa: AM04
