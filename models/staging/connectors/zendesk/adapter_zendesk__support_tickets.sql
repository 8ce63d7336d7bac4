-- Zendesk Support tickets (+ tags, status history, satisfaction ratings, organizations, users)
-- as the raw support.support_tickets contract (docs/adapters.md).
{{ config(enabled=connector_enabled('zendesk')) }}

{%- set account_field = var('zendesk__account_id_field', 'external_id') -%}
{%- set category_tags = var('zendesk__category_tags', {
    'bug': 'bug', 'outage': 'outage', 'how_to': 'how_to', 'feature_request': 'feature_request',
    'billing': 'billing', 'cancellation': 'cancellation',
}) -%}
{%- set type_categories = var('zendesk__type_categories', {
    'question': 'how_to', 'incident': 'bug', 'problem': 'bug', 'task': 'how_to',
}) -%}
{%- set csat_scores = var('zendesk__csat_scores', {'good': 5, 'bad': 1}) %}

with

tickets as (
    select * from {{ source('zendesk', 'ticket') }}
),

tags as (
    select * from {{ source('zendesk', 'ticket_tag') }}
),

field_history as (
    select * from {{ source('zendesk', 'ticket_field_history') }}
),

ratings as (
    select * from {{ source('zendesk', 'satisfaction_rating') }}
),

organizations as (
    select * from {{ source('zendesk', 'organization') }}
),

users as (
    select * from {{ source('zendesk', 'user') }}
),

tagged as (
    select
        ticket_id,
        coalesce(
            max(case when tag = '{{ var("zendesk__escalation_tag", "escalated") }}' then 1 end),
            0
        ) = 1 as is_escalated,
        -- the first category tag in alphabetical order when several apply
        min(case
            {%- for tag, category in category_tags.items() %}
                when tag = '{{ tag }}' then '{{ category }}'
            {%- endfor %}
        end) as tag_category
    from tags
    group by ticket_id
),

status_changes as (
    select
        ticket_id,
        value as status,
        updated,
        lag(value) over (partition by ticket_id order by updated) as previous_status
    from field_history
    where field_name = 'status'
),

resolutions as (
    select
        ticket_id,
        -- the latest solve: a reopened ticket is resolved when it is solved again
        max(case when status in ('solved', 'closed') then updated end) as resolved_at,
        sum(case
            when previous_status = 'solved' and status in ('new', 'open', 'pending', 'hold')
                then 1
            else 0
        end) as reopened_count
    from status_changes
    group by ticket_id
),

latest_ratings as (
    select
        ticket_id,
        score,
        row_number() over (partition by ticket_id order by updated_at desc, id desc) as recency
    from ratings
    where score in ('good', 'bad')
),

mapped as (
    select
        cast(tickets.id as {{ dbt.type_string() }}) as ticket_id,
        -- the ticket's organization, else its requester's
        organizations.{{ account_field }} as account_id,
        tickets.created_at as opened_at,
        -- first reply times need ticket comments, which the adapter does not read
        cast(null as {{ dbt.type_timestamp() }}) as first_response_at,
        -- an unsolved ticket (reopened after its last solve) is open
        case
            when tickets.status in ('solved', 'closed') then resolutions.resolved_at
        end as resolved_at,
        coalesce(tickets.priority, 'normal') as priority,
        coalesce(
            tagged.tag_category,
            case tickets.type
                {%- for ticket_type, category in type_categories.items() %}
                    when '{{ ticket_type }}' then '{{ category }}'
                {%- endfor %}
            end,
            'how_to'
        ) as category,
        coalesce(tagged.is_escalated, false) as is_escalated,
        cast(coalesce(resolutions.reopened_count, 0) as integer) as reopened_count,
        cast(case latest_ratings.score
            {%- for score, value in csat_scores.items() %}
                when '{{ score }}' then {{ value }}
            {%- endfor %}
        end as integer) as csat_score,
        tickets._fivetran_synced as _loaded_at,
        coalesce(tickets._fivetran_deleted, false) or tickets.status = 'deleted'
            as _deleted_in_source
    from tickets
    left join users as requesters on tickets.requester_id = requesters.id
    left join organizations
        on coalesce(tickets.organization_id, requesters.organization_id) = organizations.id
    left join tagged on tickets.id = tagged.ticket_id
    left join resolutions on tickets.id = resolutions.ticket_id
    left join latest_ratings
        on tickets.id = latest_ratings.ticket_id and latest_ratings.recency = 1
)

select * from mapped
