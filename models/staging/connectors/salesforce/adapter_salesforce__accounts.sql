-- Salesforce accounts (+ owners) as the raw crm.accounts contract (docs/adapters.md).
{{ config(enabled=connector_enabled('salesforce')) }}

{%- set plan_tier_field = var('salesforce__plan_tier_field', 'plan_tier__c') -%}
{%- set region_field = var('salesforce__region_field', 'region__c') -%}
{%- set lifecycle_field = var('salesforce__lifecycle_stage_field', 'lifecycle_stage__c') -%}
{%- set size_bands = var('salesforce__size_band_min_employees', {'mid': 200, 'large': 1000}) %}

with

accounts as (
    select * from {{ source('salesforce', 'account') }}
),

owners as (
    select * from {{ source('salesforce', 'user') }}
),

mapped as (
    select
        accounts.id as account_id,
        accounts.name as account_name,
        accounts.parent_id as parent_account_id,
        accounts.{{ plan_tier_field }} as plan_tier,
        accounts.industry,
        accounts.{{ region_field }} as region,
        case
            when accounts.number_of_employees >= {{ size_bands['large'] }} then 'large'
            when accounts.number_of_employees >= {{ size_bands['mid'] }} then 'mid'
            when accounts.number_of_employees >= 0 then 'smb'
        end as size_band,
        owners.name as csm_owner,
        accounts.created_date as created_at,
        accounts.{{ lifecycle_field }} as lifecycle_stage,
        accounts._fivetran_synced as _loaded_at,
        coalesce(accounts.is_deleted, false) or coalesce(accounts._fivetran_deleted, false)
            as _deleted_in_source
    from accounts
    left join owners on accounts.owner_id = owners.id
)

select * from mapped
