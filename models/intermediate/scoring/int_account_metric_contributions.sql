-- Each metric's share of the overall score, one row per account-day and a column set per
-- metric: effective weight (component share x metric share of the measured weight) x score.
-- The contributions of an account-day sum to its score, and their changes to its change.
-- Raw values, scores and component scores ride along, so drivers and the long fact read
-- this one table (joining two wide tables costs more than carrying the columns).
{%- set metrics = scoring_metric_definitions() %}
with

metric_scores as (
    select * from {{ ref('int_account_metrics_normalised') }}
    where {{ since('score_date', 30) }}
),

health as (
    select * from {{ ref('int_account_health_scored') }}
    where {{ since('score_date', 30) }}
),

weighted as (
    select
        metric_scores.account_id,
        {%- for component in scoring_components() %}
            health.{{ component }}_score,
        {%- endfor %}
        {%- for metric in metrics %}
            {%- set name = metric.metric_name %}
            metric_scores.{{ name }},
            metric_scores.{{ name }}_score,
            -- 0 when N/A, and when nothing it counts towards is measured with weight (a
            -- component whose measured metrics all weigh 0 is N/A, so is a score without any)
            {{ effective_weight(metric) }} as {{ name }}_effective_weight,
        {%- endfor %}
        metric_scores.score_date
    from metric_scores
    inner join health
        on
        metric_scores.account_id = health.account_id
        and metric_scores.score_date = health.score_date
),

contributions as (
    select
        {%- for metric in metrics %}
            {%- set name = metric.metric_name %}
            {{ name }}_effective_weight * coalesce({{ name }}_score, 0) as {{ name }}_contribution,
            -- points the metric costs the score: how far it is from a perfect 100
            {{ name }}_effective_weight
            * (100 - coalesce({{ name }}_score, 100)) as {{ name }}_points_lost,
        {%- endfor %}
        *
    from weighted
),

-- changes vs the contributions exactly 7 and 30 calendar days earlier (null when the
-- account had no score that day): a join on the day, not lag() over rows
changes as (
    select
        {%- for metric in metrics %}
            {%- set name = metric.metric_name %}
            contributions.{{ name }}_contribution - week_ago.{{ name }}_contribution
                as {{ name }}_contribution_change_7d,
            contributions.{{ name }}_contribution - month_ago.{{ name }}_contribution
                as {{ name }}_contribution_change_30d,
        {%- endfor %}
        contributions.*
    from contributions
    left join contributions as week_ago
        on
        contributions.account_id = week_ago.account_id
        and {{ add_days('contributions.score_date', -7) }} = week_ago.score_date
    left join contributions as month_ago
        on
        contributions.account_id = month_ago.account_id
        and {{ add_days('contributions.score_date', -30) }} = month_ago.score_date
),

final as (
    select * from changes
    where {{ since('score_date') }}
)

select * from final
