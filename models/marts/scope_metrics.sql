with current_submissions as (
    select * from {{ ref('int_current_submissions') }}
),

organisation_scopes as (
    select * from {{ ref('int_organisation_scopes') }}
),

org_metrics as (
    select * from {{ ref('org_metrics') }}
),

periods_and_scopes as (
    select distinct current_submissions.period, scopes.scope
    from current_submissions
    cross join (values ('rijksdienst'), ('zbo'), ('totaal')) as scopes (scope)
),

summed as (
    select
        organisation_scopes.period,
        organisation_scopes.scope,
        cast(count_if(organisation_scopes.has_submission) as bigint) as organisations,
        cast(count(*) as bigint) as organisations_expected,
        {% for name, condition in service_counts() -%}
        cast(coalesce(sum(org_metrics.{{ name }}), 0) as bigint) as {{ name }},
        {% endfor -%}
        cast(coalesce(sum(org_metrics.annual_cost_public_eur), 0) as decimal(18, 2)) as annual_cost_public_eur
    from organisation_scopes
    left join org_metrics
        on org_metrics.period = organisation_scopes.period
        and org_metrics.org_code = organisation_scopes.org_code
    group by organisation_scopes.period, organisation_scopes.scope
),

final as (
    select
        periods_and_scopes.period,
        periods_and_scopes.scope,
        coalesce(summed.organisations, 0) as organisations,
        coalesce(summed.organisations_expected, 0) as organisations_expected,
        {% for name in summable_metrics() -%}
        coalesce(summed.{{ name }}, 0) as {{ name }},
        {% endfor -%}
        {{ safe_share('coalesce(summed.materieel_us_direct, 0) + coalesce(summed.materieel_us_indirect, 0)', 'coalesce(summed.materieel_services, 0)') }} as share_materieel_us,
        {{ safe_share('coalesce(summed.personal_data_nl, 0) + coalesce(summed.personal_data_eea, 0)', 'coalesce(summed.personal_data_services, 0)') }} as share_personal_data_in_eer,
        {{ safe_share('coalesce(summed.public_eer_vendor, 0)', 'coalesce(summed.public_services, 0)') }} as share_public_eer_vendor
    from periods_and_scopes
    left join summed
        on summed.period = periods_and_scopes.period
        and summed.scope = periods_and_scopes.scope
)

select * from final
