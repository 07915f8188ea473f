"""OpenDocument text (odfpy), after the Rijkshuisstijl: lintblauw header rule, bold header row,
thin grey row lines, no zebra stripes."""

from __future__ import annotations

from pathlib import Path

from reports import fmt
from reports.model import Meta, Table
from reports.render import GREY_LINE, RIJKS_BLUE, column_widths, texts
from reports.render.odf import raw_rows, reset_namespaces, set_meta, text

PAGE_WIDTH, PAGE_HEIGHT = "29.7cm", "21cm"
TABLE_WIDTH_CM = 26.7  # page width less 2 x 1.5 cm margin
FONT = "Calibri"


def _body_rows(table: Table, right: list[bool], paragraph_names: dict) -> tuple[str, set]:
    """The body rows as the XML odfpy writes for TableRow/TableCell/P elements (see `raw_rows`)."""
    n = len(table.header)
    covered = "<table:covered-table-cell/>" * (n - 1)
    out, used = [], set()

    def cell(style, value, span=""):
        used.add(style)
        start = f'<table:table-cell table:style-name="BodyCell" office:value-type="string"{span}>'
        if value:
            return f'{start}<text:p text:style-name="{style}">{text(value)}</text:p></table:table-cell>'
        return f'{start}<text:p text:style-name="{style}"/></table:table-cell>'

    for row in table.rows:
        values = texts(table, row)
        out.append('<table:table-row table:style-name="Row">')
        if row.kind == "group":
            out.append(cell(paragraph_names[("group", False)], values[0], f' table:number-columns-spanned="{len(values)}"'))
            out.append(covered)
        else:
            names = [paragraph_names[(row.kind, right[i] and i > 0)] for i in range(n)]
            out.extend(cell(name, v) for name, v in zip(names, values))
        out.append("</table:table-row>")
    return "".join(out), used


def render(tables: list[Table], path: Path, meta: Meta) -> None:
    from odf.opendocument import OpenDocumentText
    from odf.style import (DefaultStyle, FontFace, MasterPage, PageLayout, PageLayoutProperties, ParagraphProperties, Style,
                           TableCellProperties, TableColumnProperties, TableProperties, TableRowProperties, TextProperties)
    from odf.table import Table as OTable
    from odf.table import TableCell, TableColumn, TableHeaderRows, TableRow
    from odf.text import H, P

    reset_namespaces()
    doc = OpenDocumentText()
    set_meta(doc, meta)
    # landscape A4 like the .docx: the widest tables (1, 2, 6) have 7-8 columns and do not fit portrait
    layout = PageLayout(name="Landscape")
    layout.addElement(PageLayoutProperties(pagewidth=PAGE_WIDTH, pageheight=PAGE_HEIGHT, printorientation="landscape",
                                           margintop="1.5cm", marginbottom="1.5cm", marginleft="1.5cm", marginright="1.5cm"))
    doc.automaticstyles.addElement(layout)
    doc.masterstyles.addElement(MasterPage(name="Standard", pagelayoutname=layout))
    # a sans-serif face, like the .docx (Calibri; LibreOffice substitutes Carlito or another sans)
    doc.fontfacedecls.addElement(FontFace(name=FONT, fontfamily=FONT, fontfamilygeneric="swiss", fontpitch="variable"))
    default = DefaultStyle(family="paragraph")
    default.addElement(TextProperties(fontname=FONT, fontsize="10pt"))
    doc.styles.addElement(default)

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
    table_style = style("Tbl", "table", TableProperties(width=f"{TABLE_WIDTH_CM}cm", align="left"))
    keep_row = style("Row", "table-row", TableRowProperties(keeptogether="always"))  # a row never splits over pages
    column_styles: dict[float, Style] = {}

    def column_style(width: float) -> Style:
        if width not in column_styles:
            column_styles[width] = style(f"Col{len(column_styles) + 1}", "table-column",
                                         TableColumnProperties(columnwidth=f"{width}cm"))
        return column_styles[width]
    paragraph = {("data", False): cell_text, ("data", True): cell_num, ("group", False): bold_text, ("group", True): bold_num,
                 ("total", False): bold_text, ("total", True): bold_num, ("subtotal", False): ital_text, ("subtotal", True): ital_num}
    paragraph_names = {key: s.getAttribute("name") for key, s in paragraph.items()}

    doc.text.addElement(H(outlinelevel=1, stylename=title, text=meta.title))
    doc.text.addElement(P(text=f"Peildatum {fmt.long_date(meta.peildatum)}"))
    if meta.colophon:
        doc.text.addElement(P(text=meta.colophon))
    for n, table in enumerate(tables, 1):
        doc.text.addElement(P(stylename=caption, text=table.caption))
        right = [k not in ("text", "date") for k in table.column_kinds]
        t = OTable(name=f"Tabel{table.number}_{n}", stylename=table_style)
        for width in column_widths(table, TABLE_WIDTH_CM):
            t.addElement(TableColumn(stylename=column_style(width)))
        head = TableHeaderRows()
        tr = TableRow(stylename=keep_row)
        for i, h in enumerate(table.header):
            c = TableCell(stylename=head_cell, valuetype="string")
            c.addElement(P(stylename=bold_num if right[i] else bold_text, text=h))
            tr.addElement(c)
        head.addElement(tr)
        t.addElement(head)
        if table.rows:
            xml, used = _body_rows(table, right, paragraph_names)
            t.appendChild(raw_rows(xml, ["Row", "BodyCell", *used]))
        doc.text.addElement(t)
        for note in (table.source, *table.footnotes):
            doc.text.addElement(P(stylename=small, text=note))
    doc.save(str(path))
