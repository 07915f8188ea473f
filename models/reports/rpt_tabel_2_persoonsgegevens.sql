-- Kamerbrief table 2, frozen as published: one row per period and organisation in the
-- register, plus one row per period and scope (see rpt_org_rows).
select
    period, row_scope, org_code, org_name, org_type, ministry_code, ministry_name,
    in_rijksbreed_totals, has_submission,
    personal_data_services, personal_data_nl, personal_data_eea, personal_data_non_eea, personal_data_unknown, special_data_outside_eer
from {{ ref('rpt_org_rows') }}
