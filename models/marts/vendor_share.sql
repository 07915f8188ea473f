with services as (
    select * from {{ ref('fct_cloud_services') }}
),

organisation_scopes as (
    select * from {{ ref('int_organisation_scopes') }}
),

-- only the columns used below: the CTE is read twice, so DuckDB materialises it
public_services as (
    select
        organisation_scopes.scope,
        services.period,
        services.org_code,
        services.vendor,
        services.vendor_concern,
        services.vendor_country,
        services.provider,
        services.provider_concern,
        services.provider_country,
        services.annual_cost_eur
    from services
    inner join organisation_scopes
        on organisation_scopes.period = services.period
        and organisation_scopes.org_code = services.org_code
    where services.is_active and services.is_public
),

by_layer as (
    -- an unknown concern is grouped under the (canonical) vendor / provider name
    select period, scope, 'vendor' as layer, coalesce(vendor_concern, vendor) as concern,
        vendor_country as country, org_code, annual_cost_eur
    from public_services

    union all

    select period, scope, 'provider' as layer, coalesce(provider_concern, provider) as concern,
        provider_country as country, org_code, annual_cost_eur
    from public_services
),

per_concern as (
    select
        period,
        scope,
        layer,
        concern,
        min(country) as country,
        count(*) as services,
        count(distinct org_code) as organisations,
        cast(sum(coalesce(annual_cost_eur, 0)) as decimal(18, 2)) as annual_cost_eur
    from by_layer
    group by period, scope, layer, concern
),

final as (
    select
        period,
        scope,
        layer,
        concern,
        country,
        services,
        {{ safe_share('services', 'sum(services) over (partition by period, scope, layer)') }} as share_services,
        organisations,
        annual_cost_eur,
        {{ safe_share('annual_cost_eur', 'sum(annual_cost_eur) over (partition by period, scope, layer)') }} as share_cost
    from per_concern
)

select * from final
