-- Per raw table: rows in, rows accepted, rows quarantined. Raw = accepted + quarantined.
with

quarantined as (
    select
        source_table,
        count(*) as quarantined_rows
    from {{ ref('fct_quarantined_rows') }}
    group by source_table
),

counts as (
    {%- for staged in staged_sources() %}
        select
            '{{ staged.source }}.{{ staged.table }}' as source_table,
            (select count(*) from {{ raw_source(staged.source, staged.table) }}) as raw_rows,
            ({{ accepted_row_count(staged) }}) as accepted_rows
        {{ 'union all' if not loop.last }}
    {%- endfor %}
),

final as (
    select
        counts.source_table,
        counts.raw_rows,
        counts.accepted_rows,
        coalesce(quarantined.quarantined_rows, 0) as quarantined_rows
    from counts
    left join quarantined on counts.source_table = quarantined.source_table
)

select * from final
