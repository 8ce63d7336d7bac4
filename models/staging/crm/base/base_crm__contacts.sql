with

source as (
    select * from {{ raw_source('crm', 'contacts') }}
),

accounts as (
    select account_id from {{ ref('stg_crm__accounts') }}
),

renamed as (
    select
        -- ids
        cast(contact_id as {{ dbt.type_string() }}) as contact_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        -- attributes (email is PII: only its hash leaves this model)
        {{ hash_pii('email') }} as email_hash,
        lower(role) as contact_role,
        -- timestamps
        {{ to_utc('created_at') }} as created_at,
        {{ to_utc('_loaded_at') }} as loaded_at
    from source
),

screened as (
    select
        renamed.*,
        {{ quarantine_reason('renamed.contact_id', [
            ('renamed.contact_id is null or renamed.account_id is null', 'null_key'),
            ('accounts.account_id is null', 'orphan_account'),
            ('renamed.created_at > ' ~ load_cutoff(), 'future_timestamp'),
        ]) }} as quarantine_reason
    from renamed
    left join accounts on renamed.account_id = accounts.account_id
)

select * from screened
