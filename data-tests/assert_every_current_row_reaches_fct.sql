-- Every accepted row of a current submission is in fct_cloud_services exactly once
-- (no row lost or duplicated by the vendor / organisation joins). Returns the offending files.
with current_rows as (
    select service_rows.file_id, count(*) as rows_submitted
    from {{ ref('stg_raw__service_rows') }} as service_rows
    inner join {{ ref('int_current_submissions') }} as current_submissions
        on current_submissions.submission_id = service_rows.file_id
    group by service_rows.file_id
),

fct_rows as (
    select submission_id as file_id, count(*) as rows_in_fct
    from {{ ref('fct_cloud_services') }}
    group by submission_id
)

select current_rows.file_id, current_rows.rows_submitted, fct_rows.rows_in_fct
from current_rows
left join fct_rows on fct_rows.file_id = current_rows.file_id
where fct_rows.rows_in_fct is distinct from current_rows.rows_submitted
