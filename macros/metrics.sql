{# The service counts of org_metrics (metrics.md), one place: (column, condition over
   fct_cloud_services). org_metrics counts them, scope_metrics sums them. #}
{% macro service_counts() %}
    {{ return([
        ('active_services', 'is_active'),
        ('public_services', 'is_active and is_public'),
        ('materieel_services', 'is_materieel'),
        ('materieel_us_direct', 'is_materieel and us_direct'),
        ('materieel_us_indirect', 'is_materieel and us_indirect'),
        ('materieel_us_without_fallback', 'is_materieel and us_dependent and not fallback'),
        ('materieel_us_without_exit', 'is_materieel and us_dependent and not exit_strategy'),
        ('materieel_us_without_fallback_and_exit', 'is_materieel and us_dependent and not fallback and not exit_strategy'),
        ('materieel_us_without_risk_assessment', 'is_materieel and us_dependent and last_risk_assessment is null'),
        ('active_us_dependent', 'is_active and us_dependent'),
        ('personal_data_services', "is_active and personal_data <> 'none'"),
        ('personal_data_nl', "is_active and personal_data <> 'none' and location = 'nl'"),
        ('personal_data_eea', "is_active and personal_data <> 'none' and location = 'eea'"),
        ('personal_data_non_eea', "is_active and personal_data <> 'none' and location = 'non_eea'"),
        ('personal_data_unknown', "is_active and personal_data <> 'none' and location = 'unknown'"),
        ('special_data_outside_eer', "is_active and personal_data = 'special' and location in ('non_eea', 'unknown')"),
        ('bbn3_public', 'is_active and is_public and bbn = 3'),
        ('private_or_hybrid_services', "is_active and cloud_type in ('private', 'hybrid', 'community', 'government')"),
        ('unknown_type_services', "is_active and cloud_type = 'unknown'"),
        ('materieel_without_risk_assessment', 'is_materieel and last_risk_assessment is null'),
        ('materieel_big_three', "is_materieel and vendor_concern in ('Microsoft', 'Amazon', 'Alphabet')"),
        ('public_eer_vendor', 'is_active and is_public and is_eer_vendor'),
        ('foreign_migrations', 'is_foreign_migration'),
        ('reconsidered_services', 'is_reconsidered'),
    ]) }}
{% endmacro %}

{# Every summable column of org_metrics: the counts plus the public-cloud cost. #}
{% macro summable_metrics() %}
    {% set names = [] %}
    {% for name, condition in service_counts() %}{% do names.append(name) %}{% endfor %}
    {% do names.append('annual_cost_public_eur') %}
    {{ return(names) }}
{% endmacro %}
