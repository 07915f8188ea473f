-- Every service row with its effective `location` and the flags of metrics.md. Every flag is
-- true or false, never NULL: an unknown country (unknown vendor / provider) is never US,
-- never NL and never in the EER; an unrecognised `Landen` token counts as outside the EER.
with services as (
    select * from {{ ref('int_services_resolved_vendor') }}
),

countries as (
    select * from {{ ref('stg_reference__countries') }}
),

eer as (
    select coalesce(list(iso2 order by iso2) filter (where in_eer), []::varchar[]) as eer_codes
    from countries
),

country_levels as (
    select
        services.*,
        eer.eer_codes,
        coalesce(len(services.countries), 0) + coalesce(len(services.countries_unknown), 0) > 0 as has_countries,
        coalesce(len(services.countries_unknown), 0) > 0
            or not list_has_all(eer.eer_codes, coalesce(services.countries, []::varchar[])) as has_country_outside_eer,
        not list_has_all(['NL'], coalesce(services.countries, []::varchar[])) as has_country_other_than_nl
    from services
    cross join eer
),

located as (
    select
        * exclude (has_countries, has_country_outside_eer, has_country_other_than_nl),
        case
            when not has_countries then null
            when has_country_outside_eer then 'non_eea'
            when has_country_other_than_nl then 'eea'
            else 'nl'
        end as countries_location
    from country_levels
),

with_location as (
    select
        * exclude (countries_location),
        case
            when countries_location is null then location_declared
            when location_declared = 'unknown' then countries_location
            -- the stricter of the two, in the order nl < eea < non_eea
            when location_declared = 'non_eea' or countries_location = 'non_eea' then 'non_eea'
            when location_declared = 'eea' or countries_location = 'eea' then 'eea'
            else 'nl'
        end as location
    from located
),

flagged as (
    select
        * exclude (eer_codes),
        status in ('in_use', 'migrating') as is_active,
        cloud_type = 'public' as is_public,
        status in ('in_use', 'migrating') and cloud_type = 'public' and process = 'primary' as is_materieel,
        coalesce(vendor_country = 'US', false) as us_direct,
        not coalesce(vendor_country = 'US', false) and coalesce(provider_country = 'US', false) as us_indirect,
        coalesce(vendor_country = 'US', false) or coalesce(provider_country = 'US', false) as us_dependent,
        location in ('nl', 'eea') as in_eer,
        coalesce(list_contains(eer_codes, vendor_country), false) as is_eer_vendor,
        status in ('planned', 'intended')
            and coalesce(reconsidered, '') <> 'stopped'
            and cloud_type = 'public'
            and (coalesce(vendor_country, '') <> 'NL' or location <> 'nl') as is_foreign_migration,
        coalesce(reconsidered, 'no') <> 'no' as is_reconsidered
    from with_location
)

select * from flagged
