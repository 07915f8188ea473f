"""OpenDocument spreadsheet (odfpy): one sheet per table plus 'Toelichting'. Numbers are typed
cells (float / percentage); text is always a string cell, so nothing is evaluated."""

from __future__ import annotations

from pathlib import Path

from reports.model import Meta, Table
from reports.render import cells, spreadsheet_value
from reports.render.odf import attr, raw_rows, reset_namespaces, set_meta, text


def _body_rows(table: Table) -> tuple[str, list[str]]:
    """The body rows as the XML odfpy writes for TableRow/TableCell/P elements (see `raw_rows`)."""
    out, styles = [], []
    for row in table.rows:
        out.append("<table:table-row>")
        for v, kind in zip(cells(table, row), table.column_kinds):
            value = spreadsheet_value(v, kind)
            if value is None:
                out.append("<table:table-cell/>")
            elif isinstance(value, str):
                p = f"<text:p>{text(value)}</text:p>" if value else "<text:p/>"
                out.append(f'<table:table-cell office:value-type="string">{p}</table:table-cell>')
            elif kind in ("share", "delta_pp"):
                styles = ["PctCell"]
                out.append(f'<table:table-cell office:value-type="percentage" office:value={attr(repr(value))} table:style-name="PctCell"/>')
            else:
                out.append(f'<table:table-cell office:value-type="float" office:value={attr(repr(value))}/>')
        out.append("</table:table-row>")
    return "".join(out), styles


def render(tables: list[Table], path: Path, meta: Meta) -> None:
    from odf.number import Number, PercentageStyle
    from odf.number import Text as NText
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TableCellProperties, TableColumnProperties, TextProperties
    from odf.table import Table as OTable
    from odf.table import TableCell, TableColumn, TableRow
    from odf.text import P

    reset_namespaces()
    doc = OpenDocumentSpreadsheet()
    set_meta(doc, meta)
    pct = PercentageStyle(name="Pct1")
    pct.addElement(Number(decimalplaces="1", minintegerdigits="1"))
    pct.addElement(NText(text="%"))
    doc.automaticstyles.addElement(pct)
    pct_cell = Style(name="PctCell", family="table-cell", datastylename="Pct1")
    doc.automaticstyles.addElement(pct_cell)
    bold = Style(name="Bold", family="table-cell")
    bold.addElement(TextProperties(fontweight="bold"))
    doc.automaticstyles.addElement(bold)
    head = Style(name="Head", family="table-cell")  # the long column headers wrap instead of being cut off
    head.addElement(TextProperties(fontweight="bold"))
    head.addElement(TableCellProperties(wrapoption="wrap", verticalalign="bottom"))
    doc.automaticstyles.addElement(head)
    # column widths like the .xlsx (45 and 16 characters): names and headers readable when the sheet opens
    name_col = Style(name="NameCol", family="table-column")
    name_col.addElement(TableColumnProperties(columnwidth="8.5cm"))
    doc.automaticstyles.addElement(name_col)
    figure_col = Style(name="FigureCol", family="table-column")
    figure_col.addElement(TableColumnProperties(columnwidth="3.2cm"))
    doc.automaticstyles.addElement(figure_col)

    def text_row(*values, style=None):
        tr = TableRow()
        for v in values:
            c = TableCell(valuetype="string", stylename=style) if style else TableCell(valuetype="string")
            c.addElement(P(text=v))
            tr.addElement(c)
        return tr

    for table in tables:
        sheet = OTable(name=f"Tabel {table.number}")
        sheet.addElement(TableColumn(stylename=name_col))
        sheet.addElement(TableColumn(stylename=figure_col, numbercolumnsrepeated=len(table.header) - 1))
        sheet.addElement(text_row(table.caption, style=bold))
        sheet.addElement(TableRow())
        sheet.addElement(text_row(*table.header, style=head))
        if table.rows:
            sheet.appendChild(raw_rows(*_body_rows(table)))
        sheet.addElement(TableRow())
        for note in (table.source, *table.footnotes):
            sheet.addElement(text_row(note))
        doc.spreadsheet.addElement(sheet)
    notes = OTable(name="Toelichting")
    notes.addElement(text_row(meta.title, style=bold))
    if meta.colophon:
        notes.addElement(text_row(meta.colophon))
    for table in tables:
        notes.addElement(TableRow())
        notes.addElement(text_row(table.caption, style=bold))
        for note in (table.source, *table.footnotes):
            notes.addElement(text_row(note))
    doc.spreadsheet.addElement(notes)
    doc.save(str(path))
