"""Row rules through real files: rejections, blanked values, warnings, skipped rows, messages."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ingest.rows import alias_key
from ingest_files import HEADERS, run, service, table, workbook, write_book, write_csv

AMOUNT = "Jaarlijkse kosten (EUR)"


@pytest.fixture
def ingest_rows(con, inbox):
    def go(rows, headers=HEADERS, name="UWV_2025-Q3.xlsx", sheets=None):
        write_book(inbox / name, sheets or workbook(rows, headers=headers))
        f = run(con, inbox).files[0]
        audit = {k: table(con, f"select * from audit.{k} order by row_number, code")
                 for k in ("rejected_rows", "warnings")}
        return f, table(con, "select * from raw.service_rows order by row_number"), audit
    return go


def test_spec_message_format(ingest_rows):
    f, _, audit = ingest_rows([service(1), *[service(i) for i in range(2, 13)], service(13, Status="Actief")])
    rec = audit["rejected_rows"][0]
    assert rec["message"] == ("UWV_2025-Q3.xlsx, blad Clouddiensten, rij 14, kolom 'Status': 'Actief' is geen "
                              "geldige waarde (kies uit: In gebruik, In migratie, Gepland, Voorgenomen, Beëindigd)")
    assert (rec["row_number"], rec["column"], rec["value"], rec["code"]) == (14, "Status", "Actief", "invalid_value")
    assert rec["raw_row"][0] == "D13" and len(rec["raw_row"]) == len(HEADERS)
    assert f.rows_accepted == 12 and f.rows_rejected == 1


def test_required_empty_and_several_problems(ingest_rows):
    f, rows, audit = ingest_rows([service(1), service(2, Leverancier="  ", Exitstrategie="misschien")])
    codes = [(r["row_number"], r["column"], r["code"]) for r in audit["rejected_rows"]]
    assert codes == [(3, "Exitstrategie", "invalid_value"), (3, "Leverancier", "required_missing")]
    assert f.rows_rejected == 1 and [r["service_id"] for r in rows] == ["D1"]


def test_synonyms_and_case_accepted(ingest_rows):
    _, rows, audit = ingest_rows([service(1, Cloudtype=" publieke CLOUD ", Proces="secundair", **{"BBN-niveau": "3"},
                                          Status="beeindigd", Exitstrategie="x", Persoonsgegevens="nee")])
    r = rows[0]
    assert (r["cloud_type"], r["process"], r["bbn"], r["status"], r["exit_strategy"], r["personal_data"]) == \
        ("public", "supporting", 3, "ended", True, "none")
    assert audit["rejected_rows"] == []


def test_duplicate_service_id_rejects_every_row(ingest_rows):
    f, rows, audit = ingest_rows([service(1), service(2, **{"Dienst-ID": " d1 "}), service(3)])
    dup = [r for r in audit["rejected_rows"] if r["code"] == "duplicate_service_id"]
    assert [r["row_number"] for r in dup] == [2, 3]
    assert [r["service_id"] for r in rows] == ["D3"]
    assert (f.rows_rejected, f.rows_accepted) == (2, 1)


def test_blanked_optional_values(ingest_rows):
    f, rows, audit = ingest_rows([
        service(1, Ingangsdatum="n.t.b.", Heroverwogen="Misschien", **{AMOUNT: "veel"}),
        service(2, Laatste_risicoanalyse="volgend jaar", **{AMOUNT: -500}),
    ])
    assert f.rows_accepted == 2
    assert [(r["start_date"], r["reconsidered"], r["annual_cost_eur"]) for r in rows] == \
        [(None, None, None), (rows[1]["start_date"], "no", None)]
    assert rows[1]["last_risk_assessment"] is None
    codes = {(r["row_number"], r["code"]) for r in audit["warnings"]}
    assert {(2, "unreadable_date"), (2, "invalid_optional_value"), (2, "unreadable_amount"),
            (3, "unreadable_date"), (3, "negative_amount")} <= codes


def test_amount_numeric_cell_versus_text(ingest_rows):
    _, rows, audit = ingest_rows([service(1, **{AMOUNT: 12.5}), service(2, **{AMOUNT: "12.500"}),
                                  service(3, **{AMOUNT: "12,500"}), service(4, **{AMOUNT: "€ 12.500,-"})])
    assert [float(r["annual_cost_eur"]) for r in rows] == [12.5, 12500, 12.5, 12500]
    assert [(r["row_number"], r["value"]) for r in audit["warnings"] if r["code"] == "ambiguous_amount"] == \
        [(4, "12,500")]


def test_amount_numeric_cell_with_three_decimals_versus_text(ingest_rows):
    _, rows, _ = ingest_rows([service(1, **{AMOUNT: 12500.125}), service(2, **{AMOUNT: "12.500"}),
                              service(3, **{AMOUNT: -1.25})])
    assert [r["annual_cost_eur"] for r in rows] == [Decimal("12500.13"), Decimal("12500.00"), None]


def test_amount_numbers_without_ambiguous_rendering(ingest_rows):
    _, rows, audit = ingest_rows([service(1, **{AMOUNT: 12.5}), service(2, **{AMOUNT: 12500}),
                                  service(3, **{AMOUNT: "12,500"}), service(4, **{AMOUNT: 0.1234})])
    assert [float(r["annual_cost_eur"]) for r in rows] == [12.5, 12500, 12.5, 0.12]
    assert [r["row_number"] for r in audit["warnings"] if r["code"] == "ambiguous_amount"] == [4]


def test_skipped_rows_between_and_trailing(ingest_rows):
    rows = [service(1), [None] * len(HEADERS), ["   "], service(2), ["Totaal", None, None, 25000], [], []]
    f, stored, audit = ingest_rows(rows)
    assert (f.rows_total, f.rows_accepted, f.rows_skipped, f.rows_rejected) == (5, 2, 3, 0)
    skipped = [(r["row_number"], r["code"]) for r in audit["warnings"]]
    assert skipped == [(3, "row_skipped_empty"), (4, "row_skipped_empty"), (6, "row_skipped_total")]


def test_header_below_row_1_and_unknown_column(ingest_rows, con):
    sheets = workbook([])
    sheets["Clouddiensten"] = [["Uitvraag clouddiensten"], [], [*HEADERS, "Eigen kolom"], [*service(1), "geheim"]]
    f, rows, audit = ingest_rows(None, sheets=sheets)
    assert f.rows_accepted == 1 and rows[0]["row_number"] == 4
    codes = {r["code"]: r for r in audit["warnings"]}
    assert "rij 3" in codes["header_below_row_1"]["message"]
    assert codes["unknown_column"]["column"] == "Eigen kolom"
    raw = table(con, "select cells from raw.raw_rows where sheet = 'Clouddiensten' and row_number = 4")
    assert raw[0]["cells"][-1] == "geheim"


def test_headers_any_order_case_parentheses_star(ingest_rows):
    headers = [h.upper() + " *" if h == "Status" else h for h in reversed(HEADERS)]
    headers = ["Jaarlijkse kosten" if h == AMOUNT else h for h in headers]
    f, rows, _ = ingest_rows([list(reversed(service(1)))], headers=headers)
    assert f.rows_accepted == 1 and rows[0]["status"] == "in_use" and rows[0]["annual_cost_eur"] == 12500


def test_vendor_warnings(ingest_rows):
    _, _, audit = ingest_rows([service(1, Leverancier="microsoft  corporation."),
                               service(2, Leverancier="Onbekend BV", Cloudaanbieder="Wolkje")])
    got = [(r["row_number"], r["code"], r["value"]) for r in audit["warnings"]]
    assert got == [(3, "unknown_provider", "Wolkje"), (3, "unknown_vendor", "Onbekend BV")]


NAMES = [" Microsoft  Corp., ", "AWS", "a  b,", "Foo . ,", "SAP\tSE.", "Ünït\u00a0B.V.", "x..", ""]


def test_alias_key_examples():
    import polars as pl

    keys = pl.DataFrame({"a": NAMES[:5]}).select(alias_key(pl.col("a"))).to_series().to_list()
    assert keys == ["microsoft corp", "aws", "a b", "foo", "sap se"]


def test_alias_key_equals_dbt_macro(con):
    """The dbt macro alias_key (macros/keys.sql) and the Python key agree on every name."""
    import re
    from pathlib import Path

    import polars as pl

    macro = (Path(__file__).resolve().parents[2] / "macros" / "keys.sql").read_text(encoding="utf-8")
    body = re.search(r"macro alias_key\(col\) -%}(.*?){%-? endmacro", macro, re.S)
    if body is None:
        pytest.skip("macro alias_key not found")
    sql = body[1].strip().replace("{{ col }}", "name")
    dbt = [r[0] for r in con.execute(f"select {sql} from unnest(?) t(name)", [NAMES]).fetchall()]
    ours = pl.DataFrame({"a": NAMES}).select(alias_key(pl.col("a"))).to_series().to_list()
    assert ours == dbt


@pytest.mark.parametrize(("location", "landen", "warn"), [
    ("Nederland", "NL", None), ("Nederland", "Duitsland", "countries_location_mismatch"),
    ("EER", "US", "countries_location_mismatch"), ("EER", "NL DE", None),
    ("Buiten EER", "Ierland", "countries_location_mismatch"), ("Buiten EER", "US; NL", None),
    ("EER", "Atlantis", "unknown_country"), ("Onbekend", "US", None),
])
def test_countries_against_location(ingest_rows, location, landen, warn):
    _, _, audit = ingest_rows([service(1, Verwerkingslocatie=location, Landen=landen)])
    assert [r["code"] for r in audit["warnings"]] == ([warn] if warn else [])


def test_status_warnings(ingest_rows):
    _, _, audit = ingest_rows([service(1, Status="Gepland", Ingangsdatum=None),
                               service(2, Status="Voorgenomen", Ingangsdatum="Q1 2026"),
                               service(3, Status="In migratie", Heroverwogen="Stopgezet")])
    got = [(r["row_number"], r["code"], r["column"]) for r in audit["warnings"]]
    assert got == [(2, "planned_without_start_date", "Ingangsdatum"), (4, "stopped_while_in_use", "Heroverwogen")]


def test_csv_row_numbers_count_empty_lines(con, inbox):
    path = write_csv(inbox / "UWV_2025-Q3.csv", [HEADERS, service(1), [], service(2, Status="Actief")])
    f = run(con, inbox).files[0]
    rej = table(con, "select * from audit.rejected_rows")
    assert rej[0]["row_number"] == 4 and rej[0]["message"].startswith("UWV_2025-Q3.csv, blad Clouddiensten, rij 4,")
    assert (f.rows_total, f.rows_skipped) == (3, 1)
    assert path.exists()
