-- The service rows of the current submissions with organisation (register row valid on the
-- peildatum) and the resolved vendor and provider: canonical name, concern and country from
-- the vendors.csv row valid on the peildatum (unknown vendor -> concern and country NULL).
-- An empty provider_raw takes the vendor's values.
with service_rows as (
    select * from {{ ref('stg_raw__service_rows') }}
),

current_submissions as (
    select * from {{ ref('int_current_submissions') }}
),

organisations_by_period as (
    select * from {{ ref('int_organisations_by_period') }}
),

vendor_names as (
    select * from {{ ref('int_vendor_names') }}
),

vendors as (
    select * from {{ ref('stg_reference__vendors') }}
),

-- the vendors.csv row of each resolved name valid on its period's peildatum, decided once per
-- (period, name key) instead of per service row: the service rows then join on equality only
vendor_names_on_peildatum as (
    select
        vendor_names.period,
        vendor_names.name_key,
        vendor_names.vendor,
        vendor_row.concern,
        vendor_row.country
    from vendor_names
    left join vendors as vendor_row
        on vendor_row.vendor = vendor_names.vendor
        and {{ valid_on('vendor_row', peildatum('vendor_names.period')) }}
),

current_rows as (
    select
        current_submissions.period,
        current_submissions.peildatum,
        current_submissions.org_code,
        current_submissions.submission_id,
        current_submissions.source_file,
        service_rows.source_row,
        service_rows.template_version,
        service_rows.service_id,
        service_rows.service_name,
        service_rows.vendor_raw,
        service_rows.provider_raw,
        service_rows.service_model,
        service_rows.cloud_type,
        service_rows.process,
        service_rows.location_declared,
        service_rows.countries,
        service_rows.countries_unknown,
        service_rows.personal_data,
        service_rows.bbn,
        service_rows.status,
        service_rows.reconsidered,
        service_rows.remarks,
        service_rows.annual_cost_eur,
        service_rows.exit_strategy,
        service_rows.fallback,
        service_rows.start_date,
        service_rows.last_risk_assessment
    from service_rows
    inner join current_submissions
        on current_submissions.submission_id = service_rows.file_id
),

-- every name written in a period (vendor or provider) with what it resolves to: the key is
-- computed once per distinct name; the service rows join on the name as written
name_resolution as (
    select
        names.period,
        names.name_written,
        resolved.vendor,
        resolved.concern,
        resolved.country
    from (
        select period, vendor_raw as name_written from current_rows
        union
        select period, provider_raw as name_written from current_rows where provider_raw is not null
    ) as names
    left join vendor_names_on_peildatum as resolved
        on resolved.period = names.period
        and resolved.name_key = {{ alias_key('names.name_written') }}
),

with_vendor as (
    select
        current_rows.*,
        vendor_name.vendor,
        vendor_name.concern as vendor_concern,
        vendor_name.country as vendor_country,
        provider_name.vendor as provider_name,
        provider_name.concern as provider_name_concern,
        provider_name.country as provider_name_country
    from current_rows
    left join name_resolution as vendor_name
        on vendor_name.period = current_rows.period
        and vendor_name.name_written = current_rows.vendor_raw
    left join name_resolution as provider_name
        on provider_name.period = current_rows.period
        and provider_name.name_written = current_rows.provider_raw
),

resolved as (
    select
        with_vendor.* exclude (provider_name, provider_name_concern, provider_name_country),
        case when provider_raw is null then vendor else provider_name end as provider,
        case when provider_raw is null then vendor_concern else provider_name_concern end as provider_concern,
        case when provider_raw is null then vendor_country else provider_name_country end as provider_country,
        organisations.org_name,
        organisations.org_type,
        organisations.ministry_code,
        organisations.in_cloud_policy_scope,
        organisations.in_rijksbreed_totals
    from with_vendor
    left join organisations_by_period as organisations
        on organisations.period = with_vendor.period
        and organisations.org_code = with_vendor.org_code
)

select * from resolved
