-- The day grain time spine the semantic layer needs.
with

calendar as (
    select date_day from {{ ref('int_calendar_enumerated') }}
)

select * from calendar
