{{ accepted_rows('base_support__support_tickets') }}
