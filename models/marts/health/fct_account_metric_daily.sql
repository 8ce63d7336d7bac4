-- One row per account, day and metric: its raw value, score, weight and share of the score.
{%- set metrics = scoring_metric_definitions() %}
{%- set rows = [] %}
{%- for metric in metrics %}
    {%- set name = metric.metric_name %}
    {%- do rows.append((name, [
        "cast('" ~ metric.component ~ "' as " ~ dbt.type_string() ~ ")",
        name,
        name ~ '_score',
        float_literal(metric.weight),
        name ~ '_effective_weight',
        name ~ '_contribution',
        name ~ '_points_lost',
        name ~ '_contribution_change_7d',
        name ~ '_contribution_change_30d',
    ])) %}
{%- endfor %}
with

contributions as (
    select * from {{ ref('int_account_metric_contributions') }}
    where {{ since('score_date') }}
),

unpivoted as (
    {{ unpivot_columns(
        'contributions',
        ['account_id', 'score_date'],
        'metric_name',
        ['component', 'raw_value', 'metric_score', 'metric_weight', 'effective_weight',
         'contribution', 'points_lost', 'contribution_change_7d', 'contribution_change_30d'],
        rows
    ) }}
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
    from unpivoted
)

select * from final
