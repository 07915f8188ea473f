-- One row per loaded period and organisation in the register valid on the period's peildatum,
-- with its ministry's name: the rows every Kamerbrief table lists ("geen opgave" when no submission).
with

scope_metrics as (
    select * from {{ ref('scope_metrics') }}
),

organisations as (
    select * from {{ ref('organisations') }}
),

org_metrics as (
    select * from {{ ref('org_metrics') }}
),

periods as (
    select distinct
        period,
        {{ peildatum('period') }} as peildatum
    from scope_metrics
),

valid_organisations as (
    select
        periods.period,
        periods.peildatum,
        organisations.org_code,
        organisations.org_name,
        organisations.org_type,
        organisations.ministry_code,
        organisations.in_cloud_policy_scope,
        organisations.in_rijksbreed_totals
    from periods
    inner join organisations
        on {{ valid_on('organisations', 'periods.peildatum') }}
),

with_ministry as (
    select
        valid_organisations.*,
        coalesce(ministries.org_name, valid_organisations.ministry_code) as ministry_name,
        org_metrics.org_code is not null as has_submission
    from valid_organisations
    left join valid_organisations as ministries
        on ministries.period = valid_organisations.period
        and ministries.org_code = valid_organisations.ministry_code
        and ministries.org_type = 'ministerie'
    left join org_metrics
        on org_metrics.period = valid_organisations.period
        and org_metrics.org_code = valid_organisations.org_code
)

select * from with_ministry
