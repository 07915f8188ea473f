"""Word (python-docx), after the Rijkshuisstijl: lintblauw header rule, bold header row, thin grey
row lines, no zebra stripes. Document dates are the peildatum."""

from __future__ import annotations

from pathlib import Path

from reports import fmt
from reports.model import Meta, Table
from reports.render import GREY_LINE, RIJKS_BLUE, column_widths, texts


def _borders(cell, top=None, bottom=None) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tc_pr = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    for side, spec in (("top", top), ("bottom", bottom)):
        if spec:
            size, color = spec
            el = OxmlElement(f"w:{side}")
            el.set(qn("w:val"), "single")
            el.set(qn("w:sz"), str(size))
            el.set(qn("w:color"), color.lstrip("#"))
            borders.append(el)
    tc_pr.append(borders)


def _row_flag(row, flag: str) -> None:
    """w:tblHeader (repeat the row on every page) or w:cantSplit (keep the row on one page)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement(f"w:{flag}")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


TEXT_WIDTH_MM = 267  # landscape A4 less 2 x 15 mm margin


def _table(doc, table: Table) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    doc.add_paragraph(table.caption, style="Caption")
    t = doc.add_table(rows=1, cols=len(table.header))
    t.autofit = False
    widths = [Mm(w) for w in column_widths(table, TEXT_WIDTH_MM)]
    right = [k not in ("text", "date") for k in table.column_kinds]

    def put(cell, text, bold=False, italic=False, align_right=False):
        p = cell.paragraphs[0]
        p.paragraph_format.space_after = p.paragraph_format.space_before = Pt(0)  # compact rows, as in the PDF
        p.paragraph_format.line_spacing = 1.0
        run = p.add_run(text)
        run.bold, run.italic = bold, italic
        run.font.size = Pt(8)
        if align_right:
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    for i, h in enumerate(table.header):
        c = t.rows[0].cells[i]
        put(c, h, bold=True, align_right=right[i])
        _borders(c, top=(12, RIJKS_BLUE), bottom=(8, RIJKS_BLUE))
    _row_flag(t.rows[0], "tblHeader")
    _row_flag(t.rows[0], "cantSplit")
    for row in table.rows:
        added = t.add_row()
        _row_flag(added, "cantSplit")
        cells = added.cells
        values = texts(table, row)
        if row.kind == "group":
            merged = cells[0].merge(cells[-1])
            put(merged, values[0], bold=True)
            _borders(merged, bottom=(4, GREY_LINE))
            continue
        for i, v in enumerate(values):
            put(cells[i], v, bold=row.kind == "total", italic=row.kind == "subtotal", align_right=right[i] and i > 0)
            _borders(cells[i], bottom=(4, GREY_LINE))
    for column, width in zip(t.columns, widths):
        column.width = width
        for cell in column.cells:
            cell.width = width
    for note in (table.source, *table.footnotes):
        p = doc.add_paragraph()
        r = p.add_run(note)
        r.font.size = Pt(8)


def render(tables: list[Table], path: Path, meta: Meta) -> None:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Pt, RGBColor

    doc = docx.Document()
    section = doc.sections[0]  # landscape A4: the tables are wide
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin = section.right_margin = Mm(15)
    blue = RGBColor.from_string(RIJKS_BLUE.lstrip("#"))
    styles = doc.styles
    styles["Normal"].font.name = "Calibri"
    styles["Normal"].font.size = Pt(10)
    for name in ("Title", "Caption"):
        styles[name].font.color.rgb = blue
    styles["Caption"].font.size = Pt(10)
    styles["Caption"].font.bold = True
    styles["Caption"].font.italic = False
    cp = doc.core_properties
    cp.title = meta.title
    cp.author = cp.last_modified_by = "CIO Rijk"
    cp.language = "nl-NL"
    cp.created = cp.modified = cp.last_printed = meta.dated.replace(tzinfo=None)
    cp.revision = 1
    doc.add_paragraph(meta.title, style="Title")
    doc.add_paragraph(f"Peildatum {fmt.long_date(meta.peildatum)}")
    if meta.colophon:
        doc.add_paragraph(meta.colophon)
    for table in tables:
        _table(doc, table)
    doc.save(str(path))
