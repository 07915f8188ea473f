"""Hostile and broken files, all in ONE inbox with a valid one: each gets its own clear Dutch
message, the rest of the inbox is still processed, every row is accounted for, no traceback."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from ingest import schema
from ingest.load import ingest_inbox
from reliability.files import (
    CONTACT,
    HEADERS,
    accounting_problems,
    csv_bytes,
    encrypt_xlsx,
    lying_zip_bomb,
    random_bytes,
    valid_row,
    valid_rows,
    write_xlsx,
    zip_bomb,
)

PERIOD = "2025-Q3"
MAX_BYTES = 2**20  # 1 MiB: the huge sheet goes over it, everything else stays below
MAX_UNPACKED = 64 * 2**20  # the zip bomb declares 256 MiB
COL = {c.name: i for i, c in enumerate(schema.COLUMNS[schema.CURRENT_TEMPLATE])}
LONG = 32767  # the most characters an xlsx cell holds


@dataclass
class Case:
    """What one hostile file must produce: its status, a pattern its file message must match
    (rejected files), and for accepted files how many data rows it has."""

    status: str
    message: str | None = None
    rows_total: int | None = None


def _set(row: list, name: str, value) -> list:
    row = list(row)
    row[COL[name]] = value
    return row


def _formulas(wb, ws):
    name, status, cost = COL["service_name"], COL["status"], COL["annual_cost_eur"]
    ws.write_formula(1, name, '="Dienst "&"formule"', None, "Dienst formule")
    ws.write_formula(2, status, "=NA()", None, "#N/A")  # required field holds an error: row rejected
    ws.write_formula(3, cost, "=1/0", None, "#DIV/0!")  # optional field holds an error
    ws.write_formula(4, COL["remarks"], '=HYPERLINK("http://example.nl","klik")', None, "klik")


def _merged(wb, ws):
    ws.merge_range(1, COL["vendor_raw"], 3, COL["vendor_raw"], "Microsoft")  # rows 3, 4 lose their vendor


def _hidden(wb, ws):
    junk = wb.add_worksheet("Oud")
    junk.write_string(0, 0, "oude gegevens")
    junk.hide()
    ws.hide()
    wb.worksheets()[0].activate()


def _huge(path: Path) -> Path:
    """A real workbook with ~1.2 MiB of incompressible text (over MAX_BYTES)."""
    import xlsxwriter

    rnd = random.Random(7)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet(schema.SHEET_SERVICES)
    ws.write_row(0, 0, HEADERS)
    for r in range(1, 12000):
        ws.write_row(r, 0, _set(valid_row(r, "H"), "remarks", rnd.randbytes(48).hex()))
    wb.close()
    assert path.stat().st_size > MAX_BYTES
    return path


def _mixed_csv() -> bytes:
    """UTF-8 header and rows, one row in Windows-1252, and quoted newlines inside cells."""
    rows = valid_rows(3, "C")
    rows[0] = _set(rows[0], "service_name", "Dienst met\nregeleinde")
    rows[1] = _set(_set(rows[1], "remarks", 'toelichting; met "aanhalingstekens"\r\nen een tweede regel'),
                   "status", schema.STATUS.labels["ended"])  # 'Beëindigd' in UTF-8
    head = csv_bytes(rows[:2])
    cp1252_row = csv_bytes([_set(rows[2], "remarks", "café Privé")], encoding="cp1252").split(b"\r\n", 1)[1]
    return head + cp1252_row


def build_inbox(inbox: Path, scratch: Path) -> dict[str, Case]:
    inbox.mkdir()
    scratch.mkdir()
    cases: dict[str, Case] = {}

    def xlsx(name: str, org: str, rows: list, case: Case, hook=None) -> Path:
        cases[name] = case
        return write_xlsx(inbox / name, org, PERIOD, rows, hook=hook)

    xlsx("UWV_2025-Q3.xlsx", "UWV", valid_rows(5), Case("accepted", rows_total=5))
    # not a spreadsheet at all
    for name, seed in (("willekeurig.xlsx", 1), ("willekeurig.xls", 2), ("willekeurig.ods", 3)):
        random_bytes(inbox / name, 5000, seed)
        cases[name] = Case("rejected", r"geen echt|onleesbaar")
    (inbox / "leeg.xlsx").write_bytes(b"")
    cases["leeg.xlsx"] = Case("rejected", r"leeg")
    (inbox / "notitie.txt").write_text("geen spreadsheet", encoding="utf-8")
    cases["notitie.txt"] = Case("rejected", r"geen spreadsheet")
    # truncated: the first half of a real workbook
    whole = write_xlsx(scratch / "heel.xlsx", "SVB", PERIOD, valid_rows(40))
    (inbox / "afgekapt.xlsx").write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    cases["afgekapt.xlsx"] = Case("rejected", r"onleesbaar|geen echt|kapot")
    zip_bomb(inbox / "zipbom.xlsx")
    cases["zipbom.xlsx"] = Case("rejected", r"zipbom")
    _huge(inbox / "groot blad.xlsx")
    cases["groot blad.xlsx"] = Case("rejected", r"te groot")
    encrypt_xlsx(write_xlsx(scratch / "open.xlsx", "KVK", PERIOD, valid_rows(3)), inbox / "beveiligd.xlsx")
    cases["beveiligd.xlsx"] = Case("rejected", r"wachtwoord")
    # readable workbooks with nasty content: accepted, bad rows accounted for
    xlsx("formules.xlsx", "CBS", valid_rows(4, "F"), Case("accepted", rows_total=4), hook=_formulas)
    merged = [_set(r, "vendor_raw", "" if i in (1, 2) else r[COL["vendor_raw"]])  # as Excel stores a merge
              for i, r in enumerate(valid_rows(4, "M"))]
    xlsx("samengevoegd.xlsx", "RDW", merged, Case("accepted", rows_total=4), hook=_merged)
    xlsx("verborgen.xlsx", "DUO", valid_rows(3, "V"), Case("accepted", rows_total=3), hook=_hidden)
    long_rows = valid_rows(2, "L")
    long_rows[0] = _set(_set(long_rows[0], "service_name", "N" * LONG), "remarks", "é" * LONG)
    xlsx("lang.xlsx", "KADASTER", long_rows, Case("accepted", rows_total=2))
    ctrl = valid_rows(3, "R")
    ctrl[0] = _set(ctrl[0], "service_name", "\u202eDienst\u200f met \x01\x07\x1b stuurtekens\u2066")
    ctrl[1] = _set(ctrl[1], "status", "\u200f" + schema.STATUS.labels["in_use"])  # not a valid value
    ctrl[2] = _set(ctrl[2], "remarks", "\u0000nul\u0008backspace\ufeffbom")
    xlsx("stuurtekens.xlsx", "RWS", ctrl, Case("accepted", rows_total=3))
    # file names with spaces, unicode, '..' and leading dashes
    xlsx("-rf --help.xlsx", "IND", valid_rows(2, "D"), Case("accepted", rows_total=2))
    xlsx("Ünïcødé ✓ aanlevering 中文.xlsx", "CJIB", valid_rows(2, "U"), Case("accepted", rows_total=2))
    xlsx("RVO..aanlevering...xlsx", "RVO", valid_rows(2, "P"), Case("accepted", rows_total=2))
    (inbox / "-UWV_2025-Q3.csv").write_bytes(csv_bytes(valid_rows(2)))
    cases["-UWV_2025-Q3.csv"] = Case("rejected", r"Organisatiecode|naam")
    (inbox / "dienstenlijst 2025.csv").write_bytes(csv_bytes(valid_rows(3)))
    cases["dienstenlijst 2025.csv"] = Case("rejected", r"naam van een \.csv")
    # CSV with mixed encodings and quoted newlines
    (inbox / "NZA_2025-Q3.csv").write_bytes(_mixed_csv())
    cases["NZA_2025-Q3.csv"] = Case("accepted", rows_total=3)
    return cases


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    cases = build_inbox(root / "inbox", root / "scratch")
    con = duckdb.connect(str(root / "w.duckdb"))
    result = ingest_inbox(con, root / "inbox", PERIOD, "hostile-run", max_bytes=MAX_BYTES,
                          max_unpacked_bytes=MAX_UNPACKED, workers=2)
    yield cases, result, {f.file_name: f for f in result.files}, con
    con.close()


def test_every_file_has_an_outcome(hostile):
    cases, result, by_name, _ = hostile
    assert sorted(by_name) == sorted(cases)
    assert len(result.files) == len(cases)


def test_every_row_is_accounted_for(hostile):
    _, result, _, con = hostile
    assert accounting_problems(con, result.files) == []


def test_each_file_gets_its_own_outcome_and_message(hostile):
    cases, _, by_name, con = hostile
    problems = []
    for name, case in cases.items():
        got = by_name[name]
        if got.status != case.status:
            problems.append(f"{name}: {got.status} ({got.message}), expected {case.status}")
        elif case.status == "rejected":
            if not re.search(case.message, got.message) or not got.message.startswith(name):
                problems.append(f"{name}: unclear message {got.message!r}")
        elif got.rows_total != case.rows_total:
            problems.append(f"{name}: rows_total {got.rows_total}, expected {case.rows_total}")
        row_messages = [m for (m,) in con.execute(
            "select message from audit.rejected_rows where file_id = $1 union all "
            "select message from audit.warnings where file_id = $1", [got.file_id]).fetchall()]
        problems += [f"{name}: row message {m!r}" for m in row_messages if not m.startswith(name)]
    assert problems == []


def test_formula_and_error_cells(hostile):
    _, _, by_name, con = hostile
    f = by_name["formules.xlsx"]
    names = {r[0] for r in con.execute("select service_name from raw.service_rows where file_id = ?",
                                       [f.file_id]).fetchall()}
    assert "Dienst formule" in names  # the cached value, never the formula text
    assert not any(n.startswith("=") for n in names)
    assert f.rows_rejected >= 1  # #N/A in the required Status column
    status_rows = con.execute("select row_number from audit.rejected_rows where file_id = ? and \"column\" = ?",
                              [f.file_id, HEADERS[COL["status"]]]).fetchall()
    assert status_rows == [(3,)]


def test_merged_cells_only_fill_the_first_row(hostile):
    _, _, by_name, con = hostile
    f = by_name["samengevoegd.xlsx"]
    assert (f.rows_accepted, f.rows_rejected) == (2, 2)
    rows = sorted(r for (r,) in con.execute("select distinct row_number from audit.rejected_rows where file_id = ?",
                                            [f.file_id]).fetchall())
    assert rows == [3, 4]


def test_long_text_is_kept_whole(hostile):
    _, _, by_name, con = hostile
    f = by_name["lang.xlsx"]
    lengths = con.execute("select max(length(service_name)), max(length(remarks)) from raw.service_rows "
                          "where file_id = ?", [f.file_id]).fetchone()
    assert lengths == (LONG, LONG)


def test_control_characters_do_not_break_the_row_count(hostile):
    _, _, by_name, con = hostile
    f = by_name["stuurtekens.xlsx"]
    assert f.rows_rejected == 1 and f.rows_accepted == 2
    (value,) = con.execute("select value from audit.rejected_rows where file_id = ?", [f.file_id]).fetchone()
    assert "\u200f" in value  # the value as written, so the sender can find it


def test_mixed_encoding_csv_keeps_quoted_newlines_in_one_record(hostile):
    _, _, by_name, con = hostile
    f = by_name["NZA_2025-Q3.csv"]
    assert f.rows_total == 3 and f.rows_accepted >= 2
    rows = con.execute("select row_number, cells from raw.raw_rows where file_id = ? order by row_number",
                       [f.file_id]).fetchall()
    assert [r for r, _ in rows] == [1, 2, 3, 4]  # one record per row despite the newlines inside quotes
    assert rows[1][1][COL["service_name"]] == "Dienst met\nregeleinde"
    assert rows[3][1][COL["remarks"]] == "café Privé"  # the file is read as Windows-1252 as a whole


def test_contacts_never_reach_the_warehouse(hostile):
    _, result, _, con = hostile
    assert result.contacts["UWV"]["contact_email"] == CONTACT[1]  # read, and handed to the CLI
    for schema_name, table in con.execute("select table_schema, table_name from information_schema.tables").fetchall():
        text = str(con.execute(f"select * from {schema_name}.{table}").fetchall())
        assert CONTACT[0] not in text and CONTACT[1] not in text, f"{schema_name}.{table}"


def test_error_cells_are_kept_as_written_and_reported(hostile):
    """#N/A and #DIV/0! are not empty cells: the raw layer keeps what the sheet shows, the
    required Status cell is rejected with the error as its value, and the optional amount is
    blanked with a warning (an unreadable amount, spec 'Value blanked with a warning')."""
    _, _, by_name, con = hostile
    f = by_name["formules.xlsx"]
    cells = {r: c for r, c in con.execute(
        "select row_number, cells from raw.raw_rows where file_id = ? and sheet = ?",
        [f.file_id, schema.SHEET_SERVICES]).fetchall()}
    assert cells[3][COL["status"]] == "#N/A"
    assert cells[4][COL["annual_cost_eur"]] == "#DIV/0!"
    (value,) = con.execute("select value from audit.rejected_rows where file_id = ? and row_number = 3",
                           [f.file_id]).fetchone()
    assert value == "#N/A"
    warned = con.execute(
        "select count(*) from audit.warnings where file_id = ? and row_number = 4 and \"column\" = ?",
        [f.file_id, HEADERS[COL["annual_cost_eur"]]]).fetchone()[0]
    assert warned == 1


def test_zip_bomb_that_lies_about_its_size_is_rejected(tmp_path):
    """The headers say 4 kB, the sheet inflates to 16 MiB, over the 8 MiB limit: the guard must
    not trust the zip headers (calamine inflates the whole member, ~1 byte of memory per byte;
    300 MiB of padding measured: read in 6.5 s, 318 MB peak memory, 3 rows accepted)."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    lying_zip_bomb(inbox / "SVB_2025-Q3.xlsx", actual=16 * 2**20)
    assert (inbox / "SVB_2025-Q3.xlsx").stat().st_size < MAX_BYTES
    con = duckdb.connect()
    (outcome,) = ingest_inbox(con, inbox, PERIOD, "bomb", max_bytes=MAX_BYTES, max_unpacked_bytes=8 * 2**20).files
    assert outcome.status == "rejected"
    assert re.search(r"zipbom|onleesbaar|kapot", outcome.message), outcome.message


def test_file_that_cannot_be_opened_does_not_stop_the_inbox(tmp_path):
    """A dangling symlink — like a file removed or renamed between listing the inbox and reading
    it (a sender replacing a file during the batch): that file gets a message, the rest goes on."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_xlsx(inbox / "UWV_2025-Q3.xlsx", "UWV", PERIOD, valid_rows(2))
    (inbox / "SVB_2025-Q3.xlsx").symlink_to(tmp_path / "weg.xlsx")
    con = duckdb.connect()
    result = ingest_inbox(con, inbox, PERIOD, "gone")
    by_name = {f.file_name: f for f in result.files}
    assert by_name["UWV_2025-Q3.xlsx"].status == "accepted"
    gone = by_name.get("SVB_2025-Q3.xlsx")
    assert gone is None or (gone.status == "rejected" and gone.message.startswith("SVB_2025-Q3.xlsx"))
    assert accounting_problems(con, result.files) == []
