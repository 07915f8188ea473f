-- Kamerbrief table 6, frozen as published: one row per period and organisation in the
-- register, plus one row per period and scope (see rpt_org_rows).
select
    period, row_scope, org_code, org_name, org_type, ministry_code, ministry_name,
    in_rijksbreed_totals, has_submission,
    active_us_dependent, materieel_us_direct, materieel_us_indirect, materieel_us_without_fallback, materieel_us_without_exit, materieel_us_without_fallback_and_exit, materieel_us_without_risk_assessment
from {{ ref('rpt_org_rows') }}
