with

source as (
    select * from {{ raw_source('billing', 'invoices') }}
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
        cast(invoice_id as {{ dbt.type_string() }}) as invoice_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(subscription_id as {{ dbt.type_string() }}) as subscription_id,
        -- amounts
        cast(amount as {{ type_double() }}) as amount,
        upper(currency) as currency,
        lower(status) as invoice_status,
        -- dates
        cast(issued_at as date) as issued_at,
        cast(due_at as date) as due_at,
        {{ to_utc('paid_at') }} as paid_at,
        {{ to_utc('_loaded_at') }} as loaded_at
    from source
),

screened as (
    select
        renamed.*,
        {{ quarantine_reason('renamed.invoice_id', [
            ('renamed.invoice_id is null or renamed.account_id is null or renamed.due_at is null',
             'null_key'),
            ('accounts.account_id is null', 'orphan_account'),
            ('renamed.amount < 0', 'negative_amount'),
            ('fx_rates.currency is null', 'unknown_currency'),
            ('renamed.issued_at > ' ~ load_cutoff() ~ ' or renamed.paid_at > ' ~ load_cutoff(),
             'future_timestamp'),
        ]) }} as quarantine_reason
    from renamed
    left join accounts on renamed.account_id = accounts.account_id
    left join fx_rates on renamed.currency = fx_rates.currency
)

select * from screened
