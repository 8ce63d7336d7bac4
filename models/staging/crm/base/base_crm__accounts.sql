with

source as (
    select * from {{ raw_source('crm', 'accounts') }}
),

renamed as (
    select
        -- ids
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(parent_account_id as {{ dbt.type_string() }}) as parent_account_id,
        -- attributes
        cast(account_name as {{ dbt.type_string() }}) as account_name,
        lower(plan_tier) as plan_tier,
        lower(industry) as industry,
        lower(region) as region,
        lower(size_band) as size_band,
        cast(csm_owner as {{ dbt.type_string() }}) as csm_owner,
        lower(lifecycle_stage) as lifecycle_stage,
        -- timestamps
        {{ to_utc('created_at') }} as created_at,
        {{ to_utc('_loaded_at') }} as loaded_at
    from source
),

known_ids as (
    select distinct account_id from renamed
),

screened as (
    select
        renamed.*,
        {{ quarantine_reason('renamed.account_id', [
            ('renamed.account_id is null', 'null_key'),
            ("renamed.plan_tier not in ('starter', 'growth', 'enterprise') or renamed.plan_tier is null",
             'invalid_segment'),
            ('renamed.parent_account_id is not null and parents.account_id is null', 'orphan_parent'),
            ('renamed.created_at > ' ~ load_cutoff(), 'future_timestamp'),
        ]) }} as quarantine_reason
    from renamed
    left join known_ids as parents on renamed.parent_account_id = parents.account_id
)

select * from screened
