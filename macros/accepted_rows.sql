{#-
    A staging model: the accepted rows of its base (screening) model, without the verdict
    (nor a connector's deleted_in_source flag, false for every accepted row).
-#}
{% macro accepted_rows(base_model) -%}
with

screened as (
    select * from {{ ref(base_model) }}
),

accepted as (
    select {{ star_except(ref(base_model), ['quarantine_reason', 'deleted_in_source']) }}
    from screened
    where quarantine_reason is null
)

select * from accepted
{%- endmacro %}
