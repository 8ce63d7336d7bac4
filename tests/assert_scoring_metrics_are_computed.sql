-- Every metric defined in the scoring_metrics seed is computed, and every computed metric is
-- defined: a metric in one but not the other is either never scored or scored without a
-- definition.
with

defined as (
    select metric_name from {{ ref('scoring_metrics') }}
),

computed as (
    select distinct metric_name from {{ ref('int_account_metrics_unpivoted') }}
),

compared as (
    select
        coalesce(defined.metric_name, computed.metric_name) as metric_name,
        defined.metric_name is not null as is_defined,
        computed.metric_name is not null as is_computed
    from defined
    full outer join computed on defined.metric_name = computed.metric_name
)

select *
from compared
where not (is_defined and is_computed)
