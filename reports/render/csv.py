"""CSV for Dutch spreadsheet programs: UTF-8 (with BOM), ';', decimal comma, one block per table."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from reports import fmt
from reports.model import Meta, Table
from reports.render import cells, looks_like_formula, numeric


ROW_KINDS = {"data": "gegevens", "group": "groep", "subtotal": "subtotaal", "total": "totaal"}


def value(v, kind: str) -> str:
    """A number as a plain Dutch number (no thousands separator, decimal comma; shares as
    percentages); text guarded so no spreadsheet evaluates it."""
    if v is None:
        return ""
    if numeric(v, kind):
        if kind in ("share", "delta_pp"):
            return f"{float(v) * 100:.1f}".replace(".", ",")
        if kind == "euro":
            return f"{v:.2f}".replace(".", ",")
        if isinstance(v, float):
            return f"{v:.1f}".replace(".", ",")
        return str(int(v))
    text = fmt.cell(v, kind)
    return "'" + text if looks_like_formula(text) else text


def _header(table: Table) -> list[str]:
    suffix = {"share": " (%)", "delta_pp": " (procentpunt)", "euro": " (€)"}
    return [h + suffix.get(k, "") for h, k in zip(table.header, table.column_kinds)]


def render(tables: list[Table], path: Path, meta: Meta) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for i, table in enumerate(tables):
        if i:
            w.writerow([])
        if len(tables) > 1:
            w.writerow([value(table.caption, "text")])
        w.writerow(["Regelsoort"] + [value(h, "text") for h in _header(table)])
        for row in table.rows:
            w.writerow([ROW_KINDS[row.kind]] + [value(v, k) for v, k in zip(cells(table, row), table.column_kinds)])
        w.writerow([])
        for note in (table.source, *table.footnotes):
            w.writerow([value(note, "text")])
    if meta.colophon:
        w.writerow([value(meta.colophon, "text")])
    path.write_bytes(("\ufeff" + buf.getvalue()).encode("utf-8"))
