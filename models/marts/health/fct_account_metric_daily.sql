-- One row per account, day and metric: its raw value, score, weight and share of the score.
-- A view over the wide contributions table (26 metrics x account-days would be 76M stored
-- rows at 10,000 accounts x 365 days, for a drill-down that reads one account at a time).
-- It names its input without the database, so it resolves in whichever file holds both:
-- the build, or the publication (scripts/chw/publish.py copies the table beside it).
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

-- inlined in each metric's branch: materialised once, it held every column of every
-- account-day in memory (31 s and over 256 MB for the dashboard's latest-day read, 1.1 s now)
contributions as {{ not_materialized() }} (
    select * from {{ ref('int_account_metric_contributions').include(database=false) }}
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
