-- Kamerbrief table 5: one row per reconsidered service (period, organisation, service), without
-- the free-text remarks (they can hold names; they stay in marts and the feedback files).
with

reconsidered_services as (
    select * from {{ ref('reconsidered_services') }}
),

register as (
    select * from {{ ref('rpt_register') }}
),

final as (
    select
        reconsidered_services.period,
        reconsidered_services.org_code,
        reconsidered_services.service_id,
        register.org_name,
        register.ministry_code,
        register.ministry_name,
        register.in_rijksbreed_totals,
        reconsidered_services.service_name,
        reconsidered_services.vendor,
        reconsidered_services.status,
        reconsidered_services.reconsidered
    from reconsidered_services
    inner join register
        on register.period = reconsidered_services.period
        and register.org_code = reconsidered_services.org_code
)

select * from final
