-- Accounts of a plan tier without weights or bands of its own are scored with the `default`
-- segment's: both seeds must have it (real customers have plan tiers we never saw).
with

configured as (
    select 'scoring_component_weights' as seed_name, count(*) as default_rows
    from {{ ref('scoring_component_weights') }}
    where segment = 'default'
    union all
    select 'scoring_bands' as seed_name, count(*) as default_rows
    from {{ ref('scoring_bands') }}
    where segment = 'default'
)

select * from configured
where default_rows = 0
