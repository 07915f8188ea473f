import re

import pytest

import reports.tables
from reports import write_overview
from reports.model import ReportError
from reports.overview import summary


@pytest.fixture(scope="module")
def overview(con, definitions_file, tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setattr(reports.tables, "DEFINITIONS", definitions_file)
    out = tmp_path_factory.mktemp("overview")
    paths = write_overview(con, 2025, out)
    yield out, paths
    mp.undo()


def test_overview_files(overview):
    out, paths = overview
    assert [p.name for p in paths] == ["jaaroverzicht.html", "jaaroverzicht.pdf"]
    pdf = paths[1].read_bytes()
    assert pdf.startswith(b"%PDF") and b"pdfaid:part" in pdf and b"StructTreeRoot" in pdf


def test_overview_html_is_self_contained_with_accessible_charts(overview):
    html = overview[1][0].read_text(encoding="utf-8")
    assert html.count("<svg") == 3
    assert len(re.findall(r"<svg role=\"img\" aria-labelledby=\"fig\d-alt\" aria-describedby=\"fig\d-desc\"", html)) == 3
    assert "<script" not in html and "src=" not in html and "<link" not in html
    assert "In 2025 (3e kwartaal 2025) gebruikten 6 organisaties" in html
    assert html.count("<caption>") == 3 + 7  # a table beside every chart, and the seven tables
    assert "Eerst gemeld" in html  # table 5 over the whole year
    assert "Jan Jansen" not in html


def test_overview_html_is_reproducible(con, overview, tmp_path, definitions_file, monkeypatch):
    monkeypatch.setattr(reports.tables, "DEFINITIONS", definitions_file)
    again = write_overview(con, 2025, tmp_path)
    assert again[0].read_bytes() == overview[1][0].read_bytes()


def test_overview_without_data_for_the_year(con):
    with pytest.raises(ReportError, match="Geen gegevens voor 2023"):
        write_overview(con, 2023, "/nonexistent")


def test_summary_compares_with_a_year_earlier():
    last = {"period": "2025-Q3", "organisations": 31, "materieel_services": 412, "share_materieel_us": 0.78,
            "share_personal_data_in_eer": 0.9, "share_public_eer_vendor": 0.2, "foreign_migrations": 5}
    before = dict(last, period="2024-Q3", materieel_services=400, share_materieel_us=0.81, foreign_migrations=5)
    text = " ".join(summary(2025, last, before))
    assert "gebruikten 31 organisaties 412 materiële public clouddiensten, 12 meer dan een jaar eerder" in text
    assert "78% daarvan hangt af van een Amerikaanse leverancier, 3 procentpunt minder dan een jaar eerder" in text
    assert "onder het doel van 30%" in text and "evenveel als een jaar eerder" in text
    assert "niet mogelijk" not in text
    assert "niet mogelijk" in " ".join(summary(2025, last, None))


@pytest.mark.parametrize("share, expected", [(0.303, "30,3% van de public clouddiensten"), (0.297, "29,7% van de public clouddiensten"),
                                             (0.2, "20% van de public clouddiensten"), (0.5, "50% van de public clouddiensten")])
def test_summary_gives_a_decimal_when_the_share_rounds_to_the_goal(share, expected):
    last = {"period": "2025-Q3", "organisations": 31, "materieel_services": 412, "share_materieel_us": 0.78,
            "share_personal_data_in_eer": 0.9, "share_public_eer_vendor": share, "foreign_migrations": 5}
    text = " ".join(summary(2025, last, None))
    assert expected in text  # never '30% … onder het doel van 30%'
    assert ("boven het doel" in text) == (share >= 0.30)
