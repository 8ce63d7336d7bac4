{#-
    The reason a raw row is quarantined, or null when it is accepted.
    `checks` is an ordered list of (condition, reason): the first true condition wins.
    Among rows that pass every check, the first row in `keep_order` is accepted (by default
    the latest version of a key) and other copies are quarantined as 'duplicate'.
    Nothing is dropped.
-#}
{% macro quarantine_reason(key, checks, keep_order='loaded_at desc') -%}
    {%- set violation -%}
        case
        {%- for condition, reason in checks %}
            when {{ condition }} then '{{ reason }}'
        {%- endfor %}
        end
    {%- endset -%}
    coalesce(
        {{ violation }},
        case
            when row_number() over (
                partition by {{ key }}, {{ violation }} order by {{ keep_order }}
            ) > 1 then 'duplicate'
        end
    )
{%- endmacro %}

{#- Rows stamped after the run started (plus a day of clock skew) come from a broken clock. -#}
{% macro load_cutoff() -%}
    {{ dbt.dateadd('day', 1, "cast('" ~ run_started_at.strftime('%Y-%m-%d %H:%M:%S') ~ "' as " ~ dbt.type_timestamp() ~ ")") }}
{%- endmacro %}
