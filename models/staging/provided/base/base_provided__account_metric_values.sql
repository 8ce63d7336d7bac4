-- Screening of precomputed metric values: one measured value of one metric for one account.
-- A value re-delivered for the same account, metric and time: the latest load wins.
with

source as (
    select * from {{ raw_source('provided', 'account_metric_values') }}
),

accounts as (
    select account_id from {{ ref('stg_crm__accounts') }}
),

renamed as (
    select
        -- ids
        {{ dbt.concat([
            'cast(account_id as ' ~ dbt.type_string() ~ ')', "'|'",
            'lower(metric_name)', "'|'",
            'cast(' ~ to_utc('measured_at') ~ ' as ' ~ dbt.type_string() ~ ')',
        ]) }} as metric_value_key,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        lower(metric_name) as metric_name,
        -- value
        cast(metric_value as {{ type_double() }}) as metric_value,
        -- timestamps
        {{ to_utc('measured_at') }} as measured_at,
        {{ to_utc('_loaded_at') }} as loaded_at
    from source
),

screened as (
    select
        renamed.*,
        {{ quarantine_reason('renamed.metric_value_key', [
            ('renamed.account_id is null or renamed.metric_name is null or renamed.measured_at is null',
             'null_key'),
            ('accounts.account_id is null', 'orphan_account'),
            ('renamed.metric_value is null', 'missing_value'),
            ('renamed.measured_at > ' ~ load_cutoff(), 'future_timestamp'),
        ]) }} as quarantine_reason
    from renamed
    left join accounts on renamed.account_id = accounts.account_id
)

select * from screened
