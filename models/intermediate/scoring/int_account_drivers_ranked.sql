-- Per account-day: the metrics that cost the most points, the biggest fallers of the last
-- 7 days, the weakest component and the playbook action for it. Ranked within the row, on
-- whole micro-points, so float noise cannot reorder near-ties between runs: each rank is
-- the least rank code above the one before (macros/scoring/rank_in_row.sql), one step per
-- rank, so no list is sorted per row.
{%- set metrics = scoring_metric_definitions() %}
{%- set components = scoring_components() %}
{%- set top_n = setting('top_drivers', 3) | int %}
{%- set losses = points_lost_candidates(metrics) %}
{%- set falls = contribution_fall_candidates(metrics) %}
{%- set weakest = component_score_candidates(components) %}
with

contributions as (
    select * from {{ ref('int_account_metric_contributions') }}
    where {{ since('score_date') }}
),

playbooks as (
    select * from {{ ref('scoring_playbooks') }}
),

coded as (
    select
        account_id,
        score_date,
        {{ rank_code_columns(losses, 'loss') }},
        {{ rank_code_columns(falls, 'fall') }},
        {{ rank_code_columns(weakest, 'component') }}
    from contributions
    {{ planner_fence() }}
),

-- the first of each ranking; per component, its metric that costs the most points
ranked_1 as (
    select
        *,
        {%- for component in components %}
            {{ next_rank_code(rank_code_names(
                losses, 'loss', component_metrics(metrics, component) | map(attribute='metric_name') | list
            )) }} as {{ component }}_loss_1,
        {%- endfor %}
        {{ next_rank_code(rank_code_names(losses, 'loss')) }} as loss_1,
        {{ next_rank_code(rank_code_names(falls, 'fall')) }} as fall_1,
        {{ next_rank_code(rank_code_names(weakest, 'component')) }} as component_1
    from coded
    {{ planner_fence() }}
),
{%- for rank in range(2, top_n + 1) %}

    ranked_{{ rank }} as (
        select
            *,
            {{ next_rank_code(rank_code_names(losses, 'loss'), 'loss_' ~ (rank - 1)) }}
                as loss_{{ rank }},
            {{ next_rank_code(rank_code_names(falls, 'fall'), 'fall_' ~ (rank - 1)) }}
                as fall_{{ rank }}
        from ranked_{{ rank - 1 }}
        {{ planner_fence() }}
    ),
{%- endfor %}

named as (
    select
        account_id,
        score_date,
        {%- set loss_codes, fall_codes = [], [] %}
        {%- for rank in range(1, top_n + 1) %}
            {%- do loss_codes.append('loss_' ~ rank) %}
            {%- do fall_codes.append('fall_' ~ rank) %}
        {%- endfor %}
        {{ rank_code_names_joined(loss_codes, losses) }} as top_negative_drivers,
        {{ rank_code_names_joined(fall_codes, falls) }} as drivers_of_7d_change,
        {%- for component in components %}
            {{ rank_code_name(component ~ '_loss_1', losses) }} as {{ component }}_weakest_metric,
        {%- endfor %}
        {{ rank_code_name('component_1', weakest) }} as weakest_component
    from ranked_{{ top_n }}
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
                when {{ sql_string(component) }} then {{ component }}_weakest_metric
            {%- endfor %}
        end as weakest_metric
    from named
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
