{#-
    Every raw table with its screening (base) model and key: the single list that the
    quarantine union and the "raw = accepted + quarantined" test both read. Product events
    are aggregated at the edge: their staging counts raw rows in `events` (per user grain).
-#}
{% macro staged_sources() -%}
    {{ return([
        {'source': 'crm', 'table': 'accounts', 'key': 'account_id'},
        {'source': 'crm', 'table': 'contacts', 'key': 'contact_id'},
        {'source': 'crm', 'table': 'csm_overrides', 'key': 'override_id'},
        {'source': 'product', 'table': 'product_events', 'key': 'event_id',
         'accepted_rows': "case when grain = 'user' then events else 0 end"},
        {'source': 'web', 'table': 'web_visits', 'key': 'visit_id'},
        {'source': 'marketing', 'table': 'content_interactions', 'key': 'interaction_id'},
        {'source': 'surveys', 'table': 'survey_responses', 'key': 'response_id'},
        {'source': 'billing', 'table': 'subscriptions', 'key': 'subscription_id'},
        {'source': 'billing', 'table': 'invoices', 'key': 'invoice_id'},
        {'source': 'support', 'table': 'support_tickets', 'key': 'ticket_id'},
        {'source': 'provided', 'table': 'account_metric_values', 'key': 'metric_value_key'},
    ]) }}
{%- endmacro %}

{% macro base_model_name(staged) -%}
    base_{{ staged.source }}__{{ staged.table }}
{%- endmacro %}

{#- The raw rows a staging model accepted: its rows, or what they count when aggregated. -#}
{% macro accepted_row_count(staged) -%}
    {%- set stg = ref('stg_' ~ staged.source ~ '__' ~ staged.table) -%}
    {%- if staged.accepted_rows is defined -%}
        select cast(coalesce(sum({{ staged.accepted_rows }}), 0) as {{ dbt.type_bigint() }}) from {{ stg }}
    {%- else -%}
        select count(*) from {{ stg }}
    {%- endif -%}
{%- endmacro %}
