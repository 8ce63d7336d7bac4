with

source as (
    select * from {{ raw_source('crm', 'csm_overrides') }}
),

accounts as (
    select account_id from {{ ref('stg_crm__accounts') }}
),

renamed as (
    select
        -- ids
        cast(override_id as {{ dbt.type_string() }}) as override_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        -- override
        cast(override_score as {{ type_double() }}) as override_score,
        lower(override_band) as override_band,
        cast(reason as {{ dbt.type_string() }}) as override_reason,
        cast(author as {{ dbt.type_string() }}) as override_author,
        -- validity
        cast(valid_from as date) as valid_from,
        cast(valid_until as date) as valid_until,
        {{ to_utc('_loaded_at') }} as loaded_at
    from source
),

screened as (
    select
        renamed.*,
        {{ quarantine_reason('renamed.override_id', [
            ('renamed.override_id is null or renamed.account_id is null', 'null_key'),
            ('accounts.account_id is null', 'orphan_account'),
            ('renamed.override_score is null and renamed.override_band is null', 'missing_value'),
            ('renamed.override_score < 0 or renamed.override_score > 100', 'out_of_range_score'),
            ("renamed.override_band not in ('red', 'yellow', 'green')", 'invalid_band'),
            ('renamed.valid_from is null or renamed.valid_until < renamed.valid_from', 'invalid_period'),
        ]) }} as quarantine_reason
    from renamed
    left join accounts on renamed.account_id = accounts.account_id
)

select * from screened
