-- Screened batch by batch of `_loaded_at`; a re-delivered key keeps its latest version.
{{ config(incremental_strategy='delete+insert', unique_key='interaction_id') }}
with

source as (
    select * from {{ raw_source('marketing', 'content_interactions') }}
    {{ new_batch_filter() }}
),

accounts as (
    select account_id from {{ ref('stg_crm__accounts') }}
),

renamed as (
    select
        -- ids
        cast(interaction_id as {{ dbt.type_string() }}) as interaction_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(contact_id as {{ dbt.type_string() }}) as contact_id,
        -- attributes
        lower(content_type) as content_type,
        -- timestamps
        {{ to_utc('occurred_at') }} as occurred_at,
        {{ to_utc('_loaded_at') }} as loaded_at
    from source
),

versions as (
    {{ with_held_versions('renamed', 'interaction_id') }}
),

screened as (
    select
        versions.*,
        {{ quarantine_reason('versions.interaction_id', [
            ('versions.interaction_id is null or versions.account_id is null or versions.occurred_at is null',
             'null_key'),
            ('accounts.account_id is null', 'orphan_account'),
            ('versions.occurred_at > ' ~ load_cutoff(), 'future_timestamp'),
        ]) }} as quarantine_reason
    from versions
    left join accounts on versions.account_id = accounts.account_id
)

select * from screened
