{{ accepted_rows('base_provided__account_metric_values') }}
