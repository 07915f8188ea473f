-- The rows of the organisation tables (Kamerbrief tables 1, 2 and 6): one row per loaded
-- period and organisation in the register (row_scope = 'org'; counts NULL when it sent
-- nothing: "geen opgave"), plus one row per period and scope (rijksdienst, zbo, totaal).
with

register as (
    select * from {{ ref('rpt_register') }}
),

org_metrics as (
    select * from {{ ref('org_metrics') }}
),

scope_metrics as (
    select * from {{ ref('scope_metrics') }}
),

organisation_rows as (
    select
        register.period,
        'org' as row_scope,
        register.org_code,
        register.org_name,
        register.org_type,
        register.ministry_code,
        register.ministry_name,
        register.in_rijksbreed_totals,
        register.has_submission,
        org_metrics.* exclude (period, org_code, org_name, org_type, ministry_code)
    from register
    left join org_metrics
        on org_metrics.period = register.period
        and org_metrics.org_code = register.org_code
),

scope_rows as (
    select
        scope_metrics.* exclude (scope),
        scope_metrics.scope as row_scope,
        true as in_rijksbreed_totals,
        true as has_submission
    from scope_metrics
),

table_rows as (
    select * from organisation_rows
    union all by name
    select * from scope_rows
)

select * from table_rows
