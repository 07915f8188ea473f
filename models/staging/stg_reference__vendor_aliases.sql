with vendor_aliases as (
    select * from {{ ref('vendor_aliases') }}
)

select
    {{ alias_key('alias') }} as alias_key,
    alias,
    vendor
from vendor_aliases
