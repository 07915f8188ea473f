{# Generic tests the dbt package hub would give (dbt deps cannot reach it here).
   Each returns the offending rows; the test fails when there is at least one. #}

{% test expression_is_true(model, expression, where_clause=none) %}
select *
from {{ model }}
where not coalesce(({{ expression }}), false)
{% if where_clause %}and ({{ where_clause }}){% endif %}
{% endtest %}

{% test accepted_range(model, column_name, min_value=none, max_value=none) %}
select *
from {{ model }}
where {{ column_name }} is not null
  and (
    false
    {% if min_value is not none %}or {{ column_name }} < {{ min_value }}{% endif %}
    {% if max_value is not none %}or {{ column_name }} > {{ max_value }}{% endif %}
  )
{% endtest %}

{# Validity ranges [valid_from, valid_to) of one key must not overlap (empty valid_to = open-ended). #}
{% test no_overlapping_ranges(model, partition_by, lower_bound='valid_from', upper_bound='valid_to') %}
with ranges as (
    select
        {{ partition_by }} as range_key,
        {{ lower_bound }} as range_from,
        coalesce({{ upper_bound }}, date '9999-12-31') as range_to,
        row_number() over (partition by {{ partition_by }} order by {{ lower_bound }}, {{ upper_bound }}) as range_number
    from {{ model }}
)
select a.range_key, a.range_from, a.range_to, b.range_from as overlapping_from, b.range_to as overlapping_to
from ranges as a
inner join ranges as b
    on a.range_key = b.range_key
    and a.range_number < b.range_number
where a.range_from < b.range_to and b.range_from < a.range_to
{% endtest %}

{# The combination of `columns` is unique (the grain of a model). #}
{% test unique_combination_of_columns(model, combination_of_columns) %}
select {{ combination_of_columns | join(', ') }}, count(*) as rows_with_this_key
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1
{% endtest %}

{# Several columns at once (one query instead of one test per column): none NULL, and each
   within [min_value, max_value] when given. #}
{% test columns_not_null_in_range(model, columns, min_value=none, max_value=none) %}
select *
from {{ model }}
where false
{% for column in columns %}
    or {{ column }} is null
    {% if min_value is not none %}or {{ column }} < {{ min_value }}{% endif %}
    {% if max_value is not none %}or {{ column }} > {{ max_value }}{% endif %}
{% endfor %}
{% endtest %}

{# The column checks of a model in one query (one dbt test node instead of one per column and
   check; at ~20 ms of dbt overhead per node that was most of the build's fixed cost). Returns the
   offending rows, with `failed_checks` naming what each one breaks:
   - not_null: [columns] — never NULL;
   - accepted_values: {column: [values]} — a value that is not NULL is one of these (strings are
     quoted, numbers not), as dbt's accepted_values;
   - accepted_range: {column: {min_value: x, max_value: y}} — a value that is not NULL lies
     within the bounds given (inclusive), as accepted_range. #}
{% test columns_valid(model, not_null=[], accepted_values={}, accepted_range={}) %}
{%- set checks = [] -%}
{%- for column in not_null -%}
    {%- do checks.append((column ~ ' is null', column ~ ' not_null')) -%}
{%- endfor -%}
{%- for column, values in accepted_values.items() -%}
    {%- set quoted = [] -%}
    {%- for value in values -%}
        {%- do quoted.append("'" ~ value ~ "'" if value is string else value | string) -%}
    {%- endfor -%}
    {%- do checks.append((column ~ ' is not null and ' ~ column ~ ' not in (' ~ quoted | join(', ') ~ ')', column ~ ' accepted_values')) -%}
{%- endfor -%}
{%- for column, bounds in accepted_range.items() -%}
    {%- set conditions = [] -%}
    {%- if bounds.min_value is defined and bounds.min_value is not none -%}{%- do conditions.append(column ~ ' < ' ~ bounds.min_value) -%}{%- endif -%}
    {%- if bounds.max_value is defined and bounds.max_value is not none -%}{%- do conditions.append(column ~ ' > ' ~ bounds.max_value) -%}{%- endif -%}
    {%- if conditions -%}
        {%- do checks.append((column ~ ' is not null and (' ~ conditions | join(' or ') ~ ')', column ~ ' accepted_range')) -%}
    {%- endif -%}
{%- endfor -%}
with checked as (
    select
        concat_ws(', '
        {%- for condition, label in checks %},
            case when {{ condition }} then '{{ label }}' end
        {%- endfor %}
        ) as failed_checks,
        *
    from {{ model }}
)

select *
from checked
where failed_checks <> ''
{% endtest %}
