with files as (
    select * from {{ source('audit', 'files') }}
),

renamed as (
    select
        file_id,
        file_name,
        org_code,
        period,
        template_version,
        status,
        received_at
    from files
)

select * from renamed
