-- Satisfaction (NPS, CSAT, CES) and journey-touchpoint metrics per account-day,
-- recency-weighted: an answer's weight halves every `survey_half_life_days`.
{%- set window = metric_window('nps', 180) %}
{%- set half_life = setting('survey_half_life_days', 60) %}
with

account_days as (
    select
        account_id,
        score_date
    from {{ ref('int_account_days_enumerated') }}
    where {{ since('score_date') }}
),

responses as (
    select
        account_id,
        survey_type,
        score,
        touchpoint,
        cast(responded_at as date) as responded_date,
        -- every scale mapped to 0-100 so touchpoints can be compared
        case survey_type
            when 'nps' then score * 10.0
            when 'csat' then (score - 1) * 25.0
            when 'ces' then (score - 1) * 100.0 / 6
        end as score_0_100
    from {{ ref('stg_surveys__survey_responses') }}
    where {{ since('responded_at', window) }}
),

-- answers are known from the first day the source holds one (whole history)
surveys_known as (
    select min(cast(responded_at as date)) as first_day
    from {{ ref('stg_surveys__survey_responses') }}
),

account_spans as (
    {{ account_spans('account_days') }}
),

-- point in time: only answers given on or before the day, within the window
answers_in_window as (
    select
        account_days.account_id,
        account_days.score_date,
        responses.survey_type,
        responses.score,
        responses.touchpoint,
        responses.score_0_100,
        power(
            0.5,
            {{ days_between('responses.responded_date', 'account_days.score_date') }} / cast({{ half_life }} as {{ type_double() }}) -- noqa: LT05
        ) as recency_weight
    from account_days
    inner join responses
        on account_days.account_id = responses.account_id
        and account_days.score_date >= responses.responded_date
        and responses.responded_date > {{ add_days('account_days.score_date', -window) }}
),

by_survey as (
    select
        account_id,
        score_date,
        100.0 * (
            sum(case when survey_type = 'nps' and score >= 9 then recency_weight else 0 end)
            - sum(case when survey_type = 'nps' and score <= 6 then recency_weight else 0 end)
        ) / nullif(sum(case when survey_type = 'nps' then recency_weight end), 0) as nps,
        sum(case when survey_type = 'csat' then recency_weight * score end)
        / nullif(sum(case when survey_type = 'csat' then recency_weight end), 0) as csat,
        sum(case when survey_type = 'ces' then recency_weight * score end)
        / nullif(sum(case when survey_type = 'ces' then recency_weight end), 0) as ces
    from answers_in_window
    group by account_id, score_date
),

by_touchpoint as (
    select
        account_id,
        score_date,
        touchpoint,
        sum(recency_weight * score_0_100) / sum(recency_weight) as touchpoint_satisfaction
    from answers_in_window
    group by account_id, score_date, touchpoint
),

journey as (
    select
        account_id,
        score_date,
        avg(touchpoint_satisfaction) as journey_satisfaction_avg,
        min(touchpoint_satisfaction) as journey_satisfaction_min
    from by_touchpoint
    group by account_id, score_date
),

account_known as (
    select
        account_spans.account_id,
        {{ greatest_date('account_spans.first_day', 'surveys_known.first_day') }} as known_from
    from account_spans
    cross join surveys_known
),

-- the young-account rule of every trailing window: null until min_observed_days are known
metrics as (
    select
        account_days.account_id,
        account_days.score_date,
        {{ when_observed(
            'by_survey.nps', metric_window('nps', 180), 'known.known_from', 'account_days.score_date'
        ) }} as nps,
        {{ when_observed(
            'by_survey.csat', metric_window('csat', 180), 'known.known_from', 'account_days.score_date'
        ) }} as csat,
        {{ when_observed(
            'by_survey.ces', metric_window('ces', 180), 'known.known_from', 'account_days.score_date'
        ) }} as ces,
        {{ when_observed(
            'journey.journey_satisfaction_avg', metric_window('journey_satisfaction_avg', 180), 'known.known_from', 'account_days.score_date'
        ) }} as journey_satisfaction_avg,
        {{ when_observed(
            'journey.journey_satisfaction_min', metric_window('journey_satisfaction_min', 180), 'known.known_from', 'account_days.score_date'
        ) }} as journey_satisfaction_min
    from account_days
    inner join account_known as known on account_days.account_id = known.account_id
    left join by_survey
        on account_days.account_id = by_survey.account_id
        and account_days.score_date = by_survey.score_date
    left join journey
        on account_days.account_id = journey.account_id
        and account_days.score_date = journey.score_date
)

select * from metrics
