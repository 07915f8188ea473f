"""Fuzzing the ingest with mutated valid submissions (hypothesis).

The invariant, for any input: the file ends `accepted` with every data row accounted for
(rows_total = accepted + rejected + skipped, matching raw.service_rows and the distinct rows
in audit.rejected_rows), or it is rejected as a whole with a one-line message naming it.
Never an exception.
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest import schema
from ingest.load import ingest_inbox
from ingest.tables import ensure_tables
from reliability.files import HEADERS, accounting_problems, csv_bytes, valid_rows, write_xlsx

PERIOD = "2025-Q3"
N_ROWS = 6
EXAMPLES = 50
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# Cell values: valid labels of every coded column, dates/amounts in odd forms, spreadsheet
# noise, and arbitrary text (control characters, right-to-left marks, emoji, …).
LABELS = sorted({text for col in schema.COLUMNS[schema.CURRENT_TEMPLATE] if col.codes
                 for inputs in col.codes.synonyms.values() for text in inputs})
ODD = ["", " ", "\u00a0", "Totaal", "Total", "n.t.b.", "-5", "12,500", "€ 12.500,-", "1e308", "NaN",
       "#N/A", "=1+1", "+31", "@SUM(A1)", "2025-02-30", "31-12-9999", "Q5 2026", "x" * 5000,
       "\u202eIn gebruik", "BBN4", "S-0001", "s-0002 "]
CELL = st.one_of(st.sampled_from(LABELS), st.sampled_from(ODD), st.text(max_size=40))
EDIT = st.tuples(st.integers(0, N_ROWS - 1), st.integers(0, len(HEADERS) - 1), CELL)


TABLES = ("audit.files", "audit.rejected_rows", "audit.warnings", "raw.raw_rows", "raw.service_rows")
_con = []


def empty_warehouse():
    """One in-memory warehouse for the whole module, emptied before every example."""
    if not _con:
        _con.append(duckdb.connect())
        ensure_tables(_con[0])
    for table in TABLES:
        _con[0].execute(f"delete from {table}")
    return _con[0]


def ingest_one(name: str, data: bytes | None, writer=None):
    """Ingest one file in a fresh inbox and an empty warehouse; return (outcome, problems)."""
    with tempfile.TemporaryDirectory() as tmp:
        inbox = Path(tmp) / "inbox"
        inbox.mkdir()
        path = inbox / name
        if writer is not None:
            writer(path)
        else:
            path.write_bytes(data)
        con = empty_warehouse()
        result = ingest_inbox(con, inbox, PERIOD, "fuzz", workers=1)
        assert len(result.files) == 1
        return result.files[0], accounting_problems(con, result.files)


def _has_content(row: list[str]) -> bool:
    return any(any(ch.isalnum() for ch in str(v)) for v in row)


@FUZZ
@given(kind=st.sampled_from(["xlsx", "csv;", "csv,", "csv\t", "csv-cp1252"]), edits=st.lists(EDIT, max_size=25))
def test_mutated_cells(kind, edits):
    rows = valid_rows(N_ROWS, "Z")
    for r, c, value in edits:
        rows[r][c] = value
    if kind == "xlsx":
        outcome, problems = ingest_one("fuzz.xlsx", None, lambda p: write_xlsx(p, "UWV", PERIOD, rows))
    else:
        sep = {"csv;": ";", "csv,": ",", "csv\t": "\t"}.get(kind, ";")
        encoding = "utf-8"
        if kind == "csv-cp1252":
            try:
                csv_bytes(rows, encoding="cp1252")
                encoding = "cp1252"
            except UnicodeEncodeError:
                encoding = "utf-8-sig"
        outcome, problems = ingest_one("UWV_2025-Q3.csv", csv_bytes(rows, sep=sep, encoding=encoding))
    assert problems == []
    assert outcome.status in ("accepted", "rejected")
    if outcome.status == "accepted":  # every written row with content is a data row; none invented
        last = max((i + 1 for i, row in enumerate(rows) if _has_content(row)), default=0)
        assert last <= outcome.rows_total <= N_ROWS


def _valid_files() -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as tmp:
        xlsx = write_xlsx(Path(tmp) / "f.xlsx", "UWV", PERIOD, valid_rows(N_ROWS, "B"))
        return {"UWV_2025-Q3.xlsx": xlsx.read_bytes(), "UWV_2025-Q3.csv": csv_bytes(valid_rows(N_ROWS, "B"))}


VALID = _valid_files()
MUTATION = st.tuples(st.sampled_from(["flip", "delete", "insert", "truncate", "zero"]),
                     st.floats(0, 1, exclude_max=True), st.integers(1, 64), st.integers(0, 2**32 - 1))


def mutate(data: bytes, mutations) -> bytes:
    buf = bytearray(data)
    for op, where, size, seed in mutations:
        if not buf:
            break
        pos = int(where * len(buf))
        rnd = random.Random(seed)
        if op == "flip":
            for i in range(pos, min(pos + size, len(buf))):
                buf[i] ^= 1 << rnd.randrange(8)
        elif op == "delete":
            del buf[pos:pos + size]
        elif op == "insert":
            buf[pos:pos] = rnd.randbytes(size)
        elif op == "truncate":
            del buf[pos:]
        else:
            buf[pos:pos + size] = bytes(len(buf[pos:pos + size]))
    return bytes(buf)


@FUZZ
@given(name=st.sampled_from(sorted(VALID)), mutations=st.lists(MUTATION, min_size=1, max_size=4))
def test_mutated_bytes(name, mutations):
    outcome, problems = ingest_one(name, mutate(VALID[name], mutations))
    assert problems == []
    assert outcome.status in ("accepted", "rejected")
    assert outcome.rows_total <= N_ROWS + 64 * 4  # no rows invented beyond what bytes can hold


@pytest.mark.parametrize("name", sorted(VALID))
def test_unmutated_files_are_accepted_whole(name):
    """The fuzz starting points are valid: all rows accepted (else the invariant proves little)."""
    outcome, problems = ingest_one(name, VALID[name])
    assert problems == []
    assert (outcome.status, outcome.rows_total, outcome.rows_accepted) == ("accepted", N_ROWS, N_ROWS)
