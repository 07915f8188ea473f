"""Word (python-docx), after the Rijkshuisstijl: lintblauw header rule, bold header row, thin grey
row lines, no zebra stripes. Document dates are the peildatum."""

from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import escape

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


# The body rows are written as WordprocessingML text, one row at a time, and put into
# word/document.xml when it is written (`_splice`): the same XML python-docx writes for
# `add_row()` + `add_run()` + borders + widths (direct run/paragraph formatting, as before),
# without its per-cell xpath inserts (≈ 3 ms a cell) and without a DOM of every cell.
_SPACING = '<w:spacing w:after="0" w:before="0" w:line="240" w:lineRule="auto"/>'
_P_LEFT = f"<w:pPr>{_SPACING}</w:pPr>"
_P_RIGHT = f'<w:pPr>{_SPACING}<w:jc w:val="right"/></w:pPr>'
_GREY_BOTTOM = f'<w:tcBorders><w:bottom w:val="single" w:sz="4" w:color="{GREY_LINE.lstrip("#")}"/></w:tcBorders>'
_RPR = {
    "data": '<w:rPr><w:b w:val="0"/><w:i w:val="0"/><w:sz w:val="16"/></w:rPr>',
    "subtotal": '<w:rPr><w:b w:val="0"/><w:i/><w:sz w:val="16"/></w:rPr>',
    "total": '<w:rPr><w:b/><w:i w:val="0"/><w:sz w:val="16"/></w:rPr>',
    "group": '<w:rPr><w:b/><w:i w:val="0"/><w:sz w:val="16"/></w:rPr>',
}
_SPECIAL = re.compile(r"[\t\r\n]")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _t(text: str) -> str:
    if not text:
        return ""
    space = ' xml:space="preserve"' if len(text.strip()) < len(text) else ""
    return f"<w:t{space}>{escape(text)}</w:t>"


def run_content(text: str) -> str:
    """python-docx's run text: a tab as <w:tab/>, a line break as <w:br/>, the rest in <w:t>."""
    if _NOT_XML.search(text):
        raise ValueError("All strings must be XML compatible: Unicode or ASCII, no NULL bytes or control characters")
    if not _SPECIAL.search(text):
        return _t(text)
    out = []
    for part in re.split(r"([\t\r\n])", text):
        out.append("<w:tab/>" if part == "\t" else "<w:br/>" if part in ("\r", "\n") else _t(part))
    return "".join(out)


def body_xml(table: Table, tc_widths: list[str]) -> str:
    right = [k not in ("text", "date") for k in table.column_kinds]
    n = len(table.header)
    starts = [f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{w}"/>{_GREY_BOTTOM}</w:tcPr><w:p>' for w in tc_widths]
    group_start = (f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{tc_widths[-1]}"/><w:gridSpan w:val="{n}"/>{_GREY_BOTTOM}'
                   f"</w:tcPr><w:p>{_P_LEFT}<w:r>{_RPR['group']}")
    ppr = [_P_RIGHT if right[i] and i > 0 else _P_LEFT for i in range(n)]
    out = []
    for row in table.rows:
        values = texts(table, row)
        out.append('<w:tr><w:trPr><w:cantSplit w:val="true"/></w:trPr>')
        if row.kind == "group":
            out.append(f"{group_start}{run_content(values[0])}</w:r></w:p></w:tc></w:tr>")
            continue
        rpr = _RPR[row.kind]
        for i, v in enumerate(values):
            out.append(f"{starts[i]}{ppr[i]}<w:r>{rpr}{run_content(v)}</w:r></w:p></w:tc>")
        out.append("</w:tr>")
    return "".join(out)


TEXT_WIDTH_MM = 267  # landscape A4 less 2 x 15 mm margin


def _table(doc, table: Table, bodies: list[str]) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt
    from lxml import etree

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
    for column, width in zip(t.columns, widths):
        column.width = width
        for cell in column.cells:  # the header row only: the body rows are written with their widths
            cell.width = width
    tc_widths = [tc.tcPr.tcW.get(qn("w:w")) for tc in t.rows[0]._tr.tc_lst]
    if table.rows:  # a placeholder, replaced by the rows when the document is written (see `_splice`)
        t._tbl.append(etree.Comment(f"{_MARK}{len(bodies)}"))
        bodies.append(body_xml(table, tc_widths))
    for note in (table.source, *table.footnotes):
        p = doc.add_paragraph()
        r = p.add_run(note)
        r.font.size = Pt(8)


_MARK = "wolkenkaart-body-rows-"


def _splice(doc, bodies: list[str]) -> None:
    """Write the body rows into word/document.xml as text when the document is saved, instead of
    holding them as a DOM (≈ 1 GB for the 40,000 rows of the combined document)."""
    if not bodies:
        return
    part = doc.part

    class _Spliced(type(part)):
        @property
        def blob(self):
            pieces = re.split(rf"<!--{_MARK}(\d+)-->".encode(), super().blob)
            pieces[1::2] = [bodies[int(i)].encode("utf-8") for i in pieces[1::2]]
            return b"".join(pieces)

    part.__class__ = _Spliced


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
    bodies: list[str] = []
    for table in tables:
        _table(doc, table, bodies)
    _splice(doc, bodies)
    doc.save(str(path))
