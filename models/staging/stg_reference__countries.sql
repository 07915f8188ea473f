with countries as (
    select * from {{ ref('countries') }}
)

select
    iso2,
    name_nl,
    name_en,
    in_eer
from countries
