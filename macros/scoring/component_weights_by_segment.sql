{#- One row per segment, one `<component>_weight` column per scoring component (0 if unset). -#}
{% macro component_weights_by_segment() -%}
    select
        segment,
        {%- for component in scoring_components() %}
        coalesce(
            max(case when component = '{{ component }}' then weight end), 0
        ) as {{ component }}_weight{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ ref('scoring_component_weights') }}
    group by segment
{%- endmacro %}
