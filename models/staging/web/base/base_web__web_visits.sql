with

source as (
    select * from {{ source('web', 'web_visits') }}
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

screened as (
    select
        renamed.*,
        {{ quarantine_reason('renamed.visit_id', [
            ('renamed.visit_id is null or renamed.occurred_at is null', 'null_key'),
            ('renamed.account_id is not null and accounts.account_id is null', 'orphan_account'),
            ('renamed.pages < 0 or renamed.duration_seconds < 0', 'negative_value'),
            ('renamed.occurred_at > ' ~ load_cutoff(), 'future_timestamp'),
        ]) }} as quarantine_reason
    from renamed
    left join accounts on renamed.account_id = accounts.account_id
)

select * from screened
