with

source as (
    select * from {{ source('surveys', 'survey_responses') }}
),

accounts as (
    select account_id from {{ ref('stg_crm__accounts') }}
),

renamed as (
    select
        -- ids
        cast(response_id as {{ dbt.type_string() }}) as response_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(contact_id as {{ dbt.type_string() }}) as contact_id,
        -- answer
        lower(survey_type) as survey_type,
        cast(score as integer) as score,
        lower(touchpoint) as touchpoint,
        cast(comment as {{ dbt.type_string() }}) as response_comment,
        -- timestamps
        {{ to_utc('responded_at') }} as responded_at,
        {{ to_utc('_loaded_at') }} as loaded_at
    from source
),

screened as (
    select
        renamed.*,
        {{ quarantine_reason('renamed.response_id', [
            ('renamed.response_id is null or renamed.account_id is null or renamed.responded_at is null',
             'null_key'),
            ('accounts.account_id is null', 'orphan_account'),
            ("renamed.survey_type not in ('nps', 'csat', 'ces') or renamed.survey_type is null",
             'invalid_survey_type'),
            ("renamed.score is null"
             ~ " or (renamed.survey_type = 'nps' and (renamed.score < 0 or renamed.score > 10))"
             ~ " or (renamed.survey_type = 'csat' and (renamed.score < 1 or renamed.score > 5))"
             ~ " or (renamed.survey_type = 'ces' and (renamed.score < 1 or renamed.score > 7))",
             'out_of_range_score'),
            ('renamed.responded_at > ' ~ load_cutoff(), 'future_timestamp'),
        ]) }} as quarantine_reason
    from renamed
    left join accounts on renamed.account_id = accounts.account_id
)

select * from screened
