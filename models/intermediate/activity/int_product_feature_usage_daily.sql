-- Events per account, day and feature (event type), for feature-breadth windows: the staging
-- already counts them at this grain, so this is a view.
{{ config(materialized='view') }}
with

feature_days as (
    select
        account_id,
        activity_date,
        event_type,
        events
    from {{ ref('stg_product__product_events') }}
    where grain = 'feature'
)

select * from feature_days
