-- Every raw row that was not accepted, with its reason and all its values as JSON.
with

{% for staged in staged_sources() -%}
    {{ staged.table }}_quarantined as (
        select
            '{{ staged.source }}.{{ staged.table }}' as source_table,
            cast({{ staged.key }} as {{ dbt.type_string() }}) as record_key,
            cast(account_id as {{ dbt.type_string() }}) as account_id,
            quarantine_reason,
            loaded_at,
            {{ row_to_json_text('screened') }} as record_json
        -- the alias names the whole row for row_to_json_text
        from {{ ref(base_model_name(staged)) }} as screened -- noqa: AL05
        where quarantine_reason is not null
    ),

{% endfor -%}
unioned as (
    {%- for staged in staged_sources() %}
        select * from {{ staged.table }}_quarantined
        {{ 'union all' if not loop.last }}
    {%- endfor %}
),

final as (
    select
        source_table,
        -- row_number() is a bigint on DuckDB and PostgreSQL but an int on Spark
        cast(row_number() over (
            partition by source_table order by record_key, loaded_at, record_json
        ) as {{ dbt.type_bigint() }}) as quarantine_row_number,
        record_key,
        account_id,
        quarantine_reason,
        loaded_at,
        record_json
    from unioned
)

select * from final
