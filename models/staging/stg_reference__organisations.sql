with organisations as (
    select * from {{ ref('organisations') }}
)

select
    org_code,
    org_name,
    org_type,
    ministry_code,
    in_cloud_policy_scope,
    in_rijksbreed_totals,
    valid_from,
    valid_to
from organisations
