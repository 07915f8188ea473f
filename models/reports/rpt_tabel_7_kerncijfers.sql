-- Kamerbrief table 7, frozen as published: the rijksbrede headline figures (scope totaal), one row
-- per loaded period, with each change against the preceding calendar quarter (from kpi_trend).
with

kpi_trend as (
    select * from {{ ref('kpi_trend') }}
    where scope = 'totaal'
),

final as (
    select
        period,
        organisations,
        materieel_services,
        share_materieel_us,
        share_personal_data_in_eer,
        hhi_vendor,
        share_public_eer_vendor,
        foreign_migrations,
        materieel_services_change,
        share_materieel_us_change,
        share_personal_data_in_eer_change,
        hhi_vendor_change,
        share_public_eer_vendor_change,
        foreign_migrations_change
    from kpi_trend
)

select * from final
