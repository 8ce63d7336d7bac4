with

source as (
    select * from {{ source('marketing', 'content_interactions') }}
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

screened as (
    select
        renamed.*,
        {{ quarantine_reason('renamed.interaction_id', [
            ('renamed.interaction_id is null or renamed.account_id is null or renamed.occurred_at is null',
             'null_key'),
            ('accounts.account_id is null', 'orphan_account'),
            ('renamed.occurred_at > ' ~ load_cutoff(), 'future_timestamp'),
        ]) }} as quarantine_reason
    from renamed
    left join accounts on renamed.account_id = accounts.account_id
)

select * from screened
