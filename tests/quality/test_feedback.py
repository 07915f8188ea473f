"""Feedback files: one pair per organisation that sent a file; its own rows, messages,
figures and contact only; submitted text never becomes a formula or markup."""

from __future__ import annotations

import zipfile

import duckdb
import openpyxl
import pytest

from reports.feedback import write_feedback


@pytest.fixture(scope="module")
def feedback(fixture_warehouse, consistent_report, contacts, tmp_path_factory):
    out = tmp_path_factory.mktemp("feedback")
    con = duckdb.connect(str(fixture_warehouse), read_only=True)
    try:
        paths = write_feedback(con, "2025-Q3", out, contacts, report=consistent_report)
    finally:
        con.close()
    return out / "feedback", paths


def _html(folder, org):
    return (folder / f"{org}.html").read_text(encoding="utf-8")


def _cells(path):
    wb = openpyxl.load_workbook(path)
    return {ws.title: [[c for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}


def test_one_pair_per_organisation_that_sent_a_file(feedback):
    folder, paths = feedback
    assert sorted(p.name for p in paths) == [f"{o}.{x}" for o in ("BZK", "SVB", "UWV") for x in ("html", "xlsx")]
    assert all(p.parent == folder for p in paths)


def test_rejected_rows_and_warnings_with_dutch_messages(feedback):
    folder, _ = feedback
    html = _html(folder, "UWV")
    assert "&#x27;Actief&#x27; is geen geldige waarde" in html
    assert "staat niet in de leverancierslijst" in html
    assert "Kies een geldige waarde uit de keuzelijst" in html  # wat te doen
    assert "al eerder ontvangen" in html  # the duplicate file
    # a GX plausibility finding on UWV's own services: U-3 disappeared without 'Beëindigd'
    assert "verdwijnen niet zonder status Beëindigd" in html and "<td>U-3</td>" in html
    sheets = _cells(folder / "UWV.xlsx")
    rows = [[c.value for c in r] for r in sheets["Meldingen"]]
    assert rows[0] == ["soort", "bestand", "blad", "rij", "kolom", "waarde", "melding", "wat te doen"]
    rejected = [r for r in rows[1:] if r[0] == "afgewezen rij"]
    assert [(r[1], r[2], r[3], r[4], r[5]) for r in rejected] == [("UWV_2025-Q3.xlsx", "Clouddiensten", 4, "Status", "Actief")]


def test_contact_only_in_own_file_and_html_escaped(feedback, contacts):
    folder, _ = feedback
    assert "Jan &lt;Jansen&gt;" in _html(folder, "UWV") and "Jan <Jansen>" not in _html(folder, "UWV")
    for org in ("BZK", "SVB"):
        html = _html(folder, org)
        assert "Jansen" not in html and "uwv.example" not in html
        assert contacts[org]["contact_email"] in html
    summary = [[c.value for c in r] for r in _cells(folder / "UWV.xlsx")["Samenvatting"]]
    assert any("jan.jansen@uwv.example" in str(v) for r in summary for v in r)


def test_other_organisations_data_never_appears(feedback):
    folder, _ = feedback
    bzk = _html(folder, "BZK")
    for foreign in ("UWV_2025-Q3.xlsx", "SVB_2025-Q3.xlsx", "Actief", "HYPERLINK", "Onbekende Leverancier"):
        assert foreign not in bzk
    assert "Geen meldingen" in bzk


def test_published_figures_or_geen_gegevens(feedback):
    folder, _ = feedback
    bzk = _html(folder, "BZK")
    assert "Clouddiensten in gebruik</td><td>2</td>" in bzk
    assert "geen gegevens" in _html(folder, "SVB").lower()
    svb_summary = [[c.value for c in r] for r in _cells(folder / "SVB.xlsx")["Samenvatting"]]
    assert ["geen gegevens"] == [v for r in svb_summary for v in r if v == "geen gegevens"]
    numbers = {r[0].value: r[1].value for r in _cells(folder / "BZK.xlsx")["Samenvatting"] if len(r) > 1}
    assert numbers["Clouddiensten in gebruik"] == 2


def test_whole_file_rejection_and_no_formula_injection(feedback):
    folder, _ = feedback
    html = _html(folder, "SVB")
    assert "als geheel afgewezen" in html and "alle rijen zijn afgewezen" in html
    assert "=HYPERLINK(&quot;http://x&quot;)" in html and '=HYPERLINK("http://x")' not in html
    cells = [c for r in _cells(folder / "SVB.xlsx")["Meldingen"] for c in r if c.value == '=HYPERLINK("http://x")']
    assert cells and all(c.data_type == "s" for c in cells)
    with zipfile.ZipFile(folder / "SVB.xlsx") as z:
        assert not any("<f>" in z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_submission_suite_findings_reach_the_organisation(bad_rows_report, tmp_path):
    report, path = bad_rows_report
    con = duckdb.connect(str(path), read_only=True)
    try:
        write_feedback(con, "2025-Q3", tmp_path, {}, report=report)
    finally:
        con.close()
    html = (tmp_path / "feedback" / "UWV.html").read_text(encoding="utf-8")
    assert "De jaarlijkse kosten zijn niet negatief" in html and "<td>-5</td>" in html
    assert "<td>Jaarlijkse kosten (EUR)</td>" in html and "<td>actief</td>" in html
    assert "De jaarlijkse kosten zijn niet negatief" not in (tmp_path / "feedback" / "BZK.html").read_text(encoding="utf-8")
    assert "Contactpersoon: onbekend" in html


def test_feedback_is_deterministic(fixture_warehouse, contacts, tmp_path):
    con = duckdb.connect(str(fixture_warehouse), read_only=True)
    try:
        a = write_feedback(con, "2025-Q3", tmp_path / "a", contacts)
        b = write_feedback(con, "2025-Q3", tmp_path / "b", contacts)
    finally:
        con.close()
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]


def test_period_without_files_writes_nothing(fixture_warehouse, contacts, tmp_path):
    con = duckdb.connect(str(fixture_warehouse), read_only=True)
    try:
        assert write_feedback(con, "2024-Q1", tmp_path, contacts) == []
    finally:
        con.close()


def _xlsxwriter_reference(path, period, org, name, contact, files, problems, figures):
    """The workbook as xlsxwriter writes it (the writer before the fast one, `in_memory`):
    `feedback._write_xlsx` must give the same bytes."""
    import datetime as dt

    import xlsxwriter

    from ingest.periods import peildatum
    from reports.feedback import NO_FIGURES, PROBLEM_COLUMNS

    day = peildatum(period)
    wb = xlsxwriter.Workbook(
        str(path),
        {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False, "in_memory": True},
    )
    wb.set_properties({"title": f"Terugkoppeling {org} {period}", "created": dt.datetime(day.year, day.month, day.day)})
    bold = wb.add_format({"bold": True})
    ws = wb.add_worksheet("Samenvatting")
    ws.set_column(0, 0, 55)
    ws.set_column(1, 3, 40)
    r = 0
    for text in (f"Terugkoppeling uitvraag clouddiensten {period}", f"{name} ({org})", contact):
        ws.write_string(r, 0, text, bold if r == 0 else None)
        r += 1
    r += 1
    ws.write_string(r, 0, "Ontvangen bestanden", bold)
    r += 1
    for col, h in enumerate(("Bestand", "Status", "Melding")):
        ws.write_string(r, col, h, bold)
    for f in files:
        r += 1
        for col, key in enumerate(("bestand", "status", "melding")):
            ws.write_string(r, col, str(f[key]))
    r += 2
    ws.write_string(r, 0, "Uw cijfers zoals ze gepubliceerd worden", bold)
    r += 1
    if figures is None:
        ws.write_string(r, 0, NO_FIGURES)
    else:
        for label, v in figures:
            ws.write_string(r, 0, label)
            if v is None:
                ws.write_string(r, 1, "n.v.t.")
            else:
                ws.write_number(r, 1, v)
            r += 1
    ws2 = wb.add_worksheet("Meldingen")
    ws2.set_column(0, 7, 25)
    for col, h in enumerate(PROBLEM_COLUMNS):
        ws2.write_string(0, col, h, bold)
    for i, p in enumerate(problems, start=1):
        for col, key in enumerate(PROBLEM_COLUMNS):
            v = p[key]
            if v is None:
                continue
            if key == "rij" and isinstance(v, int):
                ws2.write_number(i, col, v)
            else:
                ws2.write_string(i, col, str(v))
    wb.close()


AWKWARD = [
    "", " leading", "trailing ", "\ttab", "line\nbreak", "a & b < c > d \"q\" 'q'", "ctrl \x01\x07\x1f end",
    "_x0041_ literal escape", "_x00zz_ not one", "non-char \ufffe\uffff", "emoji 😀 and € ë",
    "<r>looks rich</r>", "=HYPERLINK(\"http://x\")", "+31 6", "-5", "@home", "x" * 40000, "😀" * 20000,
]


@pytest.mark.parametrize("figures", [None, [], [("Clouddiensten in gebruik", 3), ("aandeel", 0.123456),
                                            ("kosten", 195274813.79), ("groot", 12345678901234567890), ("leeg", None)]])
def test_fast_xlsx_writer_gives_xlsxwriters_bytes(tmp_path, figures):
    from reports.feedback import PROBLEM_COLUMNS, _write_xlsx

    files = [{"bestand": t, "status": "verwerkt", "melding": t} for t in AWKWARD[:6]]
    problems = []
    for i, text in enumerate(AWKWARD * 2):  # > 16 rows: spans per block of 16 rows; repeats: shared strings
        row = ["waarschuwing", f"{i}.xlsx", "Clouddiensten", i if i % 3 else None, None if i % 4 == 1 else "Kolom",
               text, text[:50], "Geen actie nodig."]
        if i % 5 == 2:
            row[:2] = [None, None]  # a row starting in a later column
        if i == 7:
            row[3] = "12"  # a row number as text stays text
        problems.append(dict(zip(PROBLEM_COLUMNS, row)))
    for period, org, name, contact in (
        ("2025-Q3", "UWV", "Uitvoeringsinstituut & <Werknemers>", "Aan: Jan <jan@x.example>"),
        ("2024-Q1", "A&B", " ", "Contactpersoon: onbekend"),
    ):
        for probs in (problems, []):
            ref, fast = tmp_path / "ref.xlsx", tmp_path / "fast.xlsx"
            _xlsxwriter_reference(ref, period, org, name, contact, files, probs, figures)
            _write_xlsx(fast, period, org, name, contact, files, probs, figures)
            assert fast.read_bytes() == ref.read_bytes()


def test_html_escape_of_a_text_with_nul(tmp_path):
    from html import escape

    from reports.feedback import _escape_all

    texts = ["a<b", "nul\x00<x>", "", "'q' & \"q\""]
    assert _escape_all(texts) == [escape(t) for t in texts]
    assert _escape_all([]) == []


@pytest.mark.parametrize("workers", [2, 3])
def test_feedback_written_by_several_processes_is_the_same(fixture_warehouse, consistent_report, contacts, tmp_path,
                                                          workers):
    con = duckdb.connect(str(fixture_warehouse), read_only=True)
    try:
        one = write_feedback(con, "2025-Q3", tmp_path / "one", contacts, report=consistent_report, workers=1)
        many = write_feedback(con, "2025-Q3", tmp_path / "many", contacts, report=consistent_report, workers=workers)
    finally:
        con.close()
    assert [p.relative_to(tmp_path / "many") for p in many] == [p.relative_to(tmp_path / "one") for p in one]
    assert [p.read_bytes() for p in many] == [p.read_bytes() for p in one]


def test_a_failing_worker_fails_the_step(fixture_warehouse, contacts, tmp_path):
    (tmp_path / "feedback").mkdir()
    (tmp_path / "feedback" / "SVB.xlsx").mkdir()  # a folder where a file must go: the writer fails
    con = duckdb.connect(str(fixture_warehouse), read_only=True)
    try:
        with pytest.raises(OSError):
            write_feedback(con, "2025-Q3", tmp_path, contacts, workers=3)
    finally:
        con.close()
