"""The row rules run over batches of files at once (`ingest.load.BATCH_ROWS` body rows): any
batch size gives exactly what checking file by file gives."""

from __future__ import annotations

import duckdb
import pytest

from ingest_files import (GOOD_2024, HEADERS, HEADERS_2024, org_sheet, run, service, workbook, write_book,
                          write_csv)

TABLES = ("audit.files", "raw.raw_rows", "audit.warnings", "audit.rejected_rows", "raw.service_rows")


def _inbox(inbox):
    """Files of every shape the row rules treat per file: versions, header rows, column names."""
    # header below row 1, an unknown column, a total row, an empty row, a duplicate Dienst-ID, a bad Status
    rows = [[*service(1), "x"], [*service(2, Status="Kapot"), None], [*service(3), None], [*service(3), None],
            [None] * (len(HEADERS) + 1), ["Totaal", *[None] * len(HEADERS)]]
    write_book(inbox / "UWV_2025-Q3.xlsx", {"Organisatie": org_sheet("UWV"),
                                            "Clouddiensten": [["Uitvraag clouddiensten"], [*HEADERS, "Extra"], *rows]})
    # template 2024.1, the same Dienst-IDs as above (another file: no duplicate)
    write_book(inbox / "SVB_2025-Q3.xlsx", workbook(
        [service(1, headers=HEADERS_2024, base=GOOD_2024), service(3, headers=HEADERS_2024, base=GOOD_2024,
                                                                   Status="Gepland", Ingangsdatum=None)],
        headers=HEADERS_2024, org=org_sheet("SVB")))
    # csv with headers written differently, warnings (unknown vendor, ambiguous amount)
    headers = [h.upper() for h in HEADERS]
    write_csv(inbox / "RVO_2025-Q3.csv", [headers, service(1, Leverancier="Onbekend BV"),
                                          service(2, **{"Jaarlijkse kosten (EUR)": "12,500"})])
    # every row rejected: the file is rejected, its records kept
    write_book(inbox / "DUO_2025-Q3.xlsx", workbook([service(1, Status=None), service(1)], org=org_sheet("DUO")))
    # another period: rejected before its rows are checked
    write_book(inbox / "KVK_2025-Q2.xlsx", workbook([service(1)], org=org_sheet("KVK", "30-6-2025")))
    # file-level warnings (unknown template version, name mismatch), a 2024.1 header in a 2025.1 sheet
    write_book(inbox / "XYZ_2025-Q3.xlsx", workbook([service(5, Landen="Atlantis")],
                                                    org=org_sheet("IND", Templateversie="2099.9")))
    write_book(inbox / "BD_2025-Q3.ods", workbook([service(1), service(2, Verwerkingslocatie="Mars")],
                                                  org=org_sheet("BD")))
    # a nil return (header, no rows): accepted with 0 rows
    write_book(inbox / "RDW_2025-Q3.xlsx", workbook([], org=org_sheet("RDW")))
    # no header row: rejected while reading
    write_book(inbox / "CBS_2025-Q3.xlsx", workbook([service(1)], headers=["a", "b"], org=org_sheet("CBS")))


def _dump(inbox, monkeypatch, batch_rows, lookahead_bytes=4 * 2**20, workers=None):
    import ingest.load

    monkeypatch.setattr(ingest.load, "BATCH_ROWS", batch_rows)
    monkeypatch.setattr(ingest.load, "LOOKAHEAD_BYTES", lookahead_bytes)
    con = duckdb.connect()
    try:
        result = run(con, inbox, run_id="a", workers=workers)
        out = {t: con.execute(f"select * exclude (received_at) from {t} order by rowid" if t == "audit.files"
                              else f"select * from {t} order by rowid").fetchall() for t in TABLES}
    finally:
        con.close()
    out["contacts"] = {k: {kk: vv for kk, vv in v.items() if kk != "received_at"} for k, v in result.contacts.items()}
    return out


def test_any_batch_size_equals_file_by_file(inbox, monkeypatch):
    _inbox(inbox)
    by_file = _dump(inbox, monkeypatch, 1)
    for batch_rows in (5, 10**9):
        assert _dump(inbox, monkeypatch, batch_rows) == by_file
    # reading ahead of the checks by as little as possible, with one or more workers
    assert _dump(inbox, monkeypatch, 5, lookahead_bytes=0, workers=1) == by_file
    assert _dump(inbox, monkeypatch, 10**9, lookahead_bytes=0, workers=3) == by_file
    status = {r[1]: r[9] for r in by_file["audit.files"]}
    assert status == {"BD_2025-Q3.ods": "accepted", "CBS_2025-Q3.xlsx": "rejected", "DUO_2025-Q3.xlsx": "rejected",
                      "KVK_2025-Q2.xlsx": "rejected", "RDW_2025-Q3.xlsx": "accepted", "RVO_2025-Q3.csv": "accepted", "SVB_2025-Q3.xlsx": "accepted",
                      "UWV_2025-Q3.xlsx": "accepted", "XYZ_2025-Q3.xlsx": "accepted"}
    codes = {(r[0], r[5]) for r in by_file["audit.warnings"]}
    files = {r[1]: r[0] for r in by_file["audit.files"]}
    for name, code in [("UWV_2025-Q3.xlsx", "header_below_row_1"), ("UWV_2025-Q3.xlsx", "unknown_column"),
                       ("UWV_2025-Q3.xlsx", "row_skipped_total"), ("RVO_2025-Q3.csv", "unknown_vendor"),
                       ("RVO_2025-Q3.csv", "ambiguous_amount"), ("XYZ_2025-Q3.xlsx", "file_name_mismatch"),
                       ("XYZ_2025-Q3.xlsx", "unknown_template_version"), ("XYZ_2025-Q3.xlsx", "unknown_country"),
                       ("SVB_2025-Q3.xlsx", "planned_without_start_date")]:
        assert (files[name], code) in codes, (name, code)
    rejected = {(r[0], r[5]) for r in by_file["audit.rejected_rows"]}
    assert (files["UWV_2025-Q3.xlsx"], "duplicate_service_id") in rejected
    assert (files["SVB_2025-Q3.xlsx"], "duplicate_service_id") not in rejected
    assert (files["BD_2025-Q3.ods"], "invalid_value") in rejected
    # each file's records are in its own order, the files in file_id order
    for t in ("audit.warnings", "audit.rejected_rows", "raw.service_rows", "raw.raw_rows"):
        ids = [r[0] for r in by_file[t]]
        assert ids == sorted(ids), t


