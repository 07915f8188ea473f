with service_rows as (
    select * from {{ source('raw', 'service_rows') }}
),

renamed as (
    select
        file_id,
        sheet as source_sheet,
        row_number as source_row,
        org_code,
        period,
        template_version,
        service_id,
        service_name,
        vendor_raw,
        nullif(trim(provider_raw), '') as provider_raw,
        service_model,
        cloud_type,
        process,
        location_declared,
        countries,
        countries_unknown,
        personal_data,
        bbn,
        status,
        reconsidered,
        remarks,
        annual_cost_eur,
        exit_strategy,
        fallback,
        start_date,
        last_risk_assessment
    from service_rows
)

select * from renamed
