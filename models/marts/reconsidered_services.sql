with services as (
    select * from {{ ref('fct_cloud_services') }}
),

final as (
    select
        period,
        org_code,
        service_id,
        service_name,
        vendor,
        status,
        reconsidered,
        remarks,
        -- additions beyond the spec's list
        org_name,
        ministry_code,
        in_rijksbreed_totals
    from services
    where is_reconsidered
)

select * from final
