-- Per account-day: the metrics that cost the most points, the biggest fallers of the last
-- 7 days, the weakest component and the playbook action for it.
{%- set top_n = setting('top_drivers', 3) | int %}
with

contributions as (
    select * from {{ ref('int_account_metric_contributions') }}
    where {{ since('score_date') }}
),

components as (
    select * from {{ ref('int_account_components_scored') }}
    where {{ since('score_date') }}
),

playbooks as (
    select * from {{ ref('scoring_playbooks') }}
),

ranked as (
    select
        account_id,
        score_date,
        metric_name,
        component,
        points_lost,
        contribution_change_7d,
        -- ranked on micro-points, so float noise cannot reorder near-ties between runs
        row_number() over (
            partition by account_id, score_date
            order by cast(points_lost * 1000000 as bigint) desc, metric_name asc
        ) as loss_rank,
        row_number() over (
            partition by account_id, score_date
            order by cast(contribution_change_7d * 1000000 as bigint), metric_name
        ) as fall_rank
    from contributions
),

top_negative as (
    select
        account_id,
        score_date,
        {{ dbt.listagg('metric_name', "', '", 'order by loss_rank') }} as top_negative_drivers
    from ranked
    where loss_rank <= {{ top_n }} and points_lost > 0.000001
    group by account_id, score_date
),

top_falling as (
    select
        account_id,
        score_date,
        {{ dbt.listagg('metric_name', "', '", 'order by fall_rank') }} as drivers_of_7d_change
    from ranked
    where fall_rank <= {{ top_n }} and contribution_change_7d < -0.000001
    group by account_id, score_date
),

weakest_component as (
    select
        account_id,
        score_date,
        component
    from (
        select
            account_id,
            score_date,
            component,
            row_number() over (
                partition by account_id, score_date
                order by cast(component_score * 1000000 as bigint), component
            ) as weakness_rank
        from components
        where component_score is not null
    ) as ordered
    where weakness_rank = 1
),

-- the component's biggest drag picks a metric-specific playbook when there is one
weakest_metric as (
    select
        account_id,
        score_date,
        metric_name
    from (
        select
            ranked.account_id,
            ranked.score_date,
            ranked.metric_name,
            row_number() over (
                partition by ranked.account_id, ranked.score_date
                order by cast(ranked.points_lost * 1000000 as bigint) desc, ranked.metric_name
            ) as drag_rank
        from ranked
        inner join weakest_component
            on
            ranked.account_id = weakest_component.account_id
            and ranked.score_date = weakest_component.score_date
            and ranked.component = weakest_component.component
        where ranked.points_lost > 0.000001
    ) as drags
    where drag_rank = 1
),

actions as (
    select
        weakest_component.account_id,
        weakest_component.score_date,
        weakest_component.component as weakest_component,
        coalesce(metric_playbooks.action, component_playbooks.action) as recommended_action
    from weakest_component
    left join weakest_metric
        on
        weakest_component.account_id = weakest_metric.account_id
        and weakest_component.score_date = weakest_metric.score_date
    left join playbooks as metric_playbooks
        on
        weakest_component.component = metric_playbooks.component
        and weakest_metric.metric_name = metric_playbooks.metric_name
    left join playbooks as component_playbooks
        on
        weakest_component.component = component_playbooks.component
        and component_playbooks.metric_name is null
),

drivers as (
    select
        actions.account_id,
        actions.score_date,
        top_negative.top_negative_drivers,
        top_falling.drivers_of_7d_change,
        actions.weakest_component,
        actions.recommended_action
    from actions
    left join top_negative
        on
        actions.account_id = top_negative.account_id
        and actions.score_date = top_negative.score_date
    left join top_falling
        on
        actions.account_id = top_falling.account_id
        and actions.score_date = top_falling.score_date
)

select * from drivers
