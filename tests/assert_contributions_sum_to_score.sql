-- The metric contributions of every account-day add up to its computed score, and their
-- 7- and 30-day changes add up to the score's changes (tolerance 1e-6).
with

contributions as (
    select
        account_id,
        score_date,
        sum(contribution) as contribution_total,
        sum(contribution_change_7d) as contribution_change_7d_total,
        sum(contribution_change_30d) as contribution_change_30d_total
    from {{ ref('fct_account_metric_daily') }}
    group by account_id, score_date
),

health as (
    select
        account_id,
        score_date,
        computed_score,
        score_change_7d,
        score_change_30d
    from {{ ref('fct_account_health_daily') }}
),

compared as (
    select
        health.account_id,
        health.score_date,
        health.computed_score,
        contributions.contribution_total,
        health.score_change_7d,
        contributions.contribution_change_7d_total,
        health.score_change_30d,
        contributions.contribution_change_30d_total
    from health
    left join contributions
        on health.account_id = contributions.account_id
        and health.score_date = contributions.score_date
)

select *
from compared
where
    (computed_score is not null and contribution_total is null)
    or abs(computed_score - contribution_total) > 1e-6
    or abs(score_change_7d - contribution_change_7d_total) > 1e-6
    or abs(score_change_30d - contribution_change_30d_total) > 1e-6
