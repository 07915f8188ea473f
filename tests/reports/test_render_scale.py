"""The national-size paths of the renderers: body rows written as text (docx, odt, ods), large
PDFs typeset in a child process, PDFs written on a second thread. Each must give the same
document as the element-by-element way it replaces."""

import re
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from reports import write_kamerbrief
from reports.kamerbrief import renderer
from reports.model import Meta, Row, Table

from .conftest import NASTY, TYPST

META = Meta("Schaal", date(2025, 9, 30))


@pytest.fixture(scope="module")
def table():
    rows = [Row("group", ["Ministerie van <Test> & Co"])]
    rows += [Row("data", [name, 1, 0.5, Decimal("12.40"), -3]) for name in (NASTY, TYPST, "\tTab", "a\nb\r\nc", " spatie ", "")]
    rows += [Row("subtotal", ["Subtotaal", 10, None, Decimal(0), 0]), Row("total", ["Totaal", 100, 1.0, Decimal(5), 2])]
    return Table(8, "schaal", "Schaal", "Bron: test", ["Organisatie", "Aantal", "Aandeel", "Kosten", "Verschil"], rows, ["Noot"],
                 ["text", "count", "share", "euro", "delta_count"])


def _docx_by_python_docx(table: Table, path) -> None:
    """The body rows the way python-docx writes them, cell by cell (the renderer before it wrote text)."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    from reports.render import GREY_LINE, column_widths, texts
    from reports.render.docx import TEXT_WIDTH_MM, _borders, _row_flag

    doc = docx.Document()
    t = doc.add_table(rows=0, cols=len(table.header))
    right = [k not in ("text", "date") for k in table.column_kinds]

    def put(cell, text, bold=False, italic=False, align_right=False):
        p = cell.paragraphs[0]
        p.paragraph_format.space_after = p.paragraph_format.space_before = Pt(0)
        p.paragraph_format.line_spacing = 1.0
        run = p.add_run(text)
        run.bold, run.italic = bold, italic
        run.font.size = Pt(8)
        if align_right:
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    for row in table.rows:
        added = t.add_row()
        _row_flag(added, "cantSplit")
        cells, values = added.cells, texts(table, row)
        if row.kind == "group":
            merged = cells[0].merge(cells[-1])
            put(merged, values[0], bold=True)
            _borders(merged, bottom=(4, GREY_LINE))
            continue
        for i, v in enumerate(values):
            put(cells[i], v, bold=row.kind == "total", italic=row.kind == "subtotal", align_right=right[i] and i > 0)
            _borders(cells[i], bottom=(4, GREY_LINE))
    for column, width in zip(t.columns, [Mm(w) for w in column_widths(table, TEXT_WIDTH_MM)]):
        column.width = width
        for cell in column.cells:
            cell.width = width
    doc.save(str(path))


def _rows(xml: str) -> list[str]:
    return re.findall(r"<w:tr>(?:(?!<w:tblHeader).)*?</w:tr>", xml)


def test_docx_body_rows_are_the_xml_python_docx_writes(tmp_path, table):
    _docx_by_python_docx(table, tmp_path / "ref.docx")
    renderer("docx")([table], tmp_path / "t.docx", META)
    ref = zipfile.ZipFile(tmp_path / "ref.docx").read("word/document.xml").decode()
    new = zipfile.ZipFile(tmp_path / "t.docx").read("word/document.xml").decode()
    assert _rows(new) == _rows(ref) and len(_rows(new)) == len(table.rows)
    assert "wolkenkaart-body-rows" not in new


def test_docx_body_rows_read_back(tmp_path, table):
    import docx

    renderer("docx")([table, table], tmp_path / "t.docx", META)  # two tables: two placeholders
    d = docx.Document(str(tmp_path / "t.docx"))
    assert len(d.tables) == 2
    for t in d.tables:
        names = [r.cells[0].text for r in t.rows]
        assert NASTY in names and "\tTab" in names and "a\nb\n\nc" in names and " spatie " in names
        total = t.rows[-1].cells[1].paragraphs[0].runs[0]
        assert total.bold and not total.italic
        assert t.rows[-2].cells[0].paragraphs[0].runs[0].italic


def test_docx_refuses_text_that_is_not_xml(tmp_path, table):
    bad = Table(8, "x", "X", "Bron", ["A", "B"], [Row("data", ["a\x01b", "c"])], [], ["text", "text"])
    with pytest.raises(ValueError):
        renderer("docx")([bad], tmp_path / "t.docx", META)


def test_odf_writes_the_styles_only_the_body_rows_use(tmp_path, table):
    renderer("odt")([table], tmp_path / "t.odt", META)
    content = zipfile.ZipFile(tmp_path / "t.odt").read("content.xml").decode()
    for name in ("BodyCell", "CellText", "CellNum", "CellItal", "CellItalNum", "CellBold", "CellBoldNum"):
        assert f'style:name="{name}"' in content
    assert '<text:p text:style-name="CellText"/>' in content  # an empty cell, as odfpy writes it
    renderer("ods")([table], tmp_path / "t.ods", META)
    assert 'style:name="PctCell"' in zipfile.ZipFile(tmp_path / "t.ods").read("content.xml").decode()
    no_share = Table(8, "x", "X", "Bron", ["A", "B"], [Row("data", ["a", 1])], [], ["text", "count"])
    renderer("ods")([no_share], tmp_path / "n.ods", META)
    assert 'style:name="PctCell"' not in zipfile.ZipFile(tmp_path / "n.ods").read("content.xml").decode()


def test_pdf_from_a_child_process_is_the_same(tmp_path, table, monkeypatch):
    import reports.render.pdf as pdf

    renderer("pdf")([table], tmp_path / "here.pdf", META)
    monkeypatch.setattr(pdf, "SEPARATE_PROCESS_ROWS", 1)
    renderer("pdf")([table], tmp_path / "apart.pdf", META)
    assert (tmp_path / "apart.pdf").read_bytes() == (tmp_path / "here.pdf").read_bytes()


def test_pdf_child_process_errors_are_typst_errors(tmp_path, monkeypatch):
    import typst

    import reports.render.pdf as pdf

    monkeypatch.setattr(pdf, "SEPARATE_PROCESS_ROWS", 0)
    with pytest.raises(typst.TypstError):
        pdf.compile_pdf(tmp_path / "x.pdf", META, "#kbtable(", {})
    assert not (tmp_path / "x.pdf").exists()


def test_write_kamerbrief_keeps_the_format_order_with_pdf_in_the_background(con, definitions_file, tmp_path, monkeypatch):
    import reports.tables

    monkeypatch.setattr(reports.tables, "DEFINITIONS", definitions_file)
    paths = write_kamerbrief(con, "2025-Q3", tmp_path, ["md", "pdf", "csv"])
    suffixes = [p.suffix for p in paths]
    assert suffixes == [".md"] * 7 + [".pdf"] * 8 + [".csv"] * 7
    assert paths[7].name == "tabel-1-materieel-public-cloudgebruik.pdf" and paths[14].name == "kamerbrief-tabellen.pdf"
    assert all(p.stat().st_size > 0 for p in paths)


def test_pdf_documents_written_in_parallel_are_the_ones_written_one_by_one(tmp_path, table):
    from reports.kamerbrief import _write_format, write_tables

    small = Table(9, "klein", "Klein", "Bron: test", ["Organisatie", "Aantal"], [Row("data", ["a", 1])], [], ["text", "count"])
    meta = Meta("Schaal", date(2025, 9, 30), "Colofon", "Peildatum", {"period_label": "3e kwartaal 2025"})
    (tmp_path / "a").mkdir()
    one_by_one = _write_format("pdf", [table, small], tmp_path / "a", meta)
    paths = write_tables([table, small], tmp_path / "b", ["csv", "pdf", "md"], meta)
    assert [p.name for p in paths if p.suffix == ".pdf"] == [p.name for p in one_by_one]
    for p in one_by_one:
        assert (tmp_path / "b" / p.name).read_bytes() == p.read_bytes()


def test_background_jobs_start_with_the_largest_document(table):
    from reports.kamerbrief import _background_jobs, _documents
    from reports.render import pdf

    small = Table(9, "klein", "Klein", "Bron: test", ["Organisatie", "Aantal"], [Row("data", ["a", 1])], [], ["text", "count"])
    docs = _documents("pdf", [small, table], Path("/nonexistent"), META)
    jobs = _background_jobs("pdf", docs)
    assert [args[1].name for _, args in jobs] == ["kamerbrief-tabellen.pdf", "tabel-8-schaal.pdf", "tabel-9-klein.pdf"]
    assert all(fn is pdf.render_data for fn, _ in jobs)
    combined, own = jobs[0][1][0], jobs[1][1][0]
    assert combined[1] is own[0]  # one table's typst data, shared by its own document and the combined one


def test_a_failing_pdf_document_fails_the_write_and_the_others_still_finish(tmp_path, table, monkeypatch):
    import typst

    from reports.kamerbrief import write_tables
    from reports.render import pdf

    real = pdf.compile_pdf

    def compile_pdf(path, meta, body, data):
        if path.name.startswith("kamerbrief-tabellen"):
            return real(path, meta, "#kbtable(", data)  # bad markup: a typst error
        return real(path, meta, body, data)

    monkeypatch.setattr(pdf, "compile_pdf", compile_pdf)
    with pytest.raises(typst.TypstError):
        write_tables([table], tmp_path, ["pdf", "md"], META)
    assert (tmp_path / "tabel-8-schaal.md").exists() and (tmp_path / "tabel-8-schaal.pdf").exists()
    assert not (tmp_path / "kamerbrief-tabellen.pdf").exists()


def test_a_failing_format_on_this_thread_fails_the_write(tmp_path, table, monkeypatch):
    from reports.kamerbrief import write_tables
    from reports.render import md

    def broken(tables, path, meta):
        raise ValueError("kapot")

    monkeypatch.setattr(md, "render", broken)
    with pytest.raises(ValueError, match="kapot"):
        write_tables([table], tmp_path, ["pdf", "md"], META)

