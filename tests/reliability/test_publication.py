"""Publication safety: no formula injection in any csv/xlsx/ods written, no contact details
in any output (except the feedback that goes back to the sender) or in the warehouse, and
`wolkenkaart sql` refusing what tests/cli/test_sql.py does not cover yet."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import duckdb
import pytest
from click.testing import CliRunner

from wolkenkaart.cli import cli
from wolkenkaart.warehouse import contacts_path

REPO = Path(__file__).resolve().parents[2]
CONTACTS = REPO / "data" / "sample" / "contacts.txt"
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^[-+]?\s?(€\s?)?[\d.,]+\s?%?( ?(pp|procentpunt))?$")  # negative changes stay numbers
ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
SPREADSHEETS = (".csv", ".xlsx", ".ods")
# One hostile prefix per submitted text column that reaches a published table.
HOSTILE = {
    ("rpt_tabel_4_migraties", "service_name"): '=HYPERLINK("http://example.nl","klik")',
    ("rpt_tabel_4_migraties", "vendor"): "@SUM(A1:A9)",
    ("rpt_tabel_5_heroverwogen", "service_name"): "+31 6 12345678",
    ("rpt_tabel_5_heroverwogen", "vendor"): "-2+3",
    ("rpt_tabel_1_materieel", "org_name"): "\t=1+1",
    ("rpt_tabel_6_continuiteit", "ministry_name"): "=2+2",
    ("rpt_tabel_3_leveranciers", "concern"): "\r=cmd|' /C calc'!A0",
}


# ------------------------------------------------------------------ cell readers


def cells(path: Path) -> list[tuple[str, str]]:
    """(kind, text) of every cell: kind is 'formula' for a formula, else 'value'."""
    if path.suffix == ".csv":
        text = path.read_text(encoding="utf-8-sig")
        return [("value", c) for row in csv.reader(io.StringIO(text, newline=""), delimiter=";") for c in row]
    if path.suffix == ".xlsx":
        import openpyxl

        wb = openpyxl.load_workbook(path)
        return [("formula" if c.data_type == "f" else "value", "" if c.value is None else str(c.value))
                for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    root = ElementTree.fromstring(zipfile.ZipFile(path).read("content.xml"))
    return [("formula" if cell.get(f"{ODS_TABLE}formula") else "value", "".join(cell.itertext()))
            for cell in root.iter(f"{ODS_TABLE}table-cell")]


def injection_problems(paths: list[Path]) -> list[str]:
    problems = []
    for path in paths:
        for kind, text in cells(path):
            if kind == "formula":
                problems.append(f"{path.name}: formula cell {text!r}")
            elif path.suffix == ".csv" and text.startswith(DANGEROUS) and not NUMBER.match(text):
                problems.append(f"{path.name}: cell {text!r} would be evaluated")
    return problems


def spreadsheets(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in SPREADSHEETS)


# ------------------------------------------------------------------ formula injection


def test_no_formulas_in_any_sample_output(sample_batch):
    paths = [p for out in sample_batch["out"].values() for p in spreadsheets(out)]
    assert len(paths) >= 20
    assert injection_problems(paths) == []


@pytest.fixture(scope="module")
def hostile_outputs(sample_batch, tmp_path_factory):
    """The sample warehouse with hostile text in every submitted name that reaches a table and
    in the rejected values, rendered to csv/xlsx/ods plus the feedback files."""
    from reports import write_kamerbrief
    from reports.feedback import write_feedback

    root = tmp_path_factory.mktemp("hostile-outputs")
    wh = root / "warehouse.duckdb"
    shutil.copyfile(sample_batch["warehouse"], wh)
    period = sorted(sample_batch["out"])[-1]
    con = duckdb.connect(str(wh))
    try:
        for (table, column), text in HOSTILE.items():
            n = con.execute(f"select count(*) from marts.{table} where period = ? and {column} is not null",
                            [period]).fetchone()[0]
            assert n, f"marts.{table} has no {column} to make hostile"
            con.execute(f"update marts.{table} set {column} = ? || {column} where period = ?", [text, period])
        con.execute("update audit.rejected_rows set value = '=1+1' where value is not null")
        con.execute("update audit.warnings set value = '@SUM(1)' where value is not null")
        write_kamerbrief(con, period, root / "out", ["csv", "xlsx", "ods"])
        write_feedback(con, period, root / "out", {})
    finally:
        con.close()
    return spreadsheets(root / "out")


def test_hostile_text_is_written_as_text_never_as_formula(hostile_outputs):
    assert {p.suffix for p in hostile_outputs} == set(SPREADSHEETS)
    assert injection_problems(hostile_outputs) == []


@pytest.mark.parametrize("suffix", SPREADSHEETS)
def test_hostile_text_is_still_there_to_read(hostile_outputs, suffix):
    """The escaping keeps the text (as a string cell, or behind a quote in csv), it does not drop it."""
    texts = {t for p in hostile_outputs if p.suffix == suffix for _, t in cells(p)}
    for hostile in HOSTILE.values():
        visible = hostile.strip()
        assert any(visible in t for t in texts), f"{hostile!r} not found in any {suffix}"


# ------------------------------------------------------------------ contact details


def contact_strings() -> list[str]:
    return [line.strip() for line in CONTACTS.read_text(encoding="utf-8").splitlines() if line.strip()]


def readable_text(path: Path) -> str:
    if path.suffix in (".csv", ".md", ".html", ".json", ".txt", ".svg"):
        return path.read_text(encoding="utf-8", errors="replace")
    if path.suffix in (".xlsx", ".ods", ".odt", ".docx"):
        with zipfile.ZipFile(path) as zf:
            return "".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist() if n.endswith(".xml"))
    if path.suffix == ".pdf" and shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return ""


def test_no_contact_details_in_any_output_but_feedback(sample_batch):
    contacts = contact_strings()
    assert len(contacts) >= 10
    scanned, found = 0, []
    for out in sample_batch["out"].values():
        for path in sorted(p for p in out.rglob("*") if p.is_file() and "feedback" not in p.parts):
            text = readable_text(path)
            scanned += bool(text)
            found += [f"{path.name}: {c}" for c in contacts if c in text]
    assert scanned >= 20
    assert found == []


def test_no_contact_details_in_the_warehouse(sample_batch):
    """Not in marts, and not anywhere else in the warehouse either (only in the contacts file)."""
    contacts = contact_strings()
    wh = sample_batch["warehouse"]
    assert any(c in contacts_path(wh).read_text(encoding="utf-8") for c in contacts)  # they were read
    con = duckdb.connect(str(wh), read_only=True)
    try:
        tables = con.execute("select table_schema, table_name from information_schema.tables "
                             "where table_type = 'BASE TABLE'").fetchall()
        found = []
        for schema, table in tables:
            text = "\n".join(map(str, con.execute(f'select * from "{schema}"."{table}"').fetchall()))
            found += [f"{schema}.{table}: {c}" for c in contacts if c in text]
    finally:
        con.close()
    assert found == []


# ------------------------------------------------------------------ wolkenkaart sql


@pytest.fixture()
def published(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create schema marts; create table marts.org_metrics as select 'UWV' org_code, 3 active_services")
    con.close()
    contacts_path(path).write_text('{"UWV": {"contact_name": "Geheim Persoon"}}', encoding="utf-8")
    dump = tmp_path / "dump"
    dump.mkdir()
    (dump / "schema.sql").write_text("GEHEIMSCHEMA select;", encoding="utf-8")
    (dump / "load.sql").write_text("", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "query",
    [
        "explain analyze insert into marts.org_metrics values ('X', 1)",
        "explain analyze copy (select 1) to 'leak.csv'",
        "force install httpfs",
        "install '{dir}/x.duckdb_extension'",
        "load '{dir}/x.duckdb_extension'",
        "select * from read_json_auto('{contacts}')",
        "select * from read_text('{contacts}')",
        "select * from '{contacts}'",
        "import database '{dir}/dump'",
        "checkpoint",
        "create temp table x as select 1",
    ],
)
def test_sql_refuses_more_than_reading(published, query, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    query = query.format(dir=tmp_path, contacts=contacts_path(published))
    res = CliRunner().invoke(cli, ["sql", "--warehouse", str(published), query])
    assert res.exit_code == 2, res.output
    assert len([line for line in res.output.splitlines() if line.strip()]) == 1, res.output
    assert "Geheim" not in res.output and "GEHEIM" not in res.output  # nothing of other files shown
    assert not list(tmp_path.glob("leak*"))
    con = duckdb.connect(str(published), read_only=True)
    assert con.execute("select count(*) from marts.org_metrics").fetchone()[0] == 1
    con.close()
