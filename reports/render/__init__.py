"""One renderer per format; each has `render(tables, path, meta) -> None`.

Helpers shared by the renderers: the Dutch text of every cell (via `reports.fmt`), and the
formula guard of the publication-safety rules.
"""

from __future__ import annotations

from decimal import Decimal

from reports import fmt
from reports.model import NUMERIC_KINDS, Row, Table

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
RIJKS_BLUE = "#154273"
GREY_LINE = "#B4B4B4"


FIRST_COLUMN_WEIGHT = 2.2  # the name column is wider than the figures (as in the PDF: 2.2fr, 1fr, …)


def column_widths(table: Table, total: float) -> list[float]:
    """Column widths that add up to `total` (any unit): the first column 2.2 shares, the others 1."""
    n = len(table.header)
    unit = total / (FIRST_COLUMN_WEIGHT + n - 1)
    return [round(unit * FIRST_COLUMN_WEIGHT, 2)] + [round(unit, 2)] * (n - 1)


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_START)


def cells(table: Table, row: Row) -> list:
    """The row's cells at full table width (a group row: its label, then None)."""
    if row.kind == "group":
        return [row.cells[0]] + [None] * (len(table.header) - 1)
    return list(row.cells)


def texts(table: Table, row: Row) -> list[str]:
    return [fmt.cell(v, k) for v, k in zip(cells(table, row), table.column_kinds)]


def numeric(value, kind: str) -> bool:
    """True when the cell is written as a number in a spreadsheet (a str in a numeric column is text)."""
    return kind in NUMERIC_KINDS and isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def spreadsheet_value(value, kind: str):
    """A cell value for xlsx/ods: numbers as numbers (euros as float; shares as fractions;
    procentpunt changes as fractions too), dates as text, everything else as text."""
    if value is None:
        return None
    if numeric(value, kind):
        return float(value) if isinstance(value, (Decimal, float)) else int(value)
    return fmt.cell(value, kind)


NUMBER_FORMATS = {
    "count": "#,##0",
    "share": "0.0%",
    "euro": '"€" #,##0',
    "index": "#,##0",
    "delta_count": "+#,##0;-#,##0;0",
    "delta_index": "+#,##0;-#,##0;0",
    "delta_pp": '+0.0" procentpunt";-0.0" procentpunt";0.0" procentpunt"',
}

