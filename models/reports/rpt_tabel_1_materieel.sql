-- Kamerbrief table 1, frozen as published: one row per period and organisation in the
-- register, plus one row per period and scope (see rpt_org_rows).
select
    period, row_scope, org_code, org_name, org_type, ministry_code, ministry_name,
    in_rijksbreed_totals, has_submission,
    active_services, public_services, materieel_services, materieel_us_direct, materieel_us_indirect
from {{ ref('rpt_org_rows') }}
