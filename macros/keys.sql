{# Comparison key of a vendor or provider name (vendor_aliases.csv and unknown names):
   lower-case, white space collapsed and trimmed, trailing `.` and `,` ignored. #}
{% macro alias_key(col) -%}
    trim(regexp_replace(regexp_replace(lower({{ col }}), '\s+', ' ', 'g'), '[\s.,]+$', ''))
{%- endmacro %}

{# A name as written, trimmed and with white space collapsed (the display spelling). #}
{% macro collapse_spaces(col) -%}
    trim(regexp_replace({{ col }}, '\s+', ' ', 'g'))
{%- endmacro %}
