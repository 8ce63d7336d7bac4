{{ accepted_rows('base_crm__csm_overrides') }}
