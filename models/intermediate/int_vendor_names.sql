-- A table, not a view: small (one row per period and name), read by several
-- models and tests; as a view it was recomputed from the service rows for each of them.
{{ config(materialized='table') }}

-- Resolution of every vendor / provider name written in the current submissions of a
-- period: the canonical vendor of vendor_aliases.csv (exact match on alias_key, no fuzzy
-- matching), else the name as written (trimmed, white space collapsed) — names with the
-- same alias_key are one vendor, shown in the spelling used most in that period (ties:
-- alphabetically first). Decided per period, so a later period never changes earlier figures.
with service_rows as (
    select * from {{ ref('stg_raw__service_rows') }}
),

current_submissions as (
    select * from {{ ref('int_current_submissions') }}
),

vendor_aliases as (
    select * from {{ ref('stg_reference__vendor_aliases') }}
),

current_rows as (
    select
        current_submissions.period,
        service_rows.vendor_raw,
        service_rows.provider_raw
    from service_rows
    inner join current_submissions
        on current_submissions.submission_id = service_rows.file_id
),

names_written as (
    select period, vendor_raw as name_written from current_rows
    union all
    select period, provider_raw as name_written from current_rows where provider_raw is not null
),

-- counted per name as written first, so the keys are computed once per distinct name, not per row
written_counts as (
    select period, name_written, count(*) as times_written
    from names_written
    group by all
),

spellings as (
    select
        period,
        {{ alias_key('name_written') }} as name_key,
        {{ collapse_spaces('name_written') }} as spelling,
        sum(times_written) as times_written
    from written_counts
    group by all
),

most_used_spelling as (
    select period, name_key, spelling
    from spellings
    qualify row_number() over (partition by period, name_key order by times_written desc, spelling) = 1
),

resolved as (
    select
        most_used_spelling.period,
        most_used_spelling.name_key,
        coalesce(vendor_aliases.vendor, most_used_spelling.spelling) as vendor,
        vendor_aliases.vendor is not null as is_known_vendor
    from most_used_spelling
    left join vendor_aliases
        on vendor_aliases.alias_key = most_used_spelling.name_key
)

select * from resolved
