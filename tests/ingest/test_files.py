"""Whole-file outcomes through ingest_inbox: rejections, warnings at file level, never a traceback."""

from __future__ import annotations

import pytest

from ingest_files import (GOOD_2024, HEADERS, HEADERS_2024, org_sheet, run, service, table, workbook,
                          write_book, write_csv)


def one(con, inbox, **kw):
    result = run(con, inbox, **kw)
    assert len(result.files) == 1
    return result.files[0]


@pytest.mark.parametrize("suffix", [".xlsx", ".ods", ".xls"])
def test_good_workbook_every_format(con, inbox, suffix):
    write_book(inbox / f"UWV_2025-Q3{suffix}", workbook([service(1), service(2)]))
    f = one(con, inbox)
    assert (f.status, f.org_code, f.period, f.rows_accepted, f.message) == ("accepted", "UWV", "2025-Q3", 2, None)
    rows = table(con, "select * from raw.service_rows order by row_number")
    assert [r["annual_cost_eur"] for r in rows] == [12500, 12500]
    assert rows[0]["countries"] == ["IE"] and rows[0]["status"] == "in_use" and rows[0]["bbn"] == 2


def test_good_csv(con, inbox):
    write_csv(inbox / "uwv_2025-q3.csv", [HEADERS, service(1, **{"Jaarlijkse kosten (EUR)": "12.500,50"})], encoding="cp1252")
    f = one(con, inbox)
    assert (f.status, f.org_code, f.period, f.rows_accepted) == ("accepted", "UWV", "2025-Q3", 1)
    assert table(con, "select annual_cost_eur from raw.service_rows")[0]["annual_cost_eur"] == 12500.5


@pytest.mark.parametrize("name", ["UWV.csv", "UWV_2025-Q5.csv", "UWV-2025-Q3.csv", "clouddiensten.csv"])
def test_csv_name_must_name_org_and_period(con, inbox, name):
    write_csv(inbox / name, [HEADERS, service(1)])
    f = one(con, inbox)
    assert f.status == "rejected" and "<ORGANISATIECODE>_<JJJJ>-Q<n>.csv" in f.message
    assert table(con, "select count(*) n from raw.raw_rows")[0]["n"] == 2  # read, so kept raw


def test_csv_with_unknown_org_code_names_the_file_name(con, inbox):
    write_csv(inbox / "XYZ_2025-Q3.csv", [HEADERS, service(1)])
    f = one(con, inbox)
    assert f.status == "rejected"
    assert "Organisatiecode 'XYZ'" in f.message and "bestandsnaam" in f.message
    assert "blad Organisatie" not in f.message


@pytest.mark.parametrize(("sheets", "fragment"), [
    ({"Organisatie": org_sheet()}, "blad 'Clouddiensten' ontbreekt"),
    ({"Clouddiensten": [HEADERS, service(1)]}, "blad 'Organisatie' ontbreekt"),
    (workbook([service(1)], org=org_sheet(org=None)), "Organisatiecode ontbreekt"),
    (workbook([service(1)], org=org_sheet(org="XYZ")), "Organisatiecode 'XYZ' is onbekend"),
    (workbook([service(1)], org=org_sheet(peildatum="binnenkort")), "Peildatum 'binnenkort' is onleesbaar"),
    (workbook([service(1)], org=org_sheet(peildatum="binnenkort", Periode="2025-Q3")), "Peildatum 'binnenkort' is onleesbaar"),
    (workbook([service(1)], org=org_sheet(peildatum=None)), "Periode en Peildatum ontbreken"),
    (workbook([service(1)], org=org_sheet(Periode="2025-Q9")), "Periode '2025-Q9' is onleesbaar"),
    (workbook([service(1)], org=org_sheet(peildatum="30-6-2025")), "gaat over 2025-Q2"),
    (workbook([service(1)], org=org_sheet(Periode="2025-Q4")), "gaat over 2025-Q4"),
    (workbook([service(1, Status="Actief"), service(2, Servicemodel="")]), "alle 2 rijen"),
])
def test_whole_file_rejections(con, inbox, sheets, fragment):
    write_book(inbox / "aanlevering.xlsx", sheets)
    f = one(con, inbox)
    assert f.status == "rejected"
    assert fragment in f.message and f.message.startswith("aanlevering.xlsx")
    assert table(con, "select count(*) n from raw.service_rows")[0]["n"] == 0
    assert table(con, "select count(*) n from raw.raw_rows")[0]["n"] > 0


def test_missing_headers_are_named(con, inbox):
    headers = [h for h in HEADERS if h not in ("Status", "BBN-niveau")]
    write_book(inbox / "x.xlsx", workbook([], headers=headers))
    f = one(con, inbox)
    assert f.status == "rejected"
    assert "'BBN-niveau', 'Status'" in f.message and "dichtstbij op rij 1" in f.message


def test_all_rows_rejected_keeps_rejected_rows(con, inbox):
    write_book(inbox / "x.xlsx", workbook([service(1, Status="Actief")]))
    f = one(con, inbox)
    assert (f.status, f.rows_rejected) == ("rejected", 1)
    assert table(con, "select code from audit.rejected_rows") == [{"code": "invalid_value"}]


def test_nil_return_is_accepted(con, inbox):
    write_book(inbox / "x.xlsx", workbook([]))
    f = one(con, inbox)
    assert (f.status, f.rows_total, f.rows_accepted) == ("accepted", 0, 0)


