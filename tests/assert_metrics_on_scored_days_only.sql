-- Windows run over every calendar day of an account's history, but each metric model holds
-- exactly the scored account-days of the spine: no day from a gap between contracts or
-- from before the first scored day, and no scored day missing.
with

spine as (
    select
        account_id,
        score_date
    from {{ ref('int_account_days_enumerated') }}
),

metric_models as (
    select 'engagement' as metric_model
    union all
    select 'survey' as metric_model
    union all
    select 'financial' as metric_model
    union all
    select 'support' as metric_model
),

metric_days as (
    select
        'engagement' as metric_model,
        account_id,
        score_date
    from {{ ref('int_engagement_metrics_computed') }}
    union all
    select
        'survey' as metric_model,
        account_id,
        score_date
    from {{ ref('int_survey_metrics_computed') }}
    union all
    select
        'financial' as metric_model,
        account_id,
        score_date
    from {{ ref('int_financial_metrics_computed') }}
    union all
    select
        'support' as metric_model,
        account_id,
        score_date
    from {{ ref('int_support_metrics_computed') }}
),

expected as (
    select
        metric_models.metric_model,
        spine.account_id,
        spine.score_date
    from spine
    cross join metric_models
),

mismatches as (
    select
        coalesce(expected.metric_model, metric_days.metric_model) as metric_model,
        coalesce(expected.account_id, metric_days.account_id) as account_id,
        coalesce(expected.score_date, metric_days.score_date) as score_date,
        case
            when expected.account_id is null then 'not a scored day' else 'scored day missing'
        end as problem
    from expected
    full outer join metric_days
        on
        expected.metric_model = metric_days.metric_model
        and expected.account_id = metric_days.account_id
        and expected.score_date = metric_days.score_date
    where expected.account_id is null or metric_days.account_id is null
)

select * from mismatches