@pytest.mark.parametrize("batch_rows", [1, 10**9])
def test_unexpected_error_in_one_file_rejects_only_that_file(inbox, monkeypatch, batch_rows):
    """Should the row rules fail on one file of a batch, the batch is checked file by file: that
    file is rejected as unreadable, the others are as without it."""
    import ingest.load
    import ingest.rows

    _inbox(inbox)
    clean = _dump(inbox, monkeypatch, batch_rows)

    def failing(preps, refs):
        if any(p.file_name == "SVB_2025-Q3.xlsx" for p in preps):
            raise RuntimeError("kapot")
        return ingest.rows.validate_batch(preps, refs)

    monkeypatch.setattr(ingest.load, "validate_batch", failing)
    broken = _dump(inbox, monkeypatch, batch_rows)
    svb = next(r for r in broken["audit.files"] if r[1] == "SVB_2025-Q3.xlsx")
    assert svb[9] == "rejected" and svb[10] == "SVB_2025-Q3.xlsx: onleesbaar bestand (RuntimeError: kapot); " \
                                                 "lever de uitvraag opnieuw aan als .xlsx"
    assert (svb[11], svb[12]) == (0, 0)
    for t in ("audit.warnings", "audit.rejected_rows", "raw.service_rows"):
        assert broken[t] == [r for r in clean[t] if r[0] != svb[0]], t
    assert broken["raw.raw_rows"] == clean["raw.raw_rows"]  # the raw layer keeps the file
    assert [r for r in broken["audit.files"] if r[0] != svb[0]] == [r for r in clean["audit.files"] if r[0] != svb[0]]


def test_failure_while_reading_ahead_leaves_nothing(inbox, monkeypatch):
    """An error while files are still being read (here: the first insert) ends the ingest with
    that error; the transaction is rolled back and the connection stays usable."""
    import ingest.load

    _inbox(inbox)
    monkeypatch.setattr(ingest.load, "BATCH_ROWS", 1)
    monkeypatch.setattr(ingest.load, "FLUSH_ROWS", 1)
    monkeypatch.setattr(ingest.load, "LOOKAHEAD_BYTES", 0)

    def broken(*_a, **_k):
        raise RuntimeError("disk full")

    con = duckdb.connect()
    monkeypatch.setattr(ingest.load, "_insert", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        run(con, inbox, run_id="a", workers=1)
    for t in TABLES:
        assert con.execute(f"select count(*) from {t}").fetchone()[0] == 0, t
    monkeypatch.undo()
    run(con, inbox, run_id="b")
    assert con.execute("select count(*) from audit.files").fetchone()[0] == 9


def test_failed_insert_after_written_batches_rolls_all_back(inbox, monkeypatch):
    """The inserts run on their own thread, batch after batch: when a later one fails, the
    batches already written are rolled back with it and the error reaches the caller."""
    import ingest.load

    _inbox(inbox)
    monkeypatch.setattr(ingest.load, "BATCH_ROWS", 1)
    monkeypatch.setattr(ingest.load, "FLUSH_ROWS", 1)
    real, calls = ingest.load._insert, []

    def third_fails(con, table, frame):
        calls.append(table)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        real(con, table, frame)

    con = duckdb.connect()
    monkeypatch.setattr(ingest.load, "_insert", third_fails)
    with pytest.raises(RuntimeError, match="disk full"):
        run(con, inbox, run_id="a")
    assert len(calls) == 3
    for t in TABLES:
        assert con.execute(f"select count(*) from {t}").fetchone()[0] == 0, t


def test_validate_services_is_one_file_batch(inbox):
    """The one-sheet entry point gives the batch result of that file, without file_id."""
    from ingest.read import open_book
    from ingest.rows import load_refs, prepare_services, validate_batch, validate_services

    path = write_book(inbox / "UWV_2025-Q3.xlsx", workbook([service(1), service(2, Status="Kapot"), service(3)]))
    sheet = open_book(path).sheet("Clouddiensten")
    one = validate_services(sheet, path.name, None, load_refs())
    batch = validate_batch([prepare_services(sheet, path.name, None, file_id=7)], load_refs())
    assert (one.rows_total, one.rows_accepted, one.rows_rejected, one.rows_skipped) == (3, 2, 1, 0)
    assert one.template_version == batch.counts[7].template_version == "2025.1"
    assert "file_id" not in one.services.columns and "file_id" not in one.rejected.columns
    assert one.services.equals(batch.services.drop("file_id"))
    assert one.rejected.equals(batch.rejected.drop("file_id"))
    assert one.warnings.equals(batch.warnings.drop("file_id"))
