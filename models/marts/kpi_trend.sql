{% set kpis = ['organisations', 'materieel_services', 'share_materieel_us', 'share_personal_data_in_eer',
               'hhi_vendor', 'share_public_eer_vendor', 'foreign_migrations'] %}

with scope_metrics as (
    select * from {{ ref('scope_metrics') }}
),

concentration as (
    select * from {{ ref('concentration') }}
),

kpis as (
    select
        scope_metrics.period,
        scope_metrics.scope,
        {{ previous_period('scope_metrics.period') }} as preceding_quarter,
        scope_metrics.organisations,
        scope_metrics.materieel_services,
        scope_metrics.share_materieel_us,
        scope_metrics.share_personal_data_in_eer,
        concentration.hhi as hhi_vendor,
        scope_metrics.share_public_eer_vendor,
        scope_metrics.foreign_migrations
    from scope_metrics
    left join concentration
        on concentration.period = scope_metrics.period
        and concentration.scope = scope_metrics.scope
        and concentration.layer = 'vendor'
),

final as (
    -- the change against the preceding calendar quarter; NULL when that quarter is not loaded
    select
        current_period.period,
        current_period.scope,
        previous.period as previous_period,
        {% for kpi in kpis -%}
        current_period.{{ kpi }},
        {% endfor -%}
        {% for kpi in kpis -%}
        current_period.{{ kpi }} - previous.{{ kpi }} as {{ kpi }}_change{{ "," if not loop.last }}
        {% endfor %}
    from kpis as current_period
    left join kpis as previous
        on previous.period = current_period.preceding_quarter
        and previous.scope = current_period.scope
)

select * from final
