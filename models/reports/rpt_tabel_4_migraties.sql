-- Kamerbrief table 4: one row per planned or intended cloud migration abroad (period, organisation,
-- service), with the organisation's name and ministry as the register has them on the peildatum.
with

foreign_migrations as (
    select * from {{ ref('foreign_migrations') }}
),

register as (
    select * from {{ ref('rpt_register') }}
),

countries as (
    select * from {{ ref('countries') }}
),

final as (
    select
        foreign_migrations.period,
        foreign_migrations.org_code,
        foreign_migrations.service_id,
        register.org_name,
        register.ministry_code,
        register.ministry_name,
        register.in_rijksbreed_totals,
        foreign_migrations.service_name,
        foreign_migrations.vendor,
        foreign_migrations.vendor_country,
        countries.name_nl as vendor_country_name,
        foreign_migrations.service_model,
        foreign_migrations.status,
        foreign_migrations.location,
        foreign_migrations.start_date
    from foreign_migrations
    inner join register
        on register.period = foreign_migrations.period
        and register.org_code = foreign_migrations.org_code
    left join countries on countries.iso2 = foreign_migrations.vendor_country
)

select * from final
