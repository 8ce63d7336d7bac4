{{ accepted_rows('base_surveys__survey_responses') }}
