"""Acceptance tests written from ../shared/spec/submission.md alone: each test is one rule of the
spec, applied to a real file (xlsx / ods / xls / csv) through ingest_inbox."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ingest_files import (GOOD_2024, HEADERS, HEADERS_2024, org_sheet, run, service, table, workbook,
                          write_book, write_csv)

AMOUNT = "Jaarlijkse kosten (EUR)"


def one(con, inbox):
    result = run(con, inbox)
    assert len(result.files) == 1
    return result.files[0]


def audit(con, kind: str) -> list[tuple]:
    return [(r["row_number"], r["code"]) for r in
            table(con, f"select row_number, code from audit.{kind} order by row_number nulls first, code")]


# ---- CSV: separator sniffed although a title line above the header holds another one ----------

@pytest.mark.parametrize(("title", "sep"), [
    ("Uitvraag clouddiensten, derde kwartaal 2025", ";"),
    ("Uitvraag clouddiensten; UWV", ","),
    ("Uitvraag clouddiensten; UWV, 2025", "\t"),
])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_separator_with_title_line_above_header(con, inbox, title, sep, encoding):
    rows = [[title], [], HEADERS, service(1, Status="Beëindigd", **{AMOUNT: "12.500,50"}), service(2)]
    write_csv(inbox / "UWV_2025-Q3.csv", rows, sep=sep, encoding=encoding)
    f = one(con, inbox)
    assert (f.status, f.rows_accepted) == ("accepted", 2), f.message
    rows = table(con, "select row_number, status, annual_cost_eur from raw.service_rows order by row_number")
    assert [(r["row_number"], r["status"], r["annual_cost_eur"]) for r in rows] == \
        [(4, "ended", Decimal("12500.50")), (5, "in_use", Decimal("12500.00"))]
    assert audit(con, "warnings") == [(None, "header_below_row_1")]


def test_csv_header_with_quoted_line_breaks_below_a_title(con, inbox):
    headers = ["Dienst-ID *", "Naam\ndienst *", *[f"{h}\n(kies)" for h in HEADERS[2:]]]
    write_csv(inbox / "UWV_2025-Q3.csv", [["Clouddiensten, UWV"], headers, service(1)], sep=";")
    f = one(con, inbox)
    assert (f.status, f.rows_accepted) == ("accepted", 1), f.message


# ---- every message names the file (and the sheet where there is one), in the spec's format -----

def test_file_level_warnings_name_the_file(con, inbox):
    write_book(inbox / "SVB_2025-Q3.xlsx", workbook([service(1)], org=org_sheet(Templateversie="2023.9")))
    f = one(con, inbox)
    assert f.status == "accepted"
    msgs = {r["code"]: r["message"] for r in table(con, "select code, message from audit.warnings")}
    assert msgs["file_name_mismatch"].startswith("SVB_2025-Q3.xlsx: de bestandsnaam noemt SVB 2025-Q3")
    assert msgs["unknown_template_version"].startswith(
        "SVB_2025-Q3.xlsx, blad Organisatie: Templateversie '2023.9' is onbekend")


# ---- rules that already hold: pinned here from the spec's wording --------------------------------

def _ods(path, sheets):
    """An .ods as LibreOffice writes it: repeated empty rows, boolean and currency cells."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    for name, rows in sheets.items():
        t = Table(name=name)
        for row in rows:
            if isinstance(row, int):  # `row` empty rows in one repeated element
                tr = TableRow(numberrowsrepeated=row)
                tr.addElement(TableCell(numbercolumnsrepeated=5))
                t.addElement(tr)
                continue
            tr = TableRow()
            for v in row:
                if v is None:
                    cell = TableCell()
                elif isinstance(v, bool):
                    cell = TableCell(valuetype="boolean", booleanvalue=str(v).lower())
                    cell.addElement(P(text="WAAR" if v else "ONWAAR"))
                elif isinstance(v, (int, float)):
                    cell = TableCell(valuetype="currency", currency="EUR", value=v)
                    cell.addElement(P(text=f"€ {v}"))
                else:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=v))
                tr.addElement(cell)
            t.addElement(tr)
        doc.spreadsheet.addElement(t)
    doc.save(str(path))


def test_ods_repeated_empty_rows_boolean_and_currency_cells(con, inbox):
    rows = [3, HEADERS, service(1, Exitstrategie=True, Uitwijkvoorziening=False, **{AMOUNT: 1234.5}), 3,
            service(2, Status="Actief")]
    _ods(inbox / "UWV_2025-Q3.ods", {"Organisatie": org_sheet(), "Clouddiensten": rows})
    f = one(con, inbox)
    assert (f.status, f.rows_total, f.rows_accepted, f.rows_rejected, f.rows_skipped) == ("accepted", 5, 1, 1, 3)
    row = table(con, "select * from raw.service_rows")[0]
    assert (row["row_number"], row["exit_strategy"], row["fallback"], row["annual_cost_eur"]) == \
        (5, True, False, Decimal("1234.50"))
    assert audit(con, "rejected_rows") == [(9, "invalid_value")]
    assert [r for r in audit(con, "warnings") if r[1] != "unknown_vendor"] == \
        [(None, "header_below_row_1"), (6, "row_skipped_empty"), (7, "row_skipped_empty"), (8, "row_skipped_empty")]


