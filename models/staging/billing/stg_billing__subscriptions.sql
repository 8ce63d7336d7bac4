{{ accepted_rows('base_billing__subscriptions') }}
