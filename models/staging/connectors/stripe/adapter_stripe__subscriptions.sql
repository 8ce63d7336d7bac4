-- Stripe subscriptions (+ items, prices, customers) as the raw billing.subscriptions contract:
-- one contract period per subscription, its current period (docs/adapters.md).
{{ config(enabled=connector_enabled('stripe')) }}

{%- set account_id_key = var('stripe__account_id_metadata_key', 'account_id') -%}
{%- set plan_tier_key = var('stripe__plan_tier_metadata_key', 'plan_tier') -%}
{#- Fivetran names the item's price plan_id (legacy plans and prices share ids) -#}
{%- set item_price_column = var('stripe__item_price_column', 'plan_id') %}

with

subscriptions as (
    select * from {{ source('stripe', 'subscription') }}
),

items as (
    select * from {{ source('stripe', 'subscription_item') }}
),

prices as (
    select * from {{ source('stripe', 'price') }}
),

customers as (
    select * from {{ source('stripe', 'customer') }}
),

priced_items as (
    select
        items.subscription_id,
        items.quantity,
        prices.currency,
        {{ json_text_field('prices.metadata', plan_tier_key) }} as plan_tier,
        prices.nickname,
        -- cents per unit -> annual amount: billings per year from the price's interval
        prices.unit_amount / 100.0 * items.quantity
        * case prices.recurring_interval
            when 'year' then 1.0
            when 'month' then 12.0
            when 'week' then 52.0
            when 'day' then 365.0
        end / coalesce(nullif(prices.recurring_interval_count, 0), 1) as annual_amount
    from items
    inner join prices on items.{{ item_price_column }} = prices.id
    -- metered prices bill usage, not seats: they carry no recurring contract value
    where coalesce(prices.recurring_usage_type, 'licensed') = 'licensed'
),

per_subscription as (
    select
        subscription_id,
        -- per-seat add-ons repeat the seat count: seats are the largest licensed quantity
        max(quantity) as seats,
        sum(annual_amount) as arr,
        max(currency) as currency,
        max(coalesce(plan_tier, nickname)) as plan
    from priced_items
    group by subscription_id
),

periods as (
    select
        subscriptions.id as subscription_id,
        coalesce(
            {{ json_text_field('customers.metadata', account_id_key) }},
            subscriptions.customer_id
        ) as account_id,
        per_subscription.plan,
        cast(per_subscription.seats as integer) as seats,
        cast(per_subscription.arr as {{ type_double() }}) as arr,
        cast(per_subscription.arr / 12.0 as {{ type_double() }}) as mrr,
        upper(per_subscription.currency) as currency,
        cast(subscriptions.current_period_start as date) as start_date,
        cast(coalesce(subscriptions.ended_at, subscriptions.current_period_end) as date)
            as end_date,
        subscriptions.status in ('canceled', 'incomplete_expired') as has_ended,
        subscriptions._fivetran_synced as _loaded_at,
        coalesce(customers.is_deleted, false) as _deleted_in_source
    from subscriptions
    left join per_subscription on subscriptions.id = per_subscription.subscription_id
    left join customers on subscriptions.customer_id = customers.id
),

-- Stripe keeps no renewal history on a subscription: an ended subscription followed by
-- another one of the same account within a day (a plan change, a new term) was renewed,
-- expanded or contracted by ARR; any other ended subscription churned.
followed as (
    select
        *,
        lead(start_date) over (partition by account_id order by start_date, subscription_id)
            as next_start_date,
        lead(arr) over (partition by account_id order by start_date, subscription_id)
            as next_arr
    from periods
),

mapped as (
    select
        subscription_id,
        account_id,
        plan,
        seats,
        arr,
        mrr,
        currency,
        start_date,
        end_date,
        case
            when not has_ended then 'active'
            when next_start_date <= {{ add_days('end_date', 1) }} then 'renewed'
            else 'churned'
        end as status,
        case
            when not has_ended then null
            when next_start_date > {{ add_days('end_date', 1) }} or next_start_date is null
                then 'churned'
            when next_arr > arr then 'expanded'
            when next_arr < arr then 'contracted'
            else 'renewed'
        end as outcome,
        _loaded_at,
        _deleted_in_source
    from followed
)

select * from mapped
