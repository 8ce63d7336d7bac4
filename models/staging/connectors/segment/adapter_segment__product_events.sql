-- Segment track calls as the raw product.product_events contract (docs/adapters.md).
{{ config(enabled=connector_enabled('segment')) }}

with

tracks as (
    select * from {{ source('segment', 'tracks') }}
),

mapped as (
    select
        -- the contract's event id is a bigint: a stable one from the message id
        {{ string_to_bigint_id('id') }} as event_id,
        {{ var('segment__account_id_column', 'context_group_id') }} as account_id,
        user_id,
        -- "Report Exported" -> report_exported
        replace(trim(lower(event)), ' ', '_') as event_type,
        -- a type name: PostgreSQL needs the quotes
        "timestamp" as occurred_at,  -- noqa: RF06
        _fivetran_synced as _loaded_at,
        false as _deleted_in_source
    from tracks
)

select * from mapped
