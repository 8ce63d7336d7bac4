{{ accepted_rows('base_marketing__content_interactions') }}
