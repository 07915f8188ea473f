"""OpenDocument text (odfpy), after the Rijkshuisstijl: lintblauw header rule, bold header row,
thin grey row lines, no zebra stripes."""

from __future__ import annotations

from pathlib import Path

from reports import fmt
from reports.model import Meta, Table
from reports.render import GREY_LINE, RIJKS_BLUE, texts
from reports.render.odf import reset_namespaces, set_meta


def render(tables: list[Table], path: Path, meta: Meta) -> None:
    from odf.opendocument import OpenDocumentText
    from odf.style import ParagraphProperties, Style, TableCellProperties, TableProperties, TextProperties
    from odf.table import Table as OTable
    from odf.table import CoveredTableCell, TableCell, TableColumn, TableHeaderRows, TableRow
    from odf.text import H, P

    reset_namespaces()
    doc = OpenDocumentText()
    set_meta(doc, meta)

    def style(name, family, *props, **attrs):
        s = Style(name=name, family=family, **attrs)
        for p in props:
            s.addElement(p)
        doc.automaticstyles.addElement(s)
        return s

    title = style("Title", "paragraph", TextProperties(fontsize="16pt", fontweight="bold", color=RIJKS_BLUE))
    caption = style("Caption", "paragraph", TextProperties(fontsize="11pt", fontweight="bold", color=RIJKS_BLUE),
                    ParagraphProperties(margintop="0.4cm", marginbottom="0.15cm", keepwithnext="always"))
    small = style("Small", "paragraph", TextProperties(fontsize="8pt"))
    cell_text = style("CellText", "paragraph", TextProperties(fontsize="8pt"))
    cell_num = style("CellNum", "paragraph", TextProperties(fontsize="8pt"), ParagraphProperties(textalign="end"))
    bold_text = style("CellBold", "paragraph", TextProperties(fontsize="8pt", fontweight="bold"))
    bold_num = style("CellBoldNum", "paragraph", TextProperties(fontsize="8pt", fontweight="bold"), ParagraphProperties(textalign="end"))
    ital_text = style("CellItal", "paragraph", TextProperties(fontsize="8pt", fontstyle="italic"))
    ital_num = style("CellItalNum", "paragraph", TextProperties(fontsize="8pt", fontstyle="italic"), ParagraphProperties(textalign="end"))
    head_cell = style("HeadCell", "table-cell", TableCellProperties(
        bordertop=f"1.5pt solid {RIJKS_BLUE}", borderbottom=f"1pt solid {RIJKS_BLUE}", borderleft="none", borderright="none", padding="0.05cm"))
    body_cell = style("BodyCell", "table-cell", TableCellProperties(
        borderbottom=f"0.5pt solid {GREY_LINE}", bordertop="none", borderleft="none", borderright="none", padding="0.05cm"))
    table_style = style("Tbl", "table", TableProperties(width="17cm", align="left"))
    paragraph = {("data", False): cell_text, ("data", True): cell_num, ("group", False): bold_text, ("group", True): bold_num,
                 ("total", False): bold_text, ("total", True): bold_num, ("subtotal", False): ital_text, ("subtotal", True): ital_num}

    doc.text.addElement(H(outlinelevel=1, stylename=title, text=meta.title))
    doc.text.addElement(P(text=f"Peildatum {fmt.long_date(meta.peildatum)}"))
    if meta.colophon:
        doc.text.addElement(P(text=meta.colophon))
    for n, table in enumerate(tables, 1):
        doc.text.addElement(P(stylename=caption, text=table.caption))
        right = [k not in ("text", "date") for k in table.column_kinds]
        t = OTable(name=f"Tabel{table.number}_{n}", stylename=table_style)
        t.addElement(TableColumn(numbercolumnsrepeated=len(table.header)))
        head = TableHeaderRows()
        tr = TableRow()
        for i, h in enumerate(table.header):
            c = TableCell(stylename=head_cell, valuetype="string")
            c.addElement(P(stylename=bold_num if right[i] else bold_text, text=h))
            tr.addElement(c)
        head.addElement(tr)
        t.addElement(head)
        for row in table.rows:
            tr = TableRow()
            values = texts(table, row)
            if row.kind == "group":
                c = TableCell(stylename=body_cell, valuetype="string", numbercolumnsspanned=len(values))
                c.addElement(P(stylename=bold_text, text=values[0]))
                tr.addElement(c)
                for _ in values[1:]:
                    tr.addElement(CoveredTableCell())
            else:
                for i, v in enumerate(values):
                    c = TableCell(stylename=body_cell, valuetype="string")
                    c.addElement(P(stylename=paragraph[(row.kind, right[i] and i > 0)], text=v))
                    tr.addElement(c)
            t.addElement(tr)
        doc.text.addElement(t)
        for note in (table.source, *table.footnotes):
            doc.text.addElement(P(stylename=small, text=note))
    doc.save(str(path))
