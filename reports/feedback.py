"""Feedback to each organisation (terugkoppeling): `feedback/<ORG_CODE>.{xlsx,html}`.

One pair of files per organisation that sent any file in the period (accepted, rejected
as a whole or duplicate): its files, rejected rows and warnings (with what to change) and
its own figures as they will be published. The contact details appear here and nowhere
else. Submitted text is data: string cells in xlsx (never a formula), escaped in HTML.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import Path

from ingest.periods import peildatum
from ingest.schema import COLUMNS, CURRENT_TEMPLATE

STATUS_NL = {"accepted": "verwerkt", "rejected": "als geheel afgewezen", "duplicate": "al eerder ontvangen (dubbel)"}

_H = {c.name: c.header for c in COLUMNS[CURRENT_TEMPLATE]}  # headers come from ingest.schema only

# What the sender should do, per machine-readable ingest code (fallback: GENERIC_TODO).
TODO_BY_CODE = {
    "invalid_value": "Kies een geldige waarde uit de keuzelijst van het uitvraagformulier.",
    "required_missing": "Vul dit verplichte veld in.",
    "duplicate_service_id": f"Geef elke dienst een eigen {_H['service_id']} en houd één rij per dienst over.",
    "invalid_optional_value": "Kies een geldige waarde uit de keuzelijst; de cel is nu leeg verwerkt.",
    "unreadable_date": "Vul een datum in (bijvoorbeeld 1-7-2025); de cel is nu leeg verwerkt.",
    "unreadable_amount": "Vul een bedrag in euro's in (bijvoorbeeld 12.500); de cel is nu leeg verwerkt.",
    "negative_amount": "Vul een bedrag van 0 of meer in; de cel is nu leeg verwerkt.",
    "ambiguous_amount": "Schrijf het bedrag zonder twijfel: 12500 of 12,50.",
    "unknown_vendor": "Controleer de schrijfwijze van de leverancier; is die juist, dan hoeft u niets te doen.",
    "unknown_provider": "Controleer de schrijfwijze van de cloudaanbieder; is die juist, dan hoeft u niets te doen.",
    "unknown_country": "Gebruik een landcode (NL, DE, US) of een landnaam.",
    "countries_location_mismatch": f"Laat {_H['countries']} en {_H['location_declared']} met elkaar overeenstemmen.",
    "planned_without_start_date": "Vul de beoogde ingangsdatum in.",
    "stopped_while_in_use": f"Controleer {_H['status']} of {_H['reconsidered']}: een stopgezette dienst is niet in gebruik.",
    "unknown_column": "Geen actie nodig; gebruik bij voorkeur het actuele uitvraagformulier.",
    "row_skipped_empty": "Geen actie nodig.",
    "row_skipped_total": "Geen actie nodig.",
}
GENERIC_TODO = "Pas de waarde aan volgens de toelichting in het uitvraagformulier en lever het bestand opnieuw aan."

# Published figures of marts.org_metrics shown in the summary, with their Dutch label.
FIGURES_NL = {
    "active_services": "Clouddiensten in gebruik",
    "public_services": "waarvan public cloud",
    "materieel_services": "waarvan materieel",
    "materieel_us_direct": "materieel bij Amerikaanse leverancier",
    "materieel_us_indirect": "materieel indirect Amerikaans (via hosting)",
    "share_materieel_us": "aandeel materieel met VS-afhankelijkheid",
    "active_us_dependent": "diensten met VS-afhankelijkheid",
    "personal_data_services": "diensten met persoonsgegevens",
    "personal_data_nl": "persoonsgegevens in Nederland",
    "personal_data_eea": "persoonsgegevens elders in de EER",
    "personal_data_non_eea": "persoonsgegevens buiten de EER",
    "personal_data_unknown": "persoonsgegevens, locatie onbekend",
    "special_data_outside_eer": "bijzondere persoonsgegevens buiten of mogelijk buiten de EER",
    "materieel_us_without_fallback": "materieel VS zonder uitwijkvoorziening",
    "materieel_us_without_exit": "materieel VS zonder exitstrategie",
    "materieel_us_without_fallback_and_exit": "materieel VS zonder beide",
    "materieel_us_without_risk_assessment": "materieel VS zonder risicoanalyse",
    "foreign_migrations": "cloudmigraties naar het buitenland",
    "reconsidered_services": "heroverwogen diensten",
    "annual_cost_public_eur": "jaarlijkse kosten public cloud (EUR)",
}
PROBLEM_COLUMNS = ["soort", "bestand", "blad", "rij", "kolom", "waarde", "melding", "wat te doen"]
NO_FIGURES = "geen gegevens"


def _header(column: str | None) -> str | None:
    return _H.get(column, column)


def _files(con, period: str, org: str) -> list[dict]:
    rows = con.execute(
        "select file_id, file_name, status, message from audit.files "
        "where period = ? and org_code = ? order by file_id",
        [period, org],
    ).fetchall()
    return [{"file_id": r[0], "bestand": r[1], "status": STATUS_NL.get(r[2], r[2]), "melding": r[3] or ""} for r in rows]


def _problems(con, period: str, org: str, report=None) -> list[dict]:
    rows = con.execute(
        """
        select kind, f.file_name, p.sheet, p.row_number, p."column", p.value, p.message, p.code
        from (select 'afgewezen rij' as kind, * exclude (raw_row) from audit.rejected_rows
              union all
              select 'waarschuwing' as kind, * exclude (raw_row) from audit.warnings) as p
        join audit.files as f using (file_id)
        where f.period = ? and f.org_code = ?
        order by f.file_id, p.sheet, p.row_number nulls first, kind, p."column", p.message
        """,
        [period, org],
    ).fetchall()
    out = [
        dict(zip(PROBLEM_COLUMNS, (*r[:7], TODO_BY_CODE.get(r[7], GENERIC_TODO)), strict=True)) for r in rows
    ]
    if report is not None:  # findings of the GX checks meant for the sender (those with a todo)
        for check in report.results:
            if check.success or not check.todo_nl:
                continue
            for row in check.failing_rows:
                if row.get("org_code") != org or row.get("period") != period:
                    continue
                column = check.column if check.column in _H or check.column == "peildatum" else None
                value = row.get(column) if column else row.get("service_id")
                out.append(
                    dict(
                        zip(
                            PROBLEM_COLUMNS,
                            (
                                "controle",
                                row.get("file_name"),
                                row.get("sheet"),
                                row.get("row_number"),
                                _header(column),
                                None if value is None else str(value),
                                check.description_nl,
                                check.todo_nl or GENERIC_TODO,
                            ),
                            strict=True,
                        )
                    )
                )
    return out


def _figures(con, period: str, org: str) -> list[tuple[str, object]] | None:
    cols = {
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns where table_schema = 'marts' and table_name = 'org_metrics'"
        ).fetchall()
    }
    shown = [c for c in FIGURES_NL if c in cols]
    if not shown:
        return None
    row = con.execute(
        f"select {', '.join(shown)} from marts.org_metrics where period = ? and org_code = ?", [period, org]
    ).fetchone()
    if row is None:
        return None
    return [(FIGURES_NL[c], _number(v)) for c, v in zip(shown, row, strict=True)]


def _number(v):
    if v is None:
        return None
    f = float(v)
    return int(f) if f.is_integer() else round(f, 4)


def _fmt(label: str, v) -> str:
    if v is None:
        return "n.v.t."
    if label.startswith("aandeel"):
        return f"{v * 100:.1f}%".replace(".", ",")
    if isinstance(v, float):
        return f"{v:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"{v:,}".replace(",", ".")


def _org_name(con, org: str, period: str) -> str:
    row = con.execute(
        "select org_name from reference.organisations where org_code = ? and valid_from <= ? "
        "and (valid_to is null or valid_to > ?) order by valid_from desc limit 1",
        [org, peildatum(period), peildatum(period)],
    ).fetchone()
    return row[0] if row else org


def _contact_line(contact: dict | None) -> str:
    if not contact:
        return "Contactpersoon: onbekend (niet opgegeven op het blad Organisatie)"
    name = contact.get("contact_name") or "onbekend"
    mail = contact.get("contact_email")
    return f"Aan: {name}" + (f" <{mail}>" if mail else "")


def _write_xlsx(path: Path, period: str, org: str, name: str, contact: str, files, problems, figures) -> None:
    import xlsxwriter

    day = peildatum(period)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False})
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


def _html(period: str, org: str, name: str, contact: str, files, problems, figures) -> str:
    e = escape

    def table(caption, header, rows):
        head = "".join(f'<th scope="col">{e(h)}</th>' for h in header)
        body = "".join("<tr>" + "".join(f"<td>{e('' if c is None else str(c))}</td>" for c in row) + "</tr>" for row in rows)
        return f"<table><caption>{e(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    parts = [
        '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8">',
        f"<title>Terugkoppeling {e(org)} {e(period)}</title>",
        "<style>body{font-family:Verdana,sans-serif;margin:2rem}h1,h2{color:#154273}"
        "table{border-collapse:collapse;margin-bottom:1.5rem}th{text-align:left;border-bottom:2px solid #154273;"
        "padding:.2rem .5rem}td{border-bottom:1px solid #ccc;padding:.2rem .5rem;vertical-align:top}</style></head><body>",
        f"<h1>Terugkoppeling uitvraag clouddiensten {e(period)}</h1>",
        f"<p>{e(name)} ({e(org)})<br>{e(contact)}</p>",
        "<p>Hieronder staan de bestanden die wij van u ontvingen, de rijen die wij niet konden verwerken, "
        "de waarschuwingen en uw cijfers zoals ze gepubliceerd worden. Corrigeer het bestand en lever het "
        "opnieuw aan vóór publicatie; de nieuwste aanlevering vervangt de vorige.</p>",
        "<h2>Ontvangen bestanden</h2>",
        table("Ontvangen bestanden", ["Bestand", "Status", "Melding"], [(f["bestand"], f["status"], f["melding"]) for f in files]),
        "<h2>Afgewezen rijen en waarschuwingen</h2>",
        table("Meldingen per rij", PROBLEM_COLUMNS, [[p[k] for k in PROBLEM_COLUMNS] for p in problems])
        if problems
        else "<p>Geen meldingen.</p>",
        "<h2>Uw cijfers zoals ze gepubliceerd worden</h2>",
        table("Uw cijfers", ["Cijfer", "Waarde"], [(label, _fmt(label, v)) for label, v in figures])
        if figures is not None
        else f"<p>{NO_FIGURES.capitalize()}: er is voor deze periode geen verwerkte aanlevering van uw organisatie.</p>",
        "</body></html>\n",
    ]
    return "".join(parts)


def write_feedback(con, period: str, out_dir: Path, contacts: dict[str, dict], report=None) -> list[Path]:
    """Write `feedback/<ORG_CODE>.xlsx` and `.html` for every organisation that sent a file in
    `period`. `contacts`: org_code -> {contact_name, contact_email}. `report` (optional, a
    QualityReport): its findings on this organisation's rows that carry a `todo_nl` (the
    submission_rows suite, services that disappeared, vendor changes) are added to the list."""
    folder = Path(out_dir) / "feedback"
    folder.mkdir(parents=True, exist_ok=True)
    orgs = [
        r[0]
        for r in con.execute(
            "select distinct org_code from audit.files where period = ? and org_code is not null order by 1", [period]
        ).fetchall()
    ]
    written: list[Path] = []
    for org in orgs:
        name = _org_name(con, org, period)
        contact = _contact_line(contacts.get(org))
        files = _files(con, period, org)
        problems = _problems(con, period, org, report)
        figures = _figures(con, period, org)
        xlsx = folder / f"{org}.xlsx"
        _write_xlsx(xlsx, period, org, name, contact, files, problems, figures)
        html_path = folder / f"{org}.html"
        html_path.write_text(_html(period, org, name, contact, files, problems, figures), encoding="utf-8")
        written += [xlsx, html_path]
    return written
