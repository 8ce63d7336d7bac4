with

source as (
    select * from {{ source('product', 'product_events') }}
),

accounts as (
    select account_id from {{ ref('stg_crm__accounts') }}
),

renamed as (
    select
        -- ids
        cast(event_id as {{ dbt.type_bigint() }}) as event_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(user_id as {{ dbt.type_string() }}) as user_id,
        -- attributes
        lower(event_type) as event_type,
        -- timestamps
        {{ to_utc('occurred_at') }} as occurred_at,
        {{ to_utc('_loaded_at') }} as loaded_at
    from source
),

screened as (
    select
        renamed.*,
        {{ quarantine_reason('renamed.event_id', [
            ('renamed.event_id is null or renamed.account_id is null or renamed.occurred_at is null',
             'null_key'),
            ('accounts.account_id is null', 'orphan_account'),
            ('renamed.occurred_at > ' ~ load_cutoff(), 'future_timestamp'),
        ]) }} as quarantine_reason
    from renamed
    left join accounts on renamed.account_id = accounts.account_id
)

select * from screened
