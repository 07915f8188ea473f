{# Comparison key of a vendor or provider name (vendor_aliases.csv and unknown names):
   lower-case, white space (also non-breaking spaces) collapsed and trimmed, trailing `.` and `,` ignored. #}
{% macro alias_key(col) -%}
    trim(regexp_replace(regexp_replace(lower({{ col }}), '[\s\x{00A0}\x{2007}\x{202F}]+', ' ', 'g'), '[\s.,]+$', ''))
{%- endmacro %}

{# A name as written, trimmed and with white space collapsed (the display spelling). #}
{% macro collapse_spaces(col) -%}
    trim(regexp_replace({{ col }}, '[\s\x{00A0}\x{2007}\x{202F}]+', ' ', 'g'))
{%- endmacro %}
