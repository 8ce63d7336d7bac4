-- For every raw table: raw rows = rows accepted into staging + rows in the quarantine,
-- counted here from the models themselves, and the published counts agree.
with

counted as (
    {%- for staged in staged_sources() %}
        select
            '{{ staged.source }}.{{ staged.table }}' as source_table,
            (select count(*) from {{ raw_source(staged.source, staged.table) }}) as raw_rows,
            (
                {{ accepted_row_count(staged) }}
            ) as accepted_rows,
            (
                select count(*) from {{ ref('fct_quarantined_rows') }}
                where source_table = '{{ staged.source }}.{{ staged.table }}'
            ) as quarantined_rows
        {{ 'union all' if not loop.last }}
    {%- endfor %}
),

published as (
    select * from {{ ref('agg_source_row_counts') }}
),

compared as (
    select
        counted.source_table,
        counted.raw_rows,
        counted.accepted_rows,
        counted.quarantined_rows,
        published.raw_rows as published_raw_rows,
        published.accepted_rows as published_accepted_rows,
        published.quarantined_rows as published_quarantined_rows
    from counted
    left join published on counted.source_table = published.source_table
)

select *
from compared
where
    raw_rows != accepted_rows + quarantined_rows
    or published_raw_rows is null
    or published_raw_rows != raw_rows
    or published_accepted_rows != accepted_rows
    or published_quarantined_rows != quarantined_rows
