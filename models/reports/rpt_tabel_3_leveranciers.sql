-- Kamerbrief table 3: vendor share at concern level, scope totaal, per layer (vendor, provider):
-- the 10 largest concerns by services (ties by name), "Overig" and "Totaal"; the organisations
-- of Overig and Totaal are counted distinct from fct_cloud_services. Carries the layer's HHI
-- and CR3 and the share of NL/EER suppliers for the footnote.
with

vendor_share as (
    select * from {{ ref('vendor_share') }} where scope = 'totaal'
),

concentration as (
    select * from {{ ref('concentration') }} where scope = 'totaal'
),

scope_metrics as (
    select * from {{ ref('scope_metrics') }} where scope = 'totaal'
),

-- the active public services of the rijksbrede totals, only the columns used below (the CTE is
-- read twice, so DuckDB materialises it)
fct_cloud_services as (
    select period, org_code, vendor, vendor_concern, provider, provider_concern, is_active, is_public, in_rijksbreed_totals
    from {{ ref('fct_cloud_services') }}
    where is_active and is_public and in_rijksbreed_totals
),

countries as (
    select * from {{ ref('countries') }}
),

ranked as (
    select
        vendor_share.*,
        row_number() over (partition by period, layer order by services desc, concern) as rank
    from vendor_share
),

public_services as (
    select period, org_code, 'vendor' as layer, coalesce(vendor_concern, vendor) as concern
    from fct_cloud_services
    where is_active and is_public and in_rijksbreed_totals
    union all
    select period, org_code, 'provider' as layer, coalesce(provider_concern, provider) as concern
    from fct_cloud_services
    where is_active and is_public and in_rijksbreed_totals
),

top_rows as (
    select
        period, layer, rank as row_order, 'data' as row_kind, concern, country,
        services, share_services, organisations, annual_cost_eur, share_cost
    from ranked
    where rank <= 10
),

other_rows as (
    select
        ranked.period,
        ranked.layer,
        11 as row_order,
        'other' as row_kind,
        'Overig' as concern,
        null as country,
        sum(ranked.services) as services,
        sum(ranked.share_services) as share_services,
        (
            select count(distinct public_services.org_code)
            from public_services
            where public_services.period = ranked.period
                and public_services.layer = ranked.layer
                and public_services.concern not in (
                    select top_rows.concern from top_rows
                    where top_rows.period = ranked.period and top_rows.layer = ranked.layer
                )
        ) as organisations,
        sum(ranked.annual_cost_eur) as annual_cost_eur,
        sum(ranked.share_cost) as share_cost
    from ranked
    where ranked.rank > 10
    group by ranked.period, ranked.layer
),

total_rows as (
    select
        ranked.period,
        ranked.layer,
        12 as row_order,
        'total' as row_kind,
        'Totaal' as concern,
        null as country,
        sum(ranked.services) as services,
        sum(ranked.share_services) as share_services,
        (
            select count(distinct public_services.org_code)
            from public_services
            where public_services.period = ranked.period and public_services.layer = ranked.layer
        ) as organisations,
        sum(ranked.annual_cost_eur) as annual_cost_eur,
        sum(ranked.share_cost) as share_cost
    from ranked
    group by ranked.period, ranked.layer
),

table_rows as (
    select * from top_rows
    union all by name
    select * from other_rows
    union all by name
    select * from total_rows
),

final as (
    select
        table_rows.*,
        countries.name_nl as country_name,
        concentration.hhi,
        concentration.cr3,
        scope_metrics.share_public_eer_vendor
    from table_rows
    left join countries on countries.iso2 = table_rows.country
    left join concentration
        on concentration.period = table_rows.period and concentration.layer = table_rows.layer
    left join scope_metrics on scope_metrics.period = table_rows.period
)

select * from final
