{#-
    The SQL expressions of scoring, one macro each, named for what the expression means.
    Models read as SQL with a few of these calls; the lists they expand come from the
    scoring_metrics seed (scoring_metric_definitions) and its components (scoring_components).
    Scores and weights are columns of the calling query: `<metric>_score`, `<component>_score`,
    `<component>_weight`, `<metric>_points_lost`, `<metric>_contribution_change_7d`.
-#}

{#- The metrics of `component`, in seed order. -#}
{% macro component_metrics(metrics, component) -%}
    {{ return(metrics | selectattr('component', 'equalto', component) | list) }}
{%- endmacro %}

{#- The weight of the metrics that were measured (a metric with a null score weighs 0). -#}
{% macro measured_weight(metrics) -%}
    {%- set terms = [] -%}
    {%- for metric in metrics -%}
        {%- do terms.append(
            'case when ' ~ metric.metric_name ~ '_score is not null then '
            ~ float_literal(metric.weight) ~ ' else 0 end'
        ) -%}
    {%- endfor -%}
    {{ terms | join(' + ') }}
{%- endmacro %}

{#- The share of the metrics' configured weight that was measured. -#}
{% macro measured_share(metrics) -%}
    ({{ measured_weight(metrics) }})
    / nullif({{ float_literal(metrics | sum(attribute='weight')) }}, 0)
{%- endmacro %}

{#- The mean of the measured metrics' scores, by weight: an unmeasured metric's weight goes
    to the measured ones; null when nothing (or nothing with weight) was measured. -#}
{% macro weighted_mean_score(metrics) -%}
    {%- set terms = [] -%}
    {%- for metric in metrics -%}
        {%- do terms.append(
            'coalesce(' ~ float_literal(metric.weight) ~ ' * ' ~ metric.metric_name ~ '_score, 0)'
        ) -%}
    {%- endfor -%}
    ({{ terms | join(' + ') }})
    / nullif({{ measured_weight(metrics) }}, 0)
{%- endmacro %}

{#- A segment's weight of `component`, in a query grouped by segment over
    scoring_component_weights (0 when the seed gives it none). -#}
{% macro component_weight(component) -%}
    coalesce(max(case when component = {{ sql_string(component) }} then weight end), 0)
{%- endmacro %}

{#- The weight of the components that were measured (a null component score weighs 0). -#}
{% macro measured_component_weight(components) -%}
    {%- set terms = [] -%}
    {%- for component in components -%}
        {%- do terms.append(
            'case when ' ~ component ~ '_score is not null then ' ~ component ~ '_weight else 0 end'
        ) -%}
    {%- endfor -%}
    {{ terms | join(' + ') }}
{%- endmacro %}

{#- The health score: the measured components' scores, weighted per segment (the column
    `measured_component_weight` holds their total weight). -#}
{% macro overall_score(components) -%}
    {%- set terms = [] -%}
    {%- for component in components -%}
        {%- do terms.append('coalesce(' ~ component ~ '_weight * ' ~ component ~ '_score, 0)') -%}
    {%- endfor -%}
    ({{ terms | join(' + ') }}) / nullif(measured_component_weight, 0)
{%- endmacro %}

{#- The share of all configured weight that was measured: components' coverages by weight. -#}
{% macro overall_coverage(components) -%}
    {%- set covered, weights = [], [] -%}
    {%- for component in components -%}
        {%- do covered.append(component ~ '_weight * ' ~ component ~ '_coverage') -%}
        {%- do weights.append(component ~ '_weight') -%}
    {%- endfor -%}
    ({{ covered | join(' + ') }}) / ({{ weights | join(' + ') }})
{%- endmacro %}

{#- A metric's weight in the overall score: its component's share of the measured component
    weight times its share of its component's measured weight; 0 when it was not measured or
    what it is a share of weighs 0. Reads `metric_scores` and `health`. -#}
{% macro effective_weight(metric) -%}
    case
        -- not measured, or what it is a share of weighs 0 (every measured metric of
        -- its component, or every measured component, has weight 0): no score to share
        when
            metric_scores.{{ metric.metric_name }}_score is null
            or coalesce(health.{{ metric.component }}_measured_weight, 0) = 0
            or coalesce(health.measured_component_weight, 0) = 0
            then 0.0
        else
            (health.{{ metric.component }}_weight / health.measured_component_weight)
            * {{ float_literal(metric.weight) }}
            / health.{{ metric.component }}_measured_weight
    end
{%- endmacro %}

{#- Ranking candidates (macros/scoring/rank_in_row.sql), one (name, key) pair per metric or
    component; the lowest key ranks first, a null key is left out. -#}

{#- Metrics by the points they cost, most first (whole micro-points); none when they cost none. -#}
{% macro points_lost_candidates(metrics) -%}
    {%- set candidates = [] -%}
    {%- for metric in metrics -%}
        {%- do candidates.append((
            metric.metric_name,
            'case when ' ~ metric.metric_name ~ '_points_lost > 0.000001 then -'
            ~ metric.metric_name ~ '_points_lost * 1000000 end'
        )) -%}
    {%- endfor -%}
    {{ return(candidates) }}
{%- endmacro %}

{#- Metrics by how far their contribution fell in 7 days, biggest fall first. -#}
{% macro contribution_fall_candidates(metrics) -%}
    {%- set candidates = [] -%}
    {%- for metric in metrics -%}
        {%- do candidates.append((
            metric.metric_name,
            'case when ' ~ metric.metric_name ~ '_contribution_change_7d < -0.000001 then '
            ~ metric.metric_name ~ '_contribution_change_7d * 1000000 end'
        )) -%}
    {%- endfor -%}
    {{ return(candidates) }}
{%- endmacro %}

{#- Components by score, lowest first. -#}
{% macro component_score_candidates(components) -%}
    {%- set candidates = [] -%}
    {%- for component in components -%}
        {%- do candidates.append((component, component ~ '_score * 1000000')) -%}
    {%- endfor -%}
    {{ return(candidates) }}
{%- endmacro %}
