-- Per account-day: the metrics that cost the most points, the biggest fallers of the last
-- 7 days, the weakest component and the playbook action for it. Ranked within the row, on
-- whole micro-points, so float noise cannot reorder near-ties between runs.
{%- set metrics = scoring_metric_definitions() %}
{%- set components = scoring_components() %}
{%- set top_n = setting('top_drivers', 3) | int %}
with

contributions as (
    select * from {{ ref('int_account_metric_contributions') }}
    where {{ since('score_date') }}
),

playbooks as (
    select * from {{ ref('scoring_playbooks') }}
),

ranked as (
    select
        *,
        {{ top_negative_drivers(metrics, top_n) }} as top_negative_drivers,
        {{ biggest_fallers(metrics, top_n) }} as drivers_of_7d_change,
        {{ weakest_component(components) }} as weakest_component
    from contributions
),

-- the weakest component's biggest drag picks a metric-specific playbook when there is one
weakest as (
    select
        account_id,
        score_date,
        top_negative_drivers,
        drivers_of_7d_change,
        weakest_component,
        case weakest_component
            {%- for component in components %}
                when {{ sql_string(component) }} then
                    {{ top_negative_drivers(component_metrics(metrics, component), 1) }}
            {%- endfor %}
        end as weakest_metric
    from ranked
),

drivers as (
    select
        weakest.account_id,
        weakest.score_date,
        weakest.top_negative_drivers,
        weakest.drivers_of_7d_change,
        weakest.weakest_component,
        coalesce(metric_playbooks.action, component_playbooks.action) as recommended_action
    from weakest
    left join playbooks as metric_playbooks
        on
        weakest.weakest_component = metric_playbooks.component
        and weakest.weakest_metric = metric_playbooks.metric_name
    left join playbooks as component_playbooks
        on
        weakest.weakest_component = component_playbooks.component
        and component_playbooks.metric_name is null
)

select * from drivers
