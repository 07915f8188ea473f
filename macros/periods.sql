{# Period `YYYY-Qn` -> its peildatum, the last day of the quarter (2025-Q3 -> 2025-09-30). #}
{% macro peildatum(period) -%}
    last_day(make_date(cast(substr({{ period }}, 1, 4) as integer), 3 * cast(substr({{ period }}, 7, 1) as integer), 1))
{%- endmacro %}

{# The preceding calendar quarter of a period `YYYY-Qn` (2025-Q1 -> 2024-Q4). #}
{% macro previous_period(period) -%}
    case
        when substr({{ period }}, 7, 1) = '1'
            then cast(cast(substr({{ period }}, 1, 4) as integer) - 1 as varchar) || '-Q4'
        else substr({{ period }}, 1, 6) || cast(cast(substr({{ period }}, 7, 1) as integer) - 1 as varchar)
    end
{%- endmacro %}

{# `valid_from` <= date < `valid_to` (an empty valid_to is open-ended): the register row valid on a peildatum. #}
{% macro valid_on(relation_alias, date_expr) -%}
    ({{ relation_alias }}.valid_from <= {{ date_expr }} and ({{ relation_alias }}.valid_to is null or {{ relation_alias }}.valid_to > {{ date_expr }}))
{%- endmacro %}

{# A share: NULL when the denominator is 0 (or NULL). #}
{% macro safe_share(numerator, denominator) -%}
    cast({{ numerator }} as double) / nullif({{ denominator }}, 0)
{%- endmacro %}
