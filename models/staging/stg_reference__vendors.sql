with vendors as (
    select * from {{ ref('vendors') }}
)

select
    vendor,
    concern,
    country,
    valid_from,
    valid_to
from vendors
