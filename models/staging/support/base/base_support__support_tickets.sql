with

source as (
    select * from {{ raw_source('support', 'support_tickets') }}
),

accounts as (
    select account_id from {{ ref('stg_crm__accounts') }}
),

renamed as (
    select
        -- ids
        cast(ticket_id as {{ dbt.type_string() }}) as ticket_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        -- attributes
        lower(priority) as priority,
        lower(category) as category,
        cast(is_escalated as boolean) as is_escalated,
        cast(reopened_count as integer) as reopened_count,
        cast(csat_score as integer) as csat_score,
        -- timestamps
        {{ to_utc('opened_at') }} as opened_at,
        {{ to_utc('first_response_at') }} as first_response_at,
        {{ to_utc('resolved_at') }} as resolved_at,
        {{ to_utc('_loaded_at') }} as loaded_at
    from source
),

screened as (
    select
        renamed.*,
        {{ quarantine_reason('renamed.ticket_id', [
            ('renamed.ticket_id is null or renamed.account_id is null or renamed.opened_at is null',
             'null_key'),
            ('accounts.account_id is null', 'orphan_account'),
            ('renamed.csat_score < 1 or renamed.csat_score > 5', 'out_of_range_score'),
            ('renamed.opened_at > ' ~ load_cutoff() ~ ' or renamed.resolved_at > ' ~ load_cutoff(),
             'future_timestamp'),
            ('renamed.resolved_at < renamed.opened_at', 'invalid_period'),
        ]) }} as quarantine_reason
    from renamed
    left join accounts on renamed.account_id = accounts.account_id
)

select * from screened
