-- A table, not a view: small (one row per period and organisation), read by several
-- models and tests; as a view it was recomputed from the service rows for each of them.
{{ config(materialized='table') }}

-- The current submission of each organisation and period: its accepted file with the
-- highest file_id (a nil return is an accepted file with 0 rows and is a submission too).
with files as (
    select * from {{ ref('stg_audit__files') }}
),

accepted_files as (
    select *
    from files
    where status = 'accepted'
        and org_code is not null
        and period is not null
),

current_submissions as (
    select
        file_id as submission_id,
        org_code,
        period,
        file_name as source_file,
        template_version,
        {{ peildatum('period') }} as peildatum,
        received_at
    from accepted_files
    qualify row_number() over (partition by org_code, period order by file_id desc) = 1
)

select * from current_submissions
