-- Stripe invoices as the raw billing.invoices contract (docs/adapters.md).
{{ config(enabled=connector_enabled('stripe') and var('stripe__using_invoices', true)) }}

{%- set account_id_key = var('stripe__account_id_metadata_key', 'account_id') %}

with

invoices as (
    select * from {{ source('stripe', 'invoice') }}
),

customers as (
    select * from {{ source('stripe', 'customer') }}
),

mapped as (
    select
        invoices.id as invoice_id,
        coalesce(
            {{ json_text_field('customers.metadata', account_id_key) }},
            invoices.customer_id
        ) as account_id,
        invoices.subscription_id,
        -- cents -> currency units
        cast(invoices.total / 100.0 as {{ type_double() }}) as amount,
        upper(invoices.currency) as currency,
        cast(coalesce(invoices.status_transitions_finalized_at, invoices.created) as date)
            as issued_at,
        -- an invoice charged automatically has no due date: it is due when issued
        cast(
            coalesce(
                invoices.due_date, invoices.status_transitions_finalized_at, invoices.created
            ) as date
        ) as due_at,
        invoices.status_transitions_paid_at as paid_at,
        case
            when invoices.status = 'paid' then 'paid'
            -- a draft was never sent: it bills nothing yet
            when invoices.status in ('void', 'draft') then 'void'
            -- open and uncollectible invoices are owed and unpaid
            else 'open'
        end as status,
        invoices._fivetran_synced as _loaded_at,
        coalesce(invoices.is_deleted, false) as _deleted_in_source
    from invoices
    left join customers on invoices.customer_id = customers.id
)

select * from mapped
