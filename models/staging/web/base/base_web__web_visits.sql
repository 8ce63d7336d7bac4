-- Screened batch by batch of `_loaded_at`; a re-delivered key keeps its latest version.
{{ config(incremental_strategy='delete+insert', unique_key='visit_id') }}
with

source as (
    select * from {{ raw_source('web', 'web_visits') }}
    {{ new_batch_filter() }}
),

accounts as (
    select account_id from {{ ref('stg_crm__accounts') }}
),

renamed as (
    select
        -- ids (account_id is null for anonymous visitors: kept, not an orphan)
        cast(visit_id as {{ dbt.type_string() }}) as visit_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        -- numerics
        cast(pages as integer) as pages,
        cast(duration_seconds as integer) as duration_seconds,
        -- timestamps
        {{ to_utc('occurred_at') }} as occurred_at,
        {{ to_utc('_loaded_at') }} as loaded_at
    from source
),

versions as (
    {{ with_held_versions('renamed', 'visit_id') }}
),

screened as (
    select
        versions.*,
        {{ quarantine_reason('versions.visit_id', [
            ('versions.visit_id is null or versions.occurred_at is null', 'null_key'),
            ('versions.account_id is not null and accounts.account_id is null', 'orphan_account'),
            ('versions.pages < 0 or versions.duration_seconds < 0', 'negative_value'),
            ('versions.occurred_at > ' ~ load_cutoff(), 'future_timestamp'),
        ]) }} as quarantine_reason
    from versions
    left join accounts on versions.account_id = accounts.account_id
)

select * from screened
