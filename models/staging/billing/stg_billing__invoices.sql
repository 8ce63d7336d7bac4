{{ accepted_rows('base_billing__invoices') }}
