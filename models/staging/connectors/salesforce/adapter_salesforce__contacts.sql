-- Salesforce contacts as the raw crm.contacts contract (docs/adapters.md).
{{ config(enabled=connector_enabled('salesforce')) }}

{%- set role_field = var('salesforce__contact_role_field', 'contact_role__c') %}

with

contacts as (
    select * from {{ source('salesforce', 'contact') }}
),

mapped as (
    select
        id as contact_id,
        account_id,
        email,
        -- `role` is the contract's column name
        {{ role_field }} as role,  -- noqa: RF04
        created_date as created_at,
        _fivetran_synced as _loaded_at,
        coalesce(is_deleted, false) or coalesce(_fivetran_deleted, false) as _deleted_in_source
    from contacts
)

select * from mapped
