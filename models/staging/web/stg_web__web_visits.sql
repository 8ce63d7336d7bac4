{{ accepted_rows('base_web__web_visits') }}
