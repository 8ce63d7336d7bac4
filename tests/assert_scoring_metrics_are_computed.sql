-- Every metric defined in the scoring_metrics seed is computed (a column of
-- int_account_metrics_joined), and every computed metric is defined: a metric in one but not
-- the other is either never scored or scored without a definition.
{%- set keys = ['account_id', 'score_date', 'segment'] %}
{%- set joined = ref('int_account_metrics_joined') %}
{%- set computed_names = [] %}
{%- if execute %}
    {%- for column in adapter.get_columns_in_relation(joined) if column.name | lower not in keys %}
        {%- do computed_names.append(column.name | lower) %}
    {%- endfor %}
{%- endif %}
with

defined as (
    select metric_name from {{ ref('scoring_metrics') }}
),

computed as (
    {%- for name in computed_names %}
        select cast('{{ name }}' as {{ dbt.type_string() }}) as metric_name
        union all
    {%- endfor %}
    select cast(null as {{ dbt.type_string() }}) as metric_name
    where false
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
