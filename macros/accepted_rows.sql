{#- A staging model: the accepted rows of its base (screening) model, without the verdict. -#}
{% macro accepted_rows(base_model) -%}
with

screened as (
    select * from {{ ref(base_model) }}
),

accepted as (
    select {{ star_except(ref(base_model), ['quarantine_reason']) }}
    from screened
    where quarantine_reason is null
)

select * from accepted
{%- endmacro %}
