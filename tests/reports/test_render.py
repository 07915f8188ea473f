import csv
import io
import re
import zipfile
from datetime import date
from decimal import Decimal

import pytest

from reports import ALL_FORMATS, write_kamerbrief
from reports.kamerbrief import renderer
from reports.model import Meta, ReportError, Row, Table

from .conftest import NASTY, TYPST

SCRIPT_TAG = "<script>alert(1)</script>"
HOSTILE = [NASTY, SCRIPT_TAG, "a | b # kop", TYPST, "\tTab", "-5 diensten", "@SUM(A1)", "+31 6"]


@pytest.fixture(scope="module")
def nasty_table():
    rows = [Row("group", ["Ministerie van <Test> & Co"])]
    rows += [Row("data", [name, 1234, 0.125, Decimal("1234567.40"), -3, -0.03]) for name in HOSTILE]
    rows += [Row("subtotal", ["Subtotaal", 10, None, Decimal(0), 0, None]), Row("total", ["Totaal", 1000000, 1.0, Decimal(5), 2, 0.01])]
    return Table(9, "test", "Test met | en <b>", "Bron: test; n = 1 van 2 organisaties", ["Organisatie", "Aantal", "Aandeel", "Kosten", "Verschil", "Verschil aandeel"],
                 rows, ["Voetnoot met *nadruk* en =1+1"], ["text", "count", "share", "euro", "delta_count", "delta_pp"])


META = Meta("Testdocument", date(2025, 9, 30), colophon="Gepubliceerd ondanks falende controles (--allow-failed-checks).")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, nasty_table):
    folder = tmp_path_factory.mktemp("render")
    out = {}
    for fmt_name in ALL_FORMATS:
        out[fmt_name] = folder / f"t.{fmt_name}"
        renderer(fmt_name)([nasty_table], out[fmt_name], META)
    return out


