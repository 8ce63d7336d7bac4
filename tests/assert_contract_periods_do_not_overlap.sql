{{ config(severity='warn') }}
-- Accepted contract periods of one account that overlap (reported, not an error): the spine
-- scores each overlapping day on the period that started last (a renewal or an upgrade).
-- Periods starting on the same day never get here: staging keeps one of them and
-- quarantines the others as 'overlapping_contract'.
with

subscriptions as (
    select
        subscription_id,
        account_id,
        start_date,
        end_date
    from {{ ref('stg_billing__subscriptions') }}
),

overlapping_periods as (
    select
        earlier.account_id,
        earlier.subscription_id as earlier_subscription_id,
        later.subscription_id as later_subscription_id,
        later.start_date as overlap_from,
        earlier.end_date as overlap_until
    from subscriptions as earlier
    inner join subscriptions as later
        on
        earlier.account_id = later.account_id
        and earlier.start_date < later.start_date
        and earlier.end_date >= later.start_date
)

select * from overlapping_periods