def test_xls_boolean_cells_numeric_codes_and_quarter_dates(con, inbox):
    import xlwt

    wb = xlwt.Workbook()
    ws = wb.add_sheet("Organisatie")
    for r, (k, v) in enumerate([["Peildatum", "1 juli 2025"], ["organisatiecode", " uwv "]]):
        ws.write(r, 0, k)
        ws.write(r, 1, v)
    ws = wb.add_sheet("Clouddiensten")
    ws.write(0, 0, "Uitvraag clouddiensten")
    for c, h in enumerate(HEADERS):
        ws.write(3, c, h)
    row = service(1, Exitstrategie=True, Uitwijkvoorziening=False, Ingangsdatum="2026-Q2",
                  Laatste_risicoanalyse=45839, **{"BBN-niveau": 1.0, AMOUNT: "12.500"})
    for c, v in enumerate(row):
        if v is not None:
            ws.write(4, c, v)
    wb.save(str(inbox / "cloud.xls"))
    f = one(con, inbox)
    assert (f.status, f.org_code, f.period) == ("accepted", "UWV", "2025-Q3")
    r = table(con, "select * from raw.service_rows")[0]
    assert (r["row_number"], r["exit_strategy"], r["fallback"], r["bbn"], r["start_date"],
            r["last_risk_assessment"], r["annual_cost_eur"]) == \
        (5, True, False, 1, dt.date(2026, 4, 1), dt.date(2025, 7, 1), Decimal("12500.00"))


@pytest.mark.parametrize("suffix", [".xlsx", ".ods", ".xls"])
def test_template_2024_every_conversion_with_numeric_templateversie(con, inbox, suffix):
    pairs = [("Ja", "NL"), ("Nee", "EU"), ("ja", "Buiten EU"), (" NEE\u00a0", "onbekend")]
    rows = [service(i, headers=HEADERS_2024, base=GOOD_2024, **{"Primair proces": p, "Locatie dataverwerking": loc})
            for i, (p, loc) in enumerate(pairs, 1)]
    headers = [f"{h} (Ja/Nee)" if h == "Primair proces" else h for h in HEADERS_2024]
    org = [["Templateversie", 2024.1], ["Organisatiecode", "uwv"], ["Peildatum", "30-09-2025"]]
    write_book(inbox / f"x{suffix}", workbook(rows, headers=headers, org=org))
    f = one(con, inbox)
    assert (f.status, f.template_version, f.rows_accepted) == ("accepted", "2024.1", 4)
    got = table(con, "select process, location_declared, template_version, provider_raw, countries, "
                     "countries_unknown, reconsidered, annual_cost_eur from raw.service_rows order by row_number")
    assert [(r["process"], r["location_declared"]) for r in got] == \
        [("primary", "nl"), ("supporting", "eea"), ("primary", "non_eea"), ("supporting", "unknown")]
    assert all(r["template_version"] == "2024.1" for r in got)
    assert all(r[c] is None for r in got for c in ("provider_raw", "countries", "countries_unknown",
                                                   "reconsidered", "annual_cost_eur"))


def test_organisatie_keys_any_order_and_contacts_never_stored(con, inbox):
    org = [["Veld", "Waarde"], ["E-mail *", "jan@uwv.nl"], ["Templateversie", "2025.1"], ["Contactpersoon:", "Jan"],
           ["ORGANISATIECODE", "uwv"], ["Periode", "2025-q3"], ["Peildatum", "30-6-2025"]]
    write_book(inbox / "a.ods", workbook([service(1)], org=org))
    result = run(con, inbox)
    f = result.files[0]
    assert (f.status, f.org_code, f.period, f.peildatum) == ("accepted", "UWV", "2025-Q3", dt.date(2025, 9, 30))
    cells = [c for r in table(con, "select cells from raw.raw_rows") for c in r["cells"]]
    assert "jan@uwv.nl" not in cells and "Jan" not in cells
    assert result.contacts["UWV"]["contact_email"] == "jan@uwv.nl"


@pytest.mark.parametrize(("name", "warns"), [
    ("UWV_2025-Q3_v2.xlsx", False), ("uwv_2025-q3.xlsx", False), ("cloud diensten.xlsx", False),
    ("UWV 2025-Q3.xlsx", False), ("SVB_2025-Q3.xlsx", True), ("UWV_2025-Q2 definitief.xlsx", True),
])
def test_file_name_warning_only_for_another_org_or_period(con, inbox, name, warns):
    write_book(inbox / name, workbook([service(1)]))
    f = one(con, inbox)
    assert f.status == "accepted" and f.org_code == "UWV"
    assert ((None, "file_name_mismatch") in audit(con, "warnings")) is warns


def test_header_variants_nbsp_star_leading_parentheses_line_breaks(con, inbox):
    headers = [f"(verplicht) {h}" if h == "Status" else f"\u00a0{h.upper()}\u00a0*\n" for h in HEADERS]
    headers = ["Jaarlijkse\nkosten\n(EUR)" if h.startswith("\u00a0JAARLIJKSE") else h for h in headers]
    write_book(inbox / "a.xlsx", workbook([service(1)], headers=headers))
    f = one(con, inbox)
    assert (f.status, f.rows_accepted) == ("accepted", 1)
    r = table(con, "select status, annual_cost_eur from raw.service_rows")[0]
    assert (r["status"], r["annual_cost_eur"]) == ("in_use", Decimal("12500.00"))


def test_csv_nil_return_and_totals_only(con, inbox):
    write_csv(inbox / "UWV_2025-Q3.csv", [HEADERS, [], ["Totaal", None, None]], sep=",")
    f = one(con, inbox)
    assert (f.status, f.rows_total, f.rows_accepted, f.rows_skipped) == ("accepted", 2, 0, 2)
    assert audit(con, "warnings") == [(2, "row_skipped_empty"), (3, "row_skipped_total")]
