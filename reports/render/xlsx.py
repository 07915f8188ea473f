"""Excel workbook (xlsxwriter): one sheet per table plus a 'Toelichting' sheet. Numbers are
numbers; every text cell is written as a string, so nothing is evaluated as a formula."""

from __future__ import annotations

from pathlib import Path

from reports.model import Meta, Table
from reports.render import NUMBER_FORMATS, RIJKS_BLUE, cells, spreadsheet_value


def sheet_name(table: Table) -> str:
    return f"Tabel {table.number}"


def render(tables: list[Table], path: Path, meta: Meta) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False})
    wb.set_properties({"title": meta.title, "created": meta.dated, "company": "CIO Rijk", "author": "CIO Rijk"})
    base = {"font_name": "Calibri", "font_size": 10, "bottom": 1, "bottom_color": "#B4B4B4", "valign": "top"}
    head = wb.add_format({**base, "bold": True, "top": 5, "top_color": RIJKS_BLUE, "bottom": 2, "bottom_color": RIJKS_BLUE, "text_wrap": True})
    title = wb.add_format({"bold": True, "font_size": 12, "font_color": RIJKS_BLUE})
    note = wb.add_format({"font_size": 9, "text_wrap": False})
    fmts: dict[tuple[str, str], object] = {}

    def style(kind: str, row_kind: str):
        key = (kind, row_kind)
        if key not in fmts:
            props = dict(base)
            if kind in NUMBER_FORMATS:
                props["num_format"] = NUMBER_FORMATS[kind]
            if row_kind in ("group", "total"):
                props["bold"] = True
            if row_kind == "subtotal":
                props["italic"] = True
            fmts[key] = wb.add_format(props)
        return fmts[key]

    for table in tables:
        ws = wb.add_worksheet(sheet_name(table))
        ws.write_string(0, 0, table.caption, title)
        for c, h in enumerate(table.header):
            ws.write_string(2, c, h, head)
        r = 3
        for row in table.rows:
            for c, (v, kind) in enumerate(zip(cells(table, row), table.column_kinds)):
                value = spreadsheet_value(v, kind)
                f = style(kind, row.kind)
                if value is None:
                    ws.write_blank(r, c, None, f)
                elif isinstance(value, str):
                    ws.write_string(r, c, value, f)
                else:
                    ws.write_number(r, c, value, f)
            r += 1
        r += 1
        for text in (table.source, *table.footnotes):
            ws.write_string(r, 0, text, note)
            r += 1
        ws.set_column(0, 0, 45)
        ws.set_column(1, len(table.header) - 1, 16)
        ws.freeze_panes(3, 1)
    ws = wb.add_worksheet("Toelichting")
    ws.set_column(0, 0, 120)
    r = 0
    for line in [meta.title, *([meta.colophon] if meta.colophon else [])]:
        ws.write_string(r, 0, line, title)
        r += 1
    for table in tables:
        r += 1
        ws.write_string(r, 0, table.caption, title)
        r += 1
        for text in (table.source, *table.footnotes):
            ws.write_string(r, 0, text)
            r += 1
    wb.close()
