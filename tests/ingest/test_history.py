"""Resubmission, duplicates, conflicts, file ids, contacts, the raw layer and accounting."""

from __future__ import annotations

import shutil

import pytest

from ingest_files import HEADERS, org_sheet, run, service, table, workbook, write_book, write_csv


def statuses(con):
    return [(r["file_id"], r["file_name"], r["status"], r["run_id"]) for r in
            table(con, "select * from audit.files order by file_id")]


def test_resubmission_duplicates_and_monotonic_ids(con, tmp_path):
    first, second, third = (tmp_path / n for n in ("r1", "r2", "r3"))
    for d in (first, second, third):
        d.mkdir()
    write_book(first / "UWV_2025-Q3.xlsx", workbook([service(1)]))
    write_book(first / "SVB_2025-Q3.xlsx", workbook([service(1)], org=org_sheet("SVB")))
    run(con, first, run_id="a")
    write_book(second / "UWV_2025-Q3_v2.xlsx", workbook([service(1), service(2)]))
    shutil.copy(first / "SVB_2025-Q3.xlsx", second / "SVB kopie.xlsx")
    run(con, second, run_id="b")
    shutil.copy(first / "UWV_2025-Q3.xlsx", third / "UWV_2025-Q3.xlsx")  # the old version comes back
    result = run(con, third, run_id="c")
    assert statuses(con) == [(1, "SVB_2025-Q3.xlsx", "accepted", "a"), (2, "UWV_2025-Q3.xlsx", "accepted", "a"),
                             (3, "SVB kopie.xlsx", "duplicate", "b"), (4, "UWV_2025-Q3_v2.xlsx", "accepted", "b"),
                             (5, "UWV_2025-Q3.xlsx", "duplicate", "c")]
    dup = result.files[0]
    assert dup.org_code == "UWV" and "UWV_2025-Q3.xlsx" in dup.message and "nr. 2" in dup.message
    current = table(con, """select org_code, count(*) n from raw.service_rows
                            where file_id in (select max(file_id) from audit.files where status = 'accepted'
                                              group by org_code, period) group by org_code order by org_code""")
    assert current == [{"org_code": "SVB", "n": 1}, {"org_code": "UWV", "n": 2}]
    assert table(con, "select count(*) n from raw.raw_rows where file_id in (3, 5)")[0]["n"] == 0
    assert table(con, "select count(*) n from raw.service_rows where file_id = 2")[0]["n"] == 1  # old one kept


def test_same_bytes_twice_in_one_inbox(con, inbox):
    path = write_book(inbox / "a.xlsx", workbook([service(1)]))
    shutil.copy(path, inbox / "b.xlsx")
    files = run(con, inbox).files
    assert [(f.status, f.org_code) for f in files] == [("accepted", "UWV"), ("duplicate", "UWV")]
    assert "'a.xlsx' (nr. 1)" in files[1].message


def test_different_files_same_org_and_period_all_rejected(con, inbox):
    write_book(inbox / "a.xlsx", workbook([service(1)]))
    write_csv(inbox / "UWV_2025-Q3.csv", [HEADERS, service(2)])
    write_book(inbox / "c.xlsx", workbook([service(1)], org=org_sheet("SVB")))
    files = {f.file_name: f for f in run(con, inbox).files}
    assert files["a.xlsx"].status == files["UWV_2025-Q3.csv"].status == "rejected"
    assert "meerdere verschillende bestanden voor UWV 2025-Q3" in files["a.xlsx"].message
    assert "UWV_2025-Q3.csv" in files["a.xlsx"].message
    assert files["c.xlsx"].status == "accepted"
    assert table(con, "select distinct org_code from raw.service_rows") == [{"org_code": "SVB"}]


def test_conflicting_file_sent_again_alone_is_read(con, tmp_path):
    """Two files for one organisation: both rejected. Sending one of them again, unchanged,
    alone, is accepted — its rejection depended on the other file, not on its bytes."""
    first, second = tmp_path / "r1", tmp_path / "r2"
    first.mkdir(), second.mkdir()
    write_book(first / "UWV_2025-Q3.xlsx", workbook([service(1)]))
    write_book(first / "UWV_2025-Q3_correctie.xlsx", workbook([service(1), service(2)]))
    run(con, first, run_id="a")
    shutil.copy(first / "UWV_2025-Q3_correctie.xlsx", second / "UWV_2025-Q3_correctie.xlsx")
    run(con, second, run_id="b")
    assert [(s[1], s[2]) for s in statuses(con)] == [
        ("UWV_2025-Q3.xlsx", "rejected"), ("UWV_2025-Q3_correctie.xlsx", "rejected"),
        ("UWV_2025-Q3_correctie.xlsx", "accepted")]
    run(con, second, run_id="c")  # and once accepted, the same bytes again are a duplicate
    assert statuses(con)[-1][2] == "duplicate"


def test_deterministic_ids_in_sorted_name_order(tmp_path):
    import duckdb

    inbox = tmp_path / "in"
    inbox.mkdir()
    for i, org in enumerate(["UWV", "SVB", "CBS", "RDW"]):
        write_book(inbox / f"{org}.xlsx", workbook([service(i)], org=org_sheet(org)))
    ids = []
    for workers in (1, 4):
        con = duckdb.connect()
        run(con, inbox, workers=workers)
        ids.append(table(con, "select file_id, file_name, sha256 from audit.files order by file_id"))
    assert ids[0] == ids[1] and [r["file_name"] for r in ids[0]] == ["CBS.xlsx", "RDW.xlsx", "SVB.xlsx", "UWV.xlsx"]


