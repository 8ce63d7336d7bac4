{{ accepted_rows('base_crm__accounts') }}
