-- A table, not a view: small (one row per period and organisation), read by several
-- models and tests; as a view it was recomputed from the service rows for each of them.
{{ config(materialized='table') }}

-- The register (organisations.csv) as it was on the peildatum of every period in marts,
-- with scope membership and whether the organisation has a current submission.
with current_submissions as (
    select * from {{ ref('int_current_submissions') }}
),

organisations as (
    select * from {{ ref('stg_reference__organisations') }}
),

periods as (
    select distinct period, peildatum
    from current_submissions
),

organisations_on_peildatum as (
    select
        periods.period,
        organisations.org_code,
        organisations.org_name,
        organisations.org_type,
        organisations.ministry_code,
        periods.peildatum,
        organisations.in_cloud_policy_scope,
        organisations.in_rijksbreed_totals,
        organisations.in_rijksbreed_totals and organisations.in_cloud_policy_scope as is_scope_rijksdienst,
        organisations.in_rijksbreed_totals and organisations.org_type = 'zbo' as is_scope_zbo,
        current_submissions.submission_id is not null as has_submission
    from periods
    inner join organisations
        on {{ valid_on('organisations', 'periods.peildatum') }}
    left join current_submissions
        on current_submissions.period = periods.period
        and current_submissions.org_code = organisations.org_code
)

select * from organisations_on_peildatum