def test_periode_wins_and_peildatum_inside_quarter(con, inbox):
    write_book(inbox / "x.xlsx", workbook([service(1)], org=org_sheet(peildatum="15 augustus 2025")))
    f = one(con, inbox)
    assert (f.status, f.period, str(f.peildatum)) == ("accepted", "2025-Q3", "2025-09-30")


def test_organisatie_sheet_with_real_date_cell_and_unknown_template_version(con, inbox):
    import datetime as dt

    org = [["Organisatie:", "UWV"], ["  organisatiecode ", "uwv"], ["Peildatum", dt.date(2025, 7, 1)],
           ["Templateversie", "2023.9"]]
    write_book(inbox / "x.xlsx", workbook([service(1)], org=org))
    f = one(con, inbox)
    assert (f.status, f.org_code, f.period, f.template_version) == ("accepted", "UWV", "2025-Q3", "2025.1")
    assert [r["code"] for r in table(con, "select code from audit.warnings")] == ["unknown_template_version"]


def test_empty_services_sheet_is_rejected(con, inbox):
    write_book(inbox / "x.xlsx", {"Organisatie": org_sheet(), "Clouddiensten": []})
    f = one(con, inbox)
    assert f.status == "rejected" and "geen kopregel" in f.message and "'Dienst-ID'" in f.message


def test_template_2024_detected_and_converted(con, inbox):
    write_book(inbox / "x.xlsx", workbook([service(1, headers=HEADERS_2024, base=GOOD_2024)], headers=HEADERS_2024))
    f = one(con, inbox)
    assert (f.status, f.template_version) == ("accepted", "2024.1")
    row = table(con, "select * from raw.service_rows")[0]
    assert (row["process"], row["location_declared"], row["template_version"]) == ("primary", "eea", "2024.1")
    assert [row[c] for c in ("provider_raw", "countries", "countries_unknown", "reconsidered", "annual_cost_eur")] \
        == [None] * 5


def test_templateversie_is_authoritative(con, inbox):
    rows = workbook([service(1, headers=HEADERS_2024, base=GOOD_2024)], headers=HEADERS_2024,
                    org=org_sheet(Templateversie="2025.1"))
    write_book(inbox / "x.xlsx", rows)
    f = one(con, inbox)
    assert f.status == "rejected" and "'Naam dienst'" in f.message


def test_file_name_naming_other_org_warns(con, inbox):
    write_book(inbox / "SVB_2025-Q2_v2.xlsx", workbook([service(1)]))
    f = one(con, inbox)
    assert f.status == "accepted" and f.org_code == "UWV"
    w = table(con, "select * from audit.warnings where code = 'file_name_mismatch'")
    assert len(w) == 1 and "SVB 2025-Q2" in w[0]["message"] and w[0]["row_number"] is None


def test_free_file_name_gives_no_warning(con, inbox):
    write_book(inbox / "cloud diensten uwv.xlsx", workbook([service(1)]))
    one(con, inbox)
    assert table(con, "select count(*) n from audit.warnings")[0]["n"] == 0


def test_bad_files_never_stop_the_inbox(con, inbox):
    (inbox / "brief.docx").write_bytes(b"PK\x03\x04 not really")
    (inbox / "kapot.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    (inbox / "leeg.ods").write_bytes(b"")
    (inbox / "scan.pdf").write_bytes(b"%PDF")
    (inbox / "notities.txt").write_text("hallo")
    write_book(inbox / "UWV_2025-Q3.xlsx", workbook([service(1)]))
    result = run(con, inbox)
    by_name = {f.file_name: f for f in result.files}
    assert by_name["UWV_2025-Q3.xlsx"].status == "accepted"
    for name in ("brief.docx", "kapot.xlsx", "leeg.ods", "scan.pdf", "notities.txt"):
        assert by_name[name].status == "rejected" and by_name[name].message.startswith(name + ":")
    assert table(con, "select count(*) n from audit.files")[0]["n"] == 6


def test_unexpected_error_becomes_onleesbaar(con, inbox, monkeypatch):
    import ingest.load

    write_book(inbox / "x.xlsx", workbook([service(1)]))
    monkeypatch.setattr(ingest.load, "validate_batch", lambda *a: 1 / 0)
    f = one(con, inbox)
    assert f.status == "rejected" and "onleesbaar bestand (ZeroDivisionError" in f.message


def test_size_limit(con, inbox):
    path = write_book(inbox / "x.xlsx", workbook([service(1)]))
    f = one(con, inbox, max_bytes=path.stat().st_size - 1)
    assert f.status == "rejected" and "te groot" in f.message


def test_hidden_and_lock_files_and_folders_are_ignored(con, inbox):
    write_book(inbox / "x.xlsx", workbook([service(1)]))
    (inbox / ".~lock.x.xlsx#").write_text("lock")
    (inbox / "~$x.xlsx").write_bytes(b"\0" * 10)
    (inbox / "oud").mkdir()
    seen = []
    result = run(con, inbox, progress=seen.append)
    assert [f.file_name for f in result.files] == ["x.xlsx"]
    assert any("~$x.xlsx" in s for s in seen)


def test_bad_period_argument(con, inbox):
    with pytest.raises(ValueError, match="YYYY-Qn"):
        run(con, inbox, period="2025Q3")
