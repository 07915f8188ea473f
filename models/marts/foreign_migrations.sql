with services as (
    select * from {{ ref('fct_cloud_services') }}
),

final as (
    select
        period,
        org_code,
        ministry_code,
        service_id,
        service_name,
        vendor,
        vendor_concern,
        vendor_country,
        service_model,
        status,
        location,
        start_date,
        reconsidered,
        -- additions beyond the spec's list
        org_name,
        in_rijksbreed_totals
    from services
    where is_foreign_migration
)

select * from final
