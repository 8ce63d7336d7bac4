-- Events are the largest raw table and nobody reads them one by one: they are screened and
-- aggregated at the edge. Accepted events are counted per account, day and user and per
-- account, day and feature; a rejected event is kept whole, with its reason. An event has one
-- business day, so its id is deduplicated within that day (the first delivery wins), and an
-- incremental run re-screens from the raw rows only the days its new batch touches.
{{ config(incremental_strategy='delete+insert', unique_key='activity_date') }}
{%- set raw = raw_source('product', 'product_events') %}
{%- set event_columns = [
    'event_id', 'account_id', 'user_id', 'event_type', 'occurred_at', 'activity_date', 'loaded_at'
] %}
with

source as {{ not_materialized() }} (
    {{ touched_days_rows(raw, 'occurred_at', new_batch_days(raw, 'occurred_at')) }}
),

accounts as (
    select account_id from {{ ref('stg_crm__accounts') }}
),

renamed as {{ not_materialized() }} (
    select
        -- ids
        cast(event_id as {{ dbt.type_bigint() }}) as event_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(user_id as {{ dbt.type_string() }}) as user_id,
        -- attributes
        lower(event_type) as event_type,
        -- timestamps
        {{ to_utc('occurred_at') }} as occurred_at,
        {{ to_utc_date('occurred_at') }} as activity_date,
        {{ to_utc('_loaded_at') }} as loaded_at
    from source
),

-- event ids delivered more than once on their day: nearly none (`renamed` is inlined, so
-- this reads the two columns it needs from the raw rows)
repeated as (
    select
        event_id,
        activity_date
    from renamed
    group by event_id, activity_date
    having count(*) > 1
),

-- the row's own checks, and whether its event id was delivered more than once on its day
checked as {{ not_materialized() }} (
    select
        renamed.*,
        {{ quarantine_violation('renamed.event_id', [
            ('renamed.event_id is null or renamed.account_id is null or renamed.occurred_at is null',
             'null_key'),
            ('accounts.account_id is null', 'orphan_account'),
        ] + timestamp_checks(['renamed.occurred_at'])) }} as violation,
        repeated.event_id is not null or renamed.event_id is null as is_repeated
    from renamed
    left join accounts on renamed.account_id = accounts.account_id
    left join repeated
        on
        renamed.event_id = repeated.event_id
        and renamed.activity_date = repeated.activity_date
),

-- nearly every event is delivered once: only the rare copies need ranking (first delivery wins)
screened as {{ not_materialized() }} (
    select
        {%- for column in event_columns %}
            checked.{{ column }},
        {%- endfor %}
        checked.violation as quarantine_reason
    from checked
    where not checked.is_repeated
    union all
    select
        {%- for column in event_columns %}
            checked.{{ column }},
        {%- endfor %}
        {{ quarantine_reason('checked.event_id', [],
            keep_order='checked.loaded_at asc',
            tie_break=['checked.occurred_at', 'checked.account_id', 'checked.user_id', 'checked.event_type'],
            within='checked.activity_date',
            violation='checked.violation',
        ) }} as quarantine_reason
    from checked
    where checked.is_repeated
),

-- two grains: per user (active users) and per feature (feature breadth)
user_days as (
    select
        'user' as grain,
        account_id,
        activity_date,
        user_id,
        cast(null as {{ dbt.type_string() }}) as event_type,
        cast(null as {{ dbt.type_bigint() }}) as event_id,
        cast(null as {{ dbt.type_timestamp() }}) as occurred_at,
        cast(count(*) as {{ dbt.type_bigint() }}) as events,
        max(loaded_at) as loaded_at,
        cast(null as {{ dbt.type_string() }}) as quarantine_reason
    from screened
    where quarantine_reason is null
    group by account_id, activity_date, user_id
),

feature_days as (
    select
        'feature' as grain,
        account_id,
        activity_date,
        cast(null as {{ dbt.type_string() }}) as user_id,
        event_type,
        cast(null as {{ dbt.type_bigint() }}) as event_id,
        cast(null as {{ dbt.type_timestamp() }}) as occurred_at,
        cast(count(*) as {{ dbt.type_bigint() }}) as events,
        max(loaded_at) as loaded_at,
        cast(null as {{ dbt.type_string() }}) as quarantine_reason
    from screened
    where quarantine_reason is null
    group by account_id, activity_date, event_type
),

rejected as (
    select
        'event' as grain,
        account_id,
        activity_date,
        user_id,
        event_type,
        event_id,
        occurred_at,
        cast(1 as {{ dbt.type_bigint() }}) as events,
        loaded_at,
        quarantine_reason
    from screened
    where quarantine_reason is not null
),

final as (
    select * from user_days
    union all
    select * from feature_days
    union all
    select * from rejected
)

select * from final
