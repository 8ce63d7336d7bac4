-- Band downgrades (vs 7 days earlier) and sharp 7-day drops, with what drove them.
-- Small, so rebuilt each run: a day whose alert vanished (late data) must vanish too.
{{ config(materialized='table') }}
{%- set drop_points = setting('alert_drop_points', 10) %}
with

published as (
    select * from {{ ref('int_account_health_published') }}
),

drivers as (
    select * from {{ ref('int_account_drivers_ranked') }}
),

flagged as (
    select
        account_id,
        score_date,
        segment,
        health_band_7d_ago as previous_band,
        health_band as current_band,
        health_score,
        score_change_7d,
        (health_band_7d_ago = 'green' and health_band in ('yellow', 'red'))
        or (health_band_7d_ago = 'yellow' and health_band = 'red') as is_band_downgrade,
        score_change_7d <= -{{ drop_points }} as is_sharp_drop
    from published
),

alerts as (
    select
        flagged.account_id,
        flagged.score_date as alert_date,
        flagged.segment,
        case
            when
                flagged.is_band_downgrade and flagged.is_sharp_drop
                then 'band_downgrade_and_sharp_drop'
            when flagged.is_band_downgrade then 'band_downgrade'
            else 'sharp_drop'
        end as alert_type,
        flagged.previous_band,
        flagged.current_band,
        flagged.health_score,
        flagged.score_change_7d,
        drivers.drivers_of_7d_change,
        drivers.recommended_action
    from flagged
    left join drivers
        on flagged.account_id = drivers.account_id
        and flagged.score_date = drivers.score_date
    where flagged.is_band_downgrade or flagged.is_sharp_drop
)

select * from alerts