def test_contacts_returned_never_stored(con, inbox):
    write_book(inbox / "a.xlsx", workbook([service(1)]))
    write_book(inbox / "b.xlsx", workbook([service(1, Status="Actief")], org=org_sheet("SVB")))
    result = run(con, inbox)
    assert set(result.contacts) == {"UWV"}
    assert result.contacts["UWV"]["contact_name"] == "Jan Jansen"
    assert result.contacts["UWV"]["contact_email"] == "jan@uwv.nl" and result.contacts["UWV"]["file_name"] == "a.xlsx"
    for t in ("raw.raw_rows", "audit.warnings", "audit.rejected_rows", "audit.files", "raw.service_rows"):
        dump = str(table(con, f"select * from {t}"))
        assert "jan@uwv.nl" not in dump and "Jan Jansen" not in dump
    org_rows = table(con, "select cells from raw.raw_rows where sheet = 'Organisatie' and file_id = 1")
    assert ["E-mail", ""] in [r["cells"] for r in org_rows]


@pytest.mark.parametrize("suffix", [".xlsx", ".ods", ".xls", ".csv"])
def test_accounting_on_sample_like_files(con, inbox, suffix):
    """rows_total = accepted + rejected + skipped, and every data row is in exactly one place."""
    rows = [service(1), [], service(2, Status="Actief"), service(3, Leverancier=None, Servicemodel="XaaS"),
            ["Total"], service(4, **{"Dienst-ID": "D1"}), service(5, Ingangsdatum="nooit"), []]
    name = f"UWV_2025-Q3{suffix}"
    if suffix == ".csv":
        write_csv(inbox / name, [HEADERS, *rows])
    else:
        write_book(inbox / name, workbook(rows))
    write_book(inbox / "z_bad.xlsx", workbook([service(1, Status="Actief")], org=org_sheet("SVB")))
    (inbox / "z_kapot.xlsx").write_bytes(b"PK\x03\x04kapot")
    for f in run(con, inbox).files:
        assert f.rows_total == f.rows_accepted + f.rows_rejected + f.rows_skipped, f.file_name
    files = table(con, "select * from audit.files order by file_id")
    for r in files:
        n_rej = table(con, f"select count(distinct row_number) n from audit.rejected_rows where file_id = {r['file_id']}")
        assert n_rej[0]["n"] == r["rows_rejected"]
        n_ok = table(con, f"select count(*) n from raw.service_rows where file_id = {r['file_id']}")[0]["n"]
        assert n_ok == (r["rows_accepted"] if r["status"] == "accepted" else 0)
    main = files[0]
    assert (main["rows_total"], main["rows_accepted"], main["rows_rejected"], main["rows_skipped"]) == (7, 1, 4, 2)


def test_failed_write_leaves_no_rows_at_all(con, tmp_path, monkeypatch):
    """Rows are appended file by file, but in one transaction: a failure at the end (audit.files)
    leaves none of them behind."""
    import ingest.load

    inbox = tmp_path / "in"
    inbox.mkdir()
    write_book(inbox / "UWV_2025-Q3.xlsx", workbook([service(1)]))
    write_book(inbox / "SVB_2025-Q3.xlsx", workbook([service(1)], org=org_sheet("SVB")))

    def broken(*_a, **_k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ingest.load, "_write_files", broken)
    with pytest.raises(RuntimeError):
        run(con, inbox, run_id="a")
    for t in ("raw.raw_rows", "audit.warnings", "audit.rejected_rows", "audit.files", "raw.service_rows"):
        assert table(con, f"select count(*) n from {t}")[0]["n"] == 0, t
    monkeypatch.undo()
    run(con, inbox, run_id="b")  # and the connection is usable again
    assert table(con, "select count(*) n from raw.service_rows")[0]["n"] == 2


def test_rows_written_in_batches_equal_one_batch(tmp_path, monkeypatch):
    """The writer appends the files' rows in batches of FLUSH_ROWS rows: any batch size gives
    the same tables, rows in file_id order (conflicting files' service rows removed)."""
    import duckdb

    import ingest.load

    inbox = tmp_path / "in"
    inbox.mkdir()
    write_book(inbox / "UWV_2025-Q3.xlsx", workbook([service(1), service(2)]))
    write_book(inbox / "UWV_2025-Q3_v2.xlsx", workbook([service(1)]))  # conflicts with the one above
    write_book(inbox / "SVB_2025-Q3.xlsx", workbook([service(1), service(2, Status="Kapot")], org=org_sheet("SVB")))
    write_csv(inbox / "RVO_2025-Q3.csv", [HEADERS, service(1), service(3, Leverancier="Onbekend BV")])
    tables = ("raw.raw_rows", "audit.warnings", "audit.rejected_rows", "raw.service_rows")
    dumps = []
    for flush_rows in (1, 10**9):
        monkeypatch.setattr(ingest.load, "FLUSH_ROWS", flush_rows)
        con = duckdb.connect()
        run(con, inbox, run_id="a")
        dumps.append({t: con.execute(f"select * from {t}").fetchall() for t in tables})
        dumps[-1]["order"] = [r[0] for r in con.execute("select file_id from raw.raw_rows").fetchall()]
        dumps[-1]["services"] = con.execute("select distinct org_code from raw.service_rows order by 1").fetchall()
        con.close()
    assert dumps[0] == dumps[1]
    assert all(dumps[0][t] for t in tables)
    assert dumps[0]["order"] == sorted(dumps[0]["order"]) and len(set(dumps[0]["order"])) == 4
    assert dumps[0]["services"] == [("RVO",), ("SVB",)]