def test_csv_is_dutch_and_guards_formulas(rendered):
    raw = rendered["csv"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    data = {r[1]: r for r in rows if r and r[0] == "gegevens"}
    assert f"'{NASTY}" in data and "'-5 diensten" in data and "'@SUM(A1)" in data and "'+31 6" in data and "'\tTab" in data
    row = data[f"'{NASTY}"]
    assert row[2:] == ["1234", "12,5", "1234567,40", "-3", "-3,0"]  # numbers stay numbers, negative too
    assert any(r and r[0] == "Voetnoot met *nadruk* en =1+1" for r in rows)
    assert rows[0][3] == "Aandeel (%)"


def test_xlsx_numbers_are_numbers_and_text_is_text(rendered):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(rendered["xlsx"])
    assert wb.sheetnames == ["Tabel 9", "Toelichting"]
    ws = wb["Tabel 9"]
    values = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    r = values[NASTY]
    assert ws.cell(r, 1).data_type == "s"
    assert ws.cell(r, 2).value == 1234 and ws.cell(r, 3).value == pytest.approx(0.125) and ws.cell(r, 5).value == -3
    assert all(ws.cell(row, 1).data_type != "f" for row in range(1, ws.max_row + 1))
    assert wb.properties.created.date() == date(2025, 9, 30)
    notes = [c.value for c in wb["Toelichting"]["A"]]
    assert "Bron: test; n = 1 van 2 organisaties" in notes and META.colophon in notes


def test_ods_typed_cells_and_toelichting(rendered):
    from odf import teletype
    from odf.opendocument import load
    from odf.table import Table as OTable
    from odf.table import TableCell

    doc = load(str(rendered["ods"]))
    sheets = doc.spreadsheet.getElementsByType(OTable)
    assert [s.getAttribute("name") for s in sheets] == ["Tabel 9", "Toelichting"]
    cells = sheets[0].getElementsByType(TableCell)
    by_text = {teletype.extractText(c): c for c in cells}
    assert by_text[NASTY].getAttribute("valuetype") == "string"
    assert not any(c.getAttribute("formula") for c in cells)
    numbers = [c for c in cells if c.getAttribute("valuetype") == "float"]
    assert any(c.getAttribute("value") == "-3" for c in numbers)
    assert any(c.getAttribute("valuetype") == "percentage" and c.getAttribute("value") == "0.125" for c in cells)


def test_html_escapes_and_is_accessible(rendered):
    html = rendered["html"].read_text(encoding="utf-8")
    assert "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<caption>Tabel 9. Test met | en &lt;b&gt;</caption>" in html
    assert html.count('<th scope="col"') == 6 and '<th scope="row">' in html and 'scope="rowgroup"' in html
    assert '<html lang="nl">' in html and "http" not in html.replace('http-equiv', '')
    assert "€ 1.234.567" in html and "12,5%" in html and "\u22123,0 procentpunt" in html
    assert META.colophon in html.replace("&#x27;", "'")


def test_md_escapes_pipes_and_markup(rendered):
    md = rendered["md"].read_text(encoding="utf-8")
    line = next(l for l in md.splitlines() if "kop" in l)
    assert line.count("|") - line.count("\\|") == 7  # the 6 cell borders + 1 escaped pipe is not a border
    assert "a \\| b \\# kop" in line
    assert "\\<script\\>" in md and "\\*bold\\*" in md


def test_docx_opens_with_the_table(rendered):
    import docx

    d = docx.Document(str(rendered["docx"]))
    t = d.tables[0]
    assert [c.text for c in t.rows[0].cells] == ["Organisatie", "Aantal", "Aandeel", "Kosten", "Verschil", "Verschil aandeel"]
    texts = [r.cells[0].text for r in t.rows]
    assert NASTY in texts and SCRIPT_TAG in texts
    assert d.core_properties.created.date() == date(2025, 9, 30)
    xml = zipfile.ZipFile(rendered["docx"]).read("word/document.xml").decode()
    assert 'w:color="154273"' in xml and "w:tblHeader" in xml


def test_odt_opens_with_the_table(rendered):
    from odf import teletype
    from odf.opendocument import load
    from odf.table import Table as OTable
    from odf.table import TableCell

    doc = load(str(rendered["odt"]))
    tables = doc.text.getElementsByType(OTable)
    assert len(tables) == 1
    texts = [teletype.extractText(c) for c in tables[0].getElementsByType(TableCell)]
    assert NASTY in texts and TYPST in texts and "€ 1.234.567" in texts
    meta = zipfile.ZipFile(rendered["odt"]).read("meta.xml").decode()
    assert "2025-09-30T00:00:00" in meta


def test_pdf_is_pdfa_and_tagged(rendered):
    pdf = rendered["pdf"].read_bytes()
    assert pdf.startswith(b"%PDF")
    assert b"<pdfaid:part>2</pdfaid:part>" in pdf and b"<pdfaid:conformance>B</pdfaid:conformance>" in pdf
    assert b"StructTreeRoot" in pdf and b"/TH" in pdf and b"/Lang(nl-NL)" in pdf
    assert re.search(rb"2025-09-30", pdf)


def test_text_formats_are_byte_identical(tmp_path, nasty_table, rendered):
    for fmt_name in ("csv", "md", "html"):
        again = tmp_path / f"again.{fmt_name}"
        renderer(fmt_name)([nasty_table], again, META)
        assert again.read_bytes() == rendered[fmt_name].read_bytes()
    again = tmp_path / "again.pdf"
    renderer("pdf")([nasty_table], again, META)
    assert again.read_bytes() == rendered["pdf"].read_bytes()


def test_unknown_format_is_refused():
    with pytest.raises(ReportError, match="Onbekend formaat 'pptx'"):
        renderer("pptx")


def test_write_kamerbrief_writes_every_table_in_every_format(con, definitions_file, tmp_path, monkeypatch):
    import reports.tables

    monkeypatch.setattr(reports.tables, "DEFINITIONS", definitions_file)
    paths = write_kamerbrief(con, "2025-Q3", tmp_path, ["md", "csv", "html", "xlsx"], colophon="Let op.")
    names = sorted(p.name for p in paths)
    assert len(names) == 7 * 4 + 1 and "kamerbrief-tabellen.html" in names
    assert "tabel-1-materieel-public-cloudgebruik.csv" in names and "tabel-7-ontwikkeling-kerncijfers.md" in names
    assert all(p.parent == tmp_path / "kamerbrief" and p.stat().st_size > 0 for p in paths)
    first = {p.name: p.read_bytes() for p in paths if p.suffix in (".csv", ".md", ".html")}
    again = write_kamerbrief(con, "2025-Q3", tmp_path / "again", ["md", "csv", "html"], colophon="Let op.")
    assert {p.name: p.read_bytes() for p in again} == first


@pytest.mark.parametrize("fmt_name", ["odt", "ods", "docx", "xlsx"])
def test_zipped_formats_have_the_same_content_whatever_was_written_before(tmp_path, nasty_table, rendered, fmt_name):
    for other in ("ods", "odt", "xlsx", "docx"):  # a different history in this process than the fixture had
        renderer(other)([nasty_table], tmp_path / f"before.{other}", META)
    again = tmp_path / f"again.{fmt_name}"
    renderer(fmt_name)([nasty_table], again, META)
    first, second = zipfile.ZipFile(rendered[fmt_name]), zipfile.ZipFile(again)
    assert first.namelist() == second.namelist()
    assert all(first.read(n) == second.read(n) for n in first.namelist())


def test_odt_is_landscape_a4_with_a_wide_name_column(rendered):
    """The widest tables have 8 columns: portrait A4 wrapped their headers letter by letter."""
    z = zipfile.ZipFile(rendered["odt"])
    styles, content = z.read("styles.xml").decode(), z.read("content.xml").decode()
    layout = re.search(r"<style:page-layout-properties [^>]*>", styles).group(0)
    assert 'fo:page-width="29.7cm"' in layout and 'fo:page-height="21cm"' in layout and 'style:print-orientation="landscape"' in layout
    assert re.search(r'<style:master-page style:name="Standard" style:page-layout-name="Landscape"', styles)
    widths = [float(w) for w in re.findall(r'style:column-width="([\d.]+)cm"', content)]
    by_style = dict(zip(re.findall(r'<style:style style:name="(Col\d+)" style:family="table-column"', content), widths))
    columns = [by_style[name] for name in re.findall(r'<table:table-column table:style-name="(Col\d+)"', content)]
    assert len(columns) == 6 and columns[0] > columns[1] and sum(columns) == pytest.approx(26.7, abs=0.05)
    assert 'fo:keep-together="always"' in content  # a row is not split over two pages
    assert 'svg:font-family="Calibri"' in content or 'svg:font-family="Calibri"' in styles


def test_docx_rows_are_compact_and_the_name_column_wide(rendered):
    import docx

    d = docx.Document(str(rendered["docx"]))
    t = d.tables[0]
    cells = [c for r in t.rows for c in r.cells]
    assert all(c.paragraphs[0].paragraph_format.space_after == 0 for c in cells)
    widths = [c.width for c in t.rows[0].cells]
    assert widths[0] > widths[1] and abs(sum(widths) - docx.shared.Mm(267)) < docx.shared.Mm(1)
    xml = zipfile.ZipFile(rendered["docx"]).read("word/document.xml").decode()
    assert xml.count("w:cantSplit") == len(t.rows)


def test_html_prints_the_peildatum_once(tmp_path, nasty_table):
    path = tmp_path / "t.html"
    renderer("html")([nasty_table], path, Meta("Test", date(2025, 9, 30), None, "Peildatum 30 september 2025"))
    assert path.read_text(encoding="utf-8").count("Peildatum 30 september 2025") == 1
    renderer("html")([nasty_table], path, Meta("Test", date(2025, 9, 30), None, "Stand per 30 september 2025"))
    html = path.read_text(encoding="utf-8")
    assert "Stand per 30 september 2025" in html and html.count("Peildatum 30 september 2025") == 1


def test_ods_columns_are_wide_enough_to_read(rendered):
    content = zipfile.ZipFile(rendered["ods"]).read("content.xml").decode()
    assert re.search(r'style:name="NameCol".*?style:column-width="8.5cm"', content)
    assert '<table:table-column table:style-name="FigureCol" table:number-columns-repeated="5"/>' in content
    assert re.search(r'style:name="Head".*?fo:wrap-option="wrap"', content)
