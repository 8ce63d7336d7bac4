-- Each metric's raw value mapped to 0-100 by the method its definition names.
with

metric_values as (
    select * from {{ ref('int_account_metrics_unpivoted') }}
    where {{ since('score_date') }}
),

definitions as (
    select * from {{ ref('scoring_metrics') }}
),

defined as (
    select
        metric_values.account_id,
        metric_values.score_date,
        metric_values.segment,
        metric_values.metric_name,
        definitions.component,
        definitions.direction,
        definitions.normalisation,
        definitions.lower_bound,
        definitions.upper_bound,
        definitions.weight as metric_weight,
        metric_values.raw_value
    from metric_values
    inner join definitions on metric_values.metric_name = definitions.metric_name
),

-- percentile within segment and day, among accounts where the metric is measured;
-- ranked only for the metrics that use it (the window is the costly part at scale)
ranked as (
    select
        *,
        percent_rank() over (
            partition by segment, score_date, metric_name, raw_value is null order by raw_value
        ) as segment_percentile,
        count(*) over (
            partition by segment, score_date, metric_name, raw_value is null
        ) as segment_peers
    from defined
    where normalisation = 'percentile'
    union all
    select
        *,
        cast(null as {{ type_double() }}) as segment_percentile,
        cast(null as {{ dbt.type_bigint() }}) as segment_peers
    from defined
    where normalisation != 'percentile'
),

scored as (
    select
        *,
        case
            when raw_value is null then null
            when normalisation = 'absolute'
                then 100.0 * least(1.0, greatest(
                    0.0,
                    case
                        when direction = 'higher' then (raw_value - lower_bound)
                        else (upper_bound - raw_value)
                    end / (upper_bound - lower_bound)
                ))
            when normalisation = 'thresholds' and direction = 'higher'
                then
                    case
                        when raw_value >= upper_bound then 100.0 when
                            raw_value <= lower_bound
                            then 0.0
                        else 50.0
                    end
            when normalisation = 'thresholds'
                then
                    case
                        when raw_value <= lower_bound then 100.0 when
                            raw_value >= upper_bound
                            then 0.0
                        else 50.0
                    end
            when segment_peers = 1 then 50.0
            when direction = 'higher' then 100.0 * segment_percentile
            else 100.0 * (1 - segment_percentile)
        end as metric_score
    from ranked
),

normalised as (
    select
        account_id,
        score_date,
        segment,
        metric_name,
        component,
        metric_weight,
        raw_value,
        metric_score
    from scored
)

select * from normalised
