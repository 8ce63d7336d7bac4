-- Screened batch by batch of `_loaded_at`; a re-delivered key keeps its latest version.
{{ config(incremental_strategy='delete+insert', unique_key='response_id') }}
with

source as (
    select * from {{ raw_source('surveys', 'survey_responses') }}
    {{ new_batch_filter() }}
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

versions as (
    {{ with_held_versions('renamed', 'response_id') }}
),

screened as (
    select
        versions.*,
        {{ quarantine_reason('versions.response_id', [
            ('versions.response_id is null or versions.account_id is null or versions.responded_at is null',
             'null_key'),
            ('accounts.account_id is null', 'orphan_account'),
            ("versions.survey_type not in ('nps', 'csat', 'ces') or versions.survey_type is null",
             'invalid_survey_type'),
            ("versions.score is null"
             ~ " or (versions.survey_type = 'nps' and (versions.score < 0 or versions.score > 10))"
             ~ " or (versions.survey_type = 'csat' and (versions.score < 1 or versions.score > 5))"
             ~ " or (versions.survey_type = 'ces' and (versions.score < 1 or versions.score > 7))",
             'out_of_range_score'),
            ('versions.responded_at > ' ~ load_cutoff(), 'future_timestamp'),
        ]) }} as quarantine_reason
    from versions
    left join accounts on versions.account_id = accounts.account_id
)

select * from screened
