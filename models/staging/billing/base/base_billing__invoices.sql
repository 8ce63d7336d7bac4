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
        {{ to_utc_date('issued_at') }} as issued_at,
        {{ to_utc_date('due_at') }} as due_at,
        {{ to_utc('paid_at') }} as paid_at,
        {{ to_utc('_loaded_at') }} as loaded_at,
        -- a connector's soft-deleted row (macro deleted_in_source; native rows: false)
        {{ deleted_in_source('billing', 'invoices') }} as deleted_in_source
    from source
),

screened as (
    select
        renamed.*,
        {{ quarantine_reason('renamed.invoice_id', [
            ('renamed.deleted_in_source', 'deleted_in_source'),
            ('renamed.invoice_id is null or renamed.account_id is null or renamed.due_at is null',
             'null_key'),
            ('accounts.account_id is null', 'orphan_account'),
        ] + non_finite_checks(['renamed.amount']) + [
            ('renamed.amount < 0', 'negative_amount'),
        ] + plausibility_checks({'renamed.amount': 'invoice_amount'}) + [
            ('fx_rates.currency is null', 'unknown_currency'),
        ] + timestamp_checks(['renamed.issued_at', 'renamed.paid_at'], scheduled=['renamed.due_at'])
        ) }} as quarantine_reason
    from renamed
    left join accounts on renamed.account_id = accounts.account_id
    left join fx_rates on renamed.currency = fx_rates.currency
)

select * from screened
