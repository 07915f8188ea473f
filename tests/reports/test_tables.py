from datetime import date

import pytest

from reports.model import ReportError
from reports.tables import build_tables, parse_docs_blocks, peildatum

from .conftest import NASTY, SCRIPT


def by_number(tables, n):
    return next(t for t in tables if t.number == n)


def labels(table, kind=None):
    return [r.cells[0] for r in table.rows if kind is None or r.kind == kind]


def test_seven_tables_with_source_line(tables):
    assert [t.number for t in tables] == [1, 2, 3, 4, 5, 6, 7]
    # submitted and counted: BZK, LOGIUS, BD, UWV, KADASTER, RWS (not Defensie); 38 expected
    for t in tables:
        assert t.source == "Bron: uitvraag CIO Rijk, peildatum 30 september 2025; n = 6 van 38 organisaties"
        assert len(set(t.header)) == len(t.header)


def test_organisation_rows_grouped_by_ministry_sorted_with_geen_opgave(tables):
    t1 = by_number(tables, 1)
    rows = t1.rows
    bzk = labels(t1).index("Ministerie van Binnenlandse Zaken en Koninkrijksrelaties")
    assert rows[bzk].kind == "group"
    members = []
    for r in rows[bzk + 1:]:
        if r.kind != "data":
            break
        members.append(r)
    assert [r.cells[0] for r in members] == sorted((r.cells[0] for r in members), key=str.casefold)
    ssc = next(r for r in members if r.cells[0] == "SSC-ICT")
    assert ssc.cells[2] == "geen opgave" and ssc.cells[3:] == [None] * 5
    # every organisation in the register valid on the peildatum appears exactly once (IND under AenM)
    data = labels(t1, "data")
    assert len(data) == 39 and data.count("Immigratie- en Naturalisatiedienst") == 1
    aenm = labels(t1).index("Ministerie van Asiel en Migratie")
    assert "Immigratie- en Naturalisatiedienst" in labels(t1)[aenm:aenm + 4]


def test_subtotal_sums_members_and_recomputes_share(tables):
    t1 = by_number(tables, 1)
    sub = next(r for r in t1.rows if r.kind == "subtotal" and "Binnenlandse Zaken" in r.cells[0])
    logius = next(r for r in t1.rows if r.cells[0] == "Logius")
    bzk = next(r for r in t1.rows if r.kind == "data" and r.cells[0].startswith("Ministerie van Binnenlandse"))
    assert sub.cells[2] == logius.cells[2] + bzk.cells[2]
    assert sub.cells[7] == pytest.approx((sub.cells[5] + sub.cells[6]) / sub.cells[4])
    nobody = next(r for r in t1.rows if r.kind == "subtotal" and "Algemene Zaken" in r.cells[0])
    assert nobody.cells[2] == "geen opgave"


def test_totals_come_from_scope_metrics_and_defensie_is_apart(con, tables, definitions):
    t1 = by_number(tables, 1)
    totals = [r for r in t1.rows if r.kind == "total"]
    assert [r.cells[0] for r in totals] == ["Rijksdienst", "Zbo's", "Totaal"]
    expected = con.execute(
        "select active_services from marts.scope_metrics where period = '2025-Q3' and scope = 'totaal'"
    ).fetchone()[0]
    assert totals[2].cells[2] == expected
    names = labels(t1)
    assert names.index("Ministerie van Defensie") > names.index("Totaal")
    assert definitions["defensie_exclusion"] in t1.footnotes


def test_footnotes_are_the_docs_blocks(tables, definitions):
    assert definitions["materieel"] == "Definitie van materieel: zie materieel."
    assert definitions["materieel"] in by_number(tables, 1).footnotes
    assert definitions["continuity"] in by_number(tables, 6).footnotes


def test_table_3_top_ten_overig_and_concentration_footnote(con, tables):
    t3 = by_number(tables, 3)
    second = next(i for i, r in enumerate(t3.rows) if i and r.kind == "group")
    vendor = t3.rows[1:second]
    assert len(vendor) == 12
    assert t3.rows[0].kind == "group"
    assert [r.cells[0] for r in vendor[-2:]] == ["Overig", "Totaal"]
    top = vendor[:10]
    assert [r.cells[2] for r in top] == sorted((r.cells[2] for r in top), reverse=True)
    total = con.execute(
        "select sum(services) from marts.vendor_share where period = '2025-Q3' and scope = 'totaal' and layer = 'vendor'"
    ).fetchone()[0]
    assert vendor[-1].cells[2] == total == sum(r.cells[2] for r in vendor[:-1])
    # Overig: 12 RWS concerns minus those in the top 10 + Salesforce ... all from RWS or UWV/others
    assert vendor[-2].cells[4] >= 1
    assert any(n.startswith("Leverancier (concern): HHI") for n in t3.footnotes)
    assert any("het doel van 30%" in n for n in t3.footnotes)


def test_table_4_lists_migrations_without_remarks(tables):
    t4 = by_number(tables, 4)
    data = [r for r in t4.rows if r.kind == "data"]
    names = [r.cells[1] for r in data]
    assert NASTY in names and SCRIPT in names
    assert all("Jan Jansen" not in str(c) for t in tables for r in t.rows for c in r.cells)
    assert t4.rows[-1].kind == "total" and t4.rows[-1].cells[1] == f"{len(data)} diensten"


def test_table_5_year_lists_first_quarter(con, definitions):
    tables = build_tables(con, "2025-Q3", definitions, year=2025)
    t5 = by_number(tables, 5)
    assert t5.header[-1] == "Eerst gemeld"
    script = next(r for r in t5.rows if r.kind == "data" and r.cells[1] == SCRIPT)
    assert script.cells[-1] == "2e kwartaal 2025"
    per_period = by_number(build_tables(con, "2025-Q3", definitions), 5)
    assert "Eerst gemeld" not in per_period.header


def test_table_7_one_row_per_period_up_to_the_report_period(con, definitions, tables):
    t7 = by_number(tables, 7)
    assert [r.cells[0] for r in t7.rows] == ["2e kwartaal 2025", "3e kwartaal 2025"]
    q2, q3 = t7.rows
    assert q2.cells[2] is None  # no preceding quarter loaded
    assert q3.cells[2] == q3.cells[1] - q2.cells[1]
    assert q3.cells[4] == pytest.approx(q3.cells[3] - q2.cells[3])
    earlier = by_number(build_tables(con, "2025-Q2", definitions), 7)
    assert len(earlier.rows) == 1


def test_bad_input_gives_one_clear_error(con, definitions):
    with pytest.raises(ReportError, match="Ongeldige periode"):
        build_tables(con, "2025-Q5", definitions)
    with pytest.raises(ReportError, match="2024-Q1 staat niet in het warehouse"):
        build_tables(con, "2024-Q1", definitions)
    partial = {k: v for k, v in definitions.items() if k != "concentration"}
    with pytest.raises(ReportError, match="concentration ontbreken"):
        build_tables(con, "2025-Q3", partial)


def test_parse_docs_blocks_and_peildatum():
    text = "{% docs a %}\nEen *mooie*\n  regel.\n{% enddocs %}\n{%- docs b -%}[link](http://x) `code` _nadruk_ vs_afhankelijkheid{%- enddocs -%}"
    assert parse_docs_blocks(text) == {"a": "Een mooie regel.", "b": "link code nadruk vs_afhankelijkheid"}
    assert peildatum("2025-Q3") == date(2025, 9, 30)
    assert peildatum("2024-Q1") == date(2024, 3, 31)
    assert peildatum("2025-Q2") == date(2025, 6, 30)
