{#-
    A metric's raw value mapped to 0-100 by the method its scoring_metrics row names
    (null stays null: not measured):
    - absolute: linear between the bounds, clamped;
    - thresholds: 100 beyond the good bound, 0 beyond the bad one, 50 between;
    - percentile: rank among the segment's measured accounts that day, ties at their mid rank
      in both directions (all tied, or a lone peer, score 50): (accounts below + (ties - 1)
      / 2) / (peers - 1). percent_rank() gives ties the lowest rank, which is the lowest score
      on a higher-is-better metric but the highest on a lower-is-better one.
-#}
{% macro normalise_metric(metric) -%}
    {%- set value = metric.metric_name -%}
    {%- set lower = float_literal(metric.lower_bound) -%}
    {%- set upper = float_literal(metric.upper_bound) -%}
    {%- set higher = metric.direction == 'higher' -%}
    {#- a double on every engine: PostgreSQL types a case of decimal literals as numeric -#}
    cast(case
        when {{ value }} is null then null
    {%- if metric.normalisation == 'absolute' %}
        else 100.0 * least(1.0, greatest(
            0.0,
            {{ '(' ~ value ~ ' - ' ~ lower ~ ')' if higher else '(' ~ upper ~ ' - ' ~ value ~ ')' }}
            / ({{ upper }} - {{ lower }})
        ))
    {%- elif metric.normalisation == 'thresholds' %}
        when {{ value }} {{ '>=' if higher else '<=' }} {{ upper if higher else lower }} then 100.0
        when {{ value }} {{ '<=' if higher else '>=' }} {{ lower if higher else upper }} then 0.0
        else 50.0
    {%- elif metric.normalisation == 'percentile' %}
        {#- peers: the segment's accounts measured that day. A null value is out above, so
            count(value) counts the peers, and with nulls last the rank and the tied values
            (the rows level with this one in the order) are the peers' alone: one sort per
            metric, the counts shared by every metric -#}
        {%- set day = 'partition by segment, score_date' %}
        {%- set ordered = day ~ ' order by ' ~ value ~ ' nulls last' %}
        when count({{ value }}) over ({{ day }}) = 1 then 50.0
        else 100.0 * {{ '' if higher else '(1 - ' }}(
            rank() over ({{ ordered }}) - 1
            + (count(*) over ({{ ordered }} range between current row and current row) - 1) / 2.0
        ) / (count({{ value }}) over ({{ day }}) - 1){{ '' if higher else ')' }}
    {%- else %}
        {{ exceptions.raise_compiler_error(
            "scoring_metrics: metric '" ~ value ~ "' has unknown normalisation '"
            ~ metric.normalisation ~ "' (expected absolute, thresholds or percentile)"
        ) }}
    {%- endif %}
    end as {{ type_double() }})
{%- endmacro %}
