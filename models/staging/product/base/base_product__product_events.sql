-- Events are immutable and the largest table: screened incrementally, batch by batch of
-- `_loaded_at`. The first delivery of an event id is kept; re-deliveries are duplicates.
{{ config(incremental_strategy='append') }}
with

source as (
    select * from {{ raw_source('product', 'product_events') }}
    {{ new_batch_filter() }}
),

accounts as (
    select account_id from {{ ref('stg_crm__accounts') }}
),

already_accepted as (
    {% if is_incremental() %}
        -- probe with the new batch's ids: the big table is scanned, never hashed
        select event_id from {{ this }}
        where
            quarantine_reason is null
            and event_id in (select cast(event_id as {{ dbt.type_bigint() }}) from source)
    {% else %}
        select cast(null as {{ dbt.type_bigint() }}) as event_id
        where false
    {% endif %}
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
            ('already_accepted.event_id is not null', 'duplicate'),
        ], keep_order='renamed.loaded_at asc') }} as quarantine_reason
    from renamed
    left join accounts on renamed.account_id = accounts.account_id
    left join already_accepted on renamed.event_id = already_accepted.event_id
)

select * from screened
