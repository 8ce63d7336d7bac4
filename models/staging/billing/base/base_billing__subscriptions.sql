with

source as (
    select * from {{ raw_source('billing', 'subscriptions') }}
),

accounts as (
    select account_id from {{ ref('stg_crm__accounts') }}
),

fx_rates as (
    select currency from {{ ref('fx_rates') }}
),

renamed as (
    select
        -- ids
        cast(subscription_id as {{ dbt.type_string() }}) as subscription_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        -- contract
        lower(plan) as plan,
        cast(seats as integer) as seats,
        cast(arr as {{ type_double() }}) as arr,
        cast(mrr as {{ type_double() }}) as mrr,
        upper(currency) as currency,
        lower(status) as subscription_status,
        lower(outcome) as outcome,
        -- dates
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date,
        {{ to_utc('_loaded_at') }} as loaded_at
    from source
),

screened as (
    select
        renamed.*,
        {{ quarantine_reason('renamed.subscription_id', [
            ('renamed.subscription_id is null or renamed.account_id is null', 'null_key'),
            ('accounts.account_id is null', 'orphan_account'),
            ('renamed.arr < 0 or renamed.mrr < 0 or renamed.seats < 0', 'negative_amount'),
            ('fx_rates.currency is null', 'unknown_currency'),
            ('renamed.start_date is null or renamed.end_date < renamed.start_date', 'invalid_period'),
        ]) }} as quarantine_reason
    from renamed
    left join accounts on renamed.account_id = accounts.account_id
    left join fx_rates on renamed.currency = fx_rates.currency
)

select * from screened
