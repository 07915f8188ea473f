"""Readers: row numbers as a spreadsheet shows them, numeric cells known, CSV dialects."""

from __future__ import annotations

import datetime as dt

import pytest

from ingest.read import ROW, FileRejected, check_container, open_book, sniff_separator
from ingest_files import write_book, write_csv

LIMITS = (50 * 2**20, 500 * 2**20)


@pytest.mark.parametrize("suffix", [".xlsx", ".ods", ".xls"])
def test_used_range_starting_at_row_3_column_c_keeps_spreadsheet_row_numbers(tmp_path, suffix):
    rows = [[], [], [None, None, "kop", "bedrag"], [None, None, "a", 12500.125], [],
            [None, None, "b", "12.500"], [None, None, None, None]]
    path = write_book(tmp_path / f"x{suffix}", {"Clouddiensten": rows})
    sheet = open_book(path).sheet("  clouddiensten ")
    frame = sheet.frame
    by_row = {r[ROW]: [v for k, v in r.items() if k != ROW and v not in (None, "")] for r in frame.to_dicts()}
    assert by_row[3] == ["kop", "bedrag"]
    assert by_row[4] == ["a", "12500.125"]
    assert by_row[5] == []
    assert by_row[6] == ["b", "12.500"]
    assert frame[ROW].max() == 6  # trailing empty rows are no rows
    amount_col = next(i for i, c in enumerate(sheet.cell_columns) if frame[c].to_list()[3] == "12500.125")
    numeric = dict(zip(frame[ROW], sheet.numeric(amount_col)))
    assert numeric[4] is True and numeric[6] is False and numeric[3] is False


@pytest.mark.parametrize("suffix", [".xlsx", ".ods"])
def test_date_cell_is_read_as_iso_text(tmp_path, suffix):
    path = write_book(tmp_path / f"x{suffix}", {"S": [["d"], [dt.date(2025, 7, 1)]]})
    assert open_book(path).sheet("S").frame["c0"].to_list()[1].startswith("2025-07-01")


def test_missing_sheet_is_none(tmp_path):
    path = write_book(tmp_path / "x.xlsx", {"Andere": [["a"]]})
    assert open_book(path).sheet("Clouddiensten") is None


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("sep", [";", ",", "\t"])
def test_csv_encodings_and_separators(tmp_path, encoding, sep):
    path = write_csv(tmp_path / "UWV_2025-Q3.csv", [["Naam", "Status"], ["Privé, één", "Beëindigd"]],
                     sep=sep, encoding=encoding)
    frame = open_book(path).sheet("Clouddiensten").frame
    assert frame.row(0)[1:] == ("Naam", "Status")  # no BOM left on the first header
    assert frame.row(1)[1:] == ("Privé, één", "Beëindigd")


def test_csv_record_numbers_count_empty_lines_and_quoted_newlines(tmp_path):
    path = tmp_path / "UWV_2025-Q3.csv"
    path.write_text('a;b\n1;2\n\n"x\ny";3\n;\n4;5\n\n\n', encoding="utf-8")
    frame = open_book(path).sheet("Clouddiensten").frame
    rows = {r[0]: r[1:] for r in frame.rows()}
    assert rows[2] == ("1", "2")
    assert rows[3] == (None, None)
    assert rows[4] == ("x\ny", "3")  # one record although two lines
    assert rows[6] == ("4", "5")
    assert frame[ROW].max() == 6


def test_csv_cells_are_never_numeric(tmp_path):
    path = write_csv(tmp_path / "UWV_2025-Q3.csv", [["a"], ["12.500"]])
    sheet = open_book(path).sheet("Clouddiensten")
    assert sheet.numeric(0).to_list() == [False, False]


@pytest.mark.parametrize(("line", "sep"), [("a;b;c", ";"), ("a,b,c", ","), ("a\tb\tc", "\t"),
                                           ('"x;y",b,c', ","), ("a;b,c;d", ";")])
def test_sniff_separator(line, sep):
    assert sniff_separator(line + "\n1;2;3") == sep


@pytest.mark.parametrize(("name", "content", "fragment"), [
    ("a.xlsx", b"", "leeg"),
    ("a.docx", b"PK\x03\x04rest", "geen spreadsheet"),
    ("a.pdf", b"%PDF-1.4", "geen spreadsheet"),
    ("a.txt", b"tekst", "geen spreadsheet"),
    ("a.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "beveiligd met een wachtwoord"),
    ("a.xlsx", b"<html>geen excel</html>", "geen echt .xlsx-bestand"),
    ("a.xls", b"PK\x03\x04" + b"\0" * 30, "geen echt .xls-bestand"),
    ("A_2025-Q3.csv", b"PK\x03\x04" + b"\0" * 30, "geen echt .csv-bestand"),
    ("a.ods", b"PK\x03\x04 kapot", "onleesbaar"),
])
def test_container_rejections(tmp_path, name, content, fragment):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(FileRejected, match=fragment) as info:
        check_container(path, *LIMITS)
    assert str(info.value).startswith(name + ":")


def test_too_large_and_zip_bomb(tmp_path):
    import zipfile

    path = write_book(tmp_path / "a.xlsx", {"S": [["x"]]})
    with pytest.raises(FileRejected, match="te groot"):
        check_container(path, path.stat().st_size - 1, LIMITS[1])
    check_container(path, *LIMITS)  # the same file within the limits is fine
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<x/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 2**20))
    with pytest.raises(FileRejected, match="zipbom"):
        check_container(bomb, *LIMITS)  # ratio guard
    with pytest.raises(FileRejected, match="zipbom"):
        check_container(path, LIMITS[0], 10)  # declared unpacked size


def test_encrypted_ods_is_password_protected(tmp_path):
    import zipfile

    path = tmp_path / "a.ods"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<x/>")
        zf.writestr("META-INF/manifest.xml", "<manifest:encryption-data/>")
    with pytest.raises(FileRejected, match="wachtwoord"):
        check_container(path, *LIMITS)


def test_real_encrypted_xlsx(tmp_path):
    msoffcrypto = pytest.importorskip("msoffcrypto")
    plain = write_book(tmp_path / "plain.xlsx", {"S": [["x"]]})
    enc = tmp_path / "geheim.xlsx"
    with plain.open("rb") as src, enc.open("wb") as dst:
        office = msoffcrypto.OfficeFile(src)
        office.encrypt("wachtwoord", dst)
    with pytest.raises(FileRejected, match="beveiligd met een wachtwoord"):
        check_container(enc, *LIMITS)
