with vendor_share as (
    select * from {{ ref('vendor_share') }}
),

scope_metrics as (
    select * from {{ ref('scope_metrics') }}
),

layers as (
    select scope_metrics.period, scope_metrics.scope, layers.layer
    from scope_metrics
    cross join (values ('vendor'), ('provider')) as layers (layer)
),

ranked as (
    select
        *,
        row_number() over (partition by period, scope, layer order by services desc, concern) as concern_rank
    from vendor_share
),

per_layer as (
    select
        period,
        scope,
        layer,
        sum(power(100 * share_services, 2)) as hhi,
        max(share_services) as cr1,
        sum(share_services) filter (where concern_rank <= 3) as cr3,
        max(concern) filter (where concern_rank = 1) as top_concern,
        {{ safe_share("sum(services) filter (where country = 'US')", 'sum(services)') }} as us_share
    from ranked
    group by period, scope, layer
),

final as (
    -- every period, scope and layer; the figures are NULL when there are no public services
    select
        layers.period,
        layers.scope,
        layers.layer,
        per_layer.top_concern,
        per_layer.hhi,
        per_layer.cr1,
        per_layer.cr3,
        coalesce(per_layer.us_share, case when per_layer.period is not null then 0 end) as us_share
    from layers
    left join per_layer
        on per_layer.period = layers.period
        and per_layer.scope = layers.scope
        and per_layer.layer = layers.layer
)

select * from final
