with current_submissions as (
    select * from {{ ref('int_current_submissions') }}
),

organisations_by_period as (
    select * from {{ ref('int_organisations_by_period') }}
),

services as (
    select * from {{ ref('fct_cloud_services') }}
),

counts as (
    select
        period,
        org_code,
        {% for name, condition in service_counts() -%}
        count_if({{ condition }}) as {{ name }},
        {% endfor -%}
        cast(sum(case when is_active and is_public then coalesce(annual_cost_eur, 0) else 0 end) as decimal(18, 2)) as annual_cost_public_eur
    from services
    group by period, org_code
),

final as (
    select
        current_submissions.period,
        current_submissions.org_code,
        organisations.org_name,
        organisations.org_type,
        organisations.ministry_code,
        current_submissions.submission_id,
        {% for name in summable_metrics() -%}
        coalesce(counts.{{ name }}, 0) as {{ name }},
        {% endfor -%}
        {{ safe_share('coalesce(counts.materieel_us_direct, 0) + coalesce(counts.materieel_us_indirect, 0)', 'coalesce(counts.materieel_services, 0)') }} as share_materieel_us
    from current_submissions
    left join organisations_by_period as organisations
        on organisations.period = current_submissions.period
        and organisations.org_code = current_submissions.org_code
    left join counts
        on counts.period = current_submissions.period
        and counts.org_code = current_submissions.org_code
)

select * from final
