-- A table, not a view: small (one row per period, scope and organisation), read by several
-- models and tests; as a view it was recomputed for each of them.
{{ config(materialized='table') }}

-- Which organisation counts in which scope in which period: `rijksdienst`
-- (in_cloud_policy_scope), `zbo` (org_type zbo) and `totaal` (either); organisations with
-- in_rijksbreed_totals = false (Defensie) are in none.
with organisations_by_period as (
    select * from {{ ref('int_organisations_by_period') }}
),

scoped as (
    select period, 'rijksdienst' as scope, org_code, has_submission
    from organisations_by_period
    where is_scope_rijksdienst

    union all

    select period, 'zbo' as scope, org_code, has_submission
    from organisations_by_period
    where is_scope_zbo

    union all

    select period, 'totaal' as scope, org_code, has_submission
    from organisations_by_period
    where is_scope_rijksdienst or is_scope_zbo
)

select * from scoped
