with

source as (
    select * from {{ raw_source('billing', 'subscriptions') }}
),

accounts as (
    select account_id from {{ ref('stg_crm__accounts') }}
),

fx_rates as (
    select currency from {{ ref('fx_rates') }}
),

renamed as (
    select
        -- ids
        cast(subscription_id as {{ dbt.type_string() }}) as subscription_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        -- contract
        lower(plan) as plan,
        cast(seats as integer) as seats,
        cast(arr as {{ type_double() }}) as arr,
        cast(mrr as {{ type_double() }}) as mrr,
        upper(currency) as currency,
        lower(status) as subscription_status,
        lower(outcome) as outcome,
        -- dates
        {{ to_utc_date('start_date') }} as start_date,
        {{ to_utc_date('end_date') }} as end_date,
        {{ to_utc('_loaded_at') }} as loaded_at,
        -- a connector's soft-deleted row (macro deleted_in_source; native rows: false)
        {{ deleted_in_source('billing', 'subscriptions') }} as deleted_in_source
    from source
),

screened as (
    select
        renamed.*,
        {{ quarantine_reason('renamed.subscription_id', [
            ('renamed.deleted_in_source', 'deleted_in_source'),
            ('renamed.subscription_id is null or renamed.account_id is null', 'null_key'),
            ('accounts.account_id is null', 'orphan_account'),
        ] + non_finite_checks(['renamed.arr', 'renamed.mrr']) + [
            ('renamed.arr < 0 or renamed.mrr < 0 or renamed.seats < 0', 'negative_amount'),
        ] + plausibility_checks({'renamed.arr': 'arr', 'renamed.mrr': 'mrr', 'renamed.seats': 'seats'}) + [
            ('fx_rates.currency is null', 'unknown_currency'),
            ('renamed.start_date is null or renamed.end_date < renamed.start_date', 'invalid_period'),
        ] + plausibility_checks({
            days_between('renamed.start_date', 'renamed.end_date') ~ ' + 1': 'contract_days'
        }) + timestamp_checks(['renamed.start_date'])
        ) }} as quarantine_reason
    from renamed
    left join accounts on renamed.account_id = accounts.account_id
    left join fx_rates on renamed.currency = fx_rates.currency
),

-- Accepted periods of one account that start on the same day claim one contract twice (a
-- re-keyed copy): the earliest-loaded is kept, then the smaller ARR (a copy never inflates
-- revenue), then the smaller id; the others are quarantined. Periods that start on other
-- days and overlap are renewals or upgrades: the spine lets the later start win.
contracts as (
    select
        subscription_id,
        account_id,
        plan,
        seats,
        arr,
        mrr,
        currency,
        subscription_status,
        outcome,
        start_date,
        end_date,
        loaded_at,
        deleted_in_source,
        coalesce(
            quarantine_reason,
            case
                when row_number() over (
                    partition by account_id, start_date, quarantine_reason
                    order by loaded_at, arr, subscription_id
                ) > 1 then 'overlapping_contract'
            end
        ) as quarantine_reason
    from screened
)

select * from contracts
