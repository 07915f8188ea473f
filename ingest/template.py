"""The empty uitvraag workbook (`wolkenkaart template`).

Three sheets: `Organisatie` (key/value pairs), `Clouddiensten` (the header row of one
template version, with a drop-down list for every coded and yes/no column) and
`Toelichting` (Dutch instructions). Every header, key and label comes from
`ingest.schema`; this module only lays them out.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from ingest import schema
from ingest.periods import peildatum as period_end
from ingest.reference import reference_dir

# Fixed document date: the same arguments always give the same bytes.
_CREATED = dt.datetime(2025, 1, 1)
_VALIDATED_ROWS = 1000  # data rows that carry the drop-down lists and checks

# What each column means, in Dutch, by warehouse column (headers and values come from schema).
_EXPLANATION = {
    "service_id": "Uw eigen, vaste kenmerk van de dienst; uniek in dit bestand en elk kwartaal hetzelfde.",
    "service_name": "Naam van de clouddienst zoals die in uw organisatie bekend is.",
    "vendor_raw": "De partij van wie de dienst is (maker of exploitant), niet de wederverkoper.",
    "provider_raw": "De partij die de dienst host (bij SaaS); leeg = de leverancier zelf.",
    "service_model": "Het servicemodel van de dienst.",
    "cloud_type": "Het soort cloud waarin de dienst draait.",
    "process": "Wordt de dienst gebruikt voor het primaire proces (de kerntaak) of ondersteunend?",
    "location_declared": "Waar de gegevens worden verwerkt en opgeslagen.",
    "countries": "Landen van verwerking: ISO-landcodes of landnamen, gescheiden door ; , of /.",
    "personal_data": "Verwerkt de dienst persoonsgegevens?",
    "bbn": "Het BIO-beveiligingsniveau (BBN) van de dienst.",
    "status": "De stand van zaken op de peildatum.",
    "reconsidered": "Is een (geplande) migratie heroverwogen, en met welke uitkomst?",
    "start_date": "Datum van ingebruikname, of de geplande datum. Ook een jaar (2026) of kwartaal (Q1 2026).",
    "exit_strategy": "Is er een uitgewerkte exitstrategie?",
    "fallback": "Is er een uitwijkvoorziening bij uitval van de dienst?",
    "last_risk_assessment": "Datum van de laatste risicoanalyse (bijvoorbeeld DPIA of BIO-risicoanalyse).",
    "annual_cost_eur": "Jaarlijkse kosten in euro (bedrag, 0 of meer).",
    "remarks": "Vrije toelichting. Noem geen namen van personen.",
}
# What a code means, where its label alone does not say it (shown on the Toelichting sheet).
_MEANING = {
    "cloud_type": {"government": "een cloud die de overheid zelf levert"},
    "personal_data": {"special": "bijzondere categorieën persoonsgegevens (AVG art. 9)"},
    "status": {
        "migrating": "de dienst wordt in gebruik genomen of de gegevens worden overgezet; deels in gebruik",
        "planned": "er is besloten de dienst te gaan gebruiken",
        "intended": "het voornemen bestaat, maar er is nog niet besloten",
        "ended": "de dienst is niet meer in gebruik",
    },
    "reconsidered": {"no": "niet heroverwogen (een lege cel betekent hetzelfde)"},
}
_EXPLANATION_2024 = {
    "process": "Wordt de dienst gebruikt voor het primaire proces (de kerntaak)?",
}

_INSTRUCTIONS = (
    "Uitvraag clouddiensten CIO Rijk",
    "",
    "Wat vragen wij?",
    "Vermeld alle clouddiensten die uw organisatie zelf gebruikt, gepland heeft of voornemens is te gaan "
    "gebruiken, en diensten die in dit kwartaal zijn beëindigd.",
    "Een ministerie laat de diensten van zijn agentschappen en zbo's weg: die leveren zelf aan. "
    "Diensten die u afneemt van een shared service provider (zoals SSC-ICT, Logius of DICTU) vermeldt u wel.",
    "Eén rij per clouddienst op het blad '{services}'. Laat de kopregel staan; voeg geen totaalregels toe.",
    "Vul op het blad '{org}' uw organisatiecode en de periode (of de peildatum) in.",
    "Heeft uw organisatie geen clouddiensten? Lever dan het blad met alleen de kopregel in.",
    "Kolommen met een * zijn verplicht. Kies bij gecodeerde kolommen een waarde uit de keuzelijst.",
    "",
    "De kolommen",
)


def _org_name(org_code: str, peildatum: dt.date | None) -> tuple[str, str]:
    """(org_code as registered, org_name) valid on the peildatum; ValueError when unknown."""
    register = reference_dir() / "organisations.csv"
    with register.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["org_code"].casefold() == org_code.strip().casefold()]
    if not rows:
        raise ValueError(f"unknown organisation code {org_code!r}: not in {register}")
    if peildatum is not None:
        day = peildatum.isoformat()
        valid = [r for r in rows if r["valid_from"] <= day and (not r["valid_to"] or r["valid_to"] > day)]
        rows = valid or rows
    row = rows[-1]
    return row["org_code"], row["org_name"]


def _allowed(col: schema.Column) -> str:
    if col.codes is not None:
        return ", ".join(col.codes.labels.values())
    return {
        "date": "datum (dd-mm-jjjj)",
        "amount": "bedrag in euro, 0 of meer",
        "countries": "landcodes of landnamen",
    }.get(col.kind, "tekst")


def _input_message(col: schema.Column, version: str) -> str:
    text = _explanation(col, version)
    if col.codes is not None:
        text += " Kies: " + _allowed(col) + "."
    return text[:255]  # Excel's limit for an input message


def _meanings(col: schema.Column) -> str:
    meanings = _MEANING.get(col.name, {}) if col.codes is not None else {}
    labels = col.codes.labels if col.codes is not None else {}
    return "".join(f" {labels[code]}: {text}." for code, text in meanings.items() if code in labels)


def _explanation(col: schema.Column, version: str) -> str:
    if version != schema.CURRENT_TEMPLATE and col.name in _EXPLANATION_2024:
        return _EXPLANATION_2024[col.name]
    return _EXPLANATION[col.name]


def write_template(
    path: Path, version: str = "2025.1", period: str | None = None, org_code: str | None = None
) -> Path:
    """Write the empty uitvraag workbook (.xlsx) for one template version and return its path.

    `period` pre-fills Periode and Peildatum, `org_code` Organisatiecode and Organisatie.
    Raises ValueError for an unknown version, a malformed period, an unknown organisation
    or a path that does not end in .xlsx.
    """
    import xlsxwriter

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ValueError(f"the template is always an .xlsx file, not {path.name!r}")
    if version not in schema.COLUMNS:
        raise ValueError(
            f"unknown template version {version!r}: choose from {', '.join(schema.TEMPLATE_VERSIONS)}"
        )
    peildatum = period_end(period) if period is not None else None
    org = _org_name(org_code, peildatum) if org_code is not None else None
    columns = schema.COLUMNS[version]

    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path))
    try:
        wb.set_properties({"title": "Uitvraag clouddiensten CIO Rijk", "created": _CREATED})
        bold = wb.add_format({"bold": True})
        header_fmt = wb.add_format({"bold": True, "text_wrap": True, "valign": "top", "bottom": 1})
        date_fmt = wb.add_format({"num_format": "dd-mm-yyyy"})
        amount_fmt = wb.add_format({"num_format": "#,##0.00"})
        wrap = wb.add_format({"text_wrap": True, "valign": "top"})

        # Organisatie: keys as the spec spells them (ORG_KEYS holds them folded).
        ws = wb.add_worksheet(schema.SHEET_ORG)
        ws.set_column(0, 0, 20)
        ws.set_column(1, 1, 50)
        values = {
            "org_code": org[0] if org else None,
            "org_name": org[1] if org else None,
            "period": period.strip() if period else None,
            "peildatum": peildatum,
            "template_version": version,
        }
        for row, (key, name) in enumerate(schema.ORG_KEYS.items()):
            ws.write_string(row, 0, key[:1].upper() + key[1:], bold)  # organisatiecode -> Organisatiecode
            value = values.get(name)
            if isinstance(value, dt.date):
                ws.write_datetime(row, 1, dt.datetime.combine(value, dt.time()), date_fmt)
            elif value:
                ws.write_string(row, 1, value)

        # Clouddiensten: the header row, validations and input messages.
        ws = wb.add_worksheet(schema.SHEET_SERVICES)
        ws.freeze_panes(1, 0)
        ws.set_row(0, 45)
        last = _VALIDATED_ROWS
        for i, col in enumerate(columns):
            ws.write_string(0, i, col.header + ("*" if col.required else ""), header_fmt)
            width = {"text": 28, "date": 14, "amount": 16, "countries": 18}.get(col.kind, 16)
            fmt = date_fmt if col.kind == "date" else amount_fmt if col.kind == "amount" else None
            ws.set_column(i, i, max(width, len(col.header) + 3), fmt)
            message = {
                "input_title": col.header[:32],
                "input_message": _input_message(col, version),
                "error_title": col.header[:32],
            }
            if col.codes is not None:
                ws.data_validation(
                    1, i, last, i,
                    {
                        "validate": "list",
                        "source": list(col.codes.labels.values()),
                        "error_message": ("Kies een waarde uit de lijst: " + _allowed(col))[:255],
                        **message,
                    },
                )
            elif col.kind == "date":
                ws.data_validation(
                    1, i, last, i,
                    {
                        "validate": "date",
                        "criteria": ">=",
                        "value": dt.date(2000, 1, 1),
                        # Ingangsdatum also takes '2026' or 'Q1 2026': warn, do not block.
                        "error_type": "information",
                        "error_message": "Vul een datum in (dd-mm-jjjj).",
                        **message,
                    },
                )
            elif col.kind == "amount":
                ws.data_validation(
                    1, i, last, i,
                    {
                        "validate": "decimal",
                        "criteria": ">=",
                        "value": 0,
                        "error_message": "Vul een bedrag in euro in van 0 of meer.",
                        **message,
                    },
                )
            else:
                ws.data_validation(1, i, last, i, {"validate": "any", **message})

        # Toelichting: instructions and one row per column, generated from schema.
        ws = wb.add_worksheet(schema.SHEET_INSTRUCTIONS)
        ws.set_column(0, 0, 28)
        ws.set_column(1, 1, 10)
        ws.set_column(2, 3, 60, wrap)
        row = 0
        for line in _INSTRUCTIONS:
            text = line.format(services=schema.SHEET_SERVICES, org=schema.SHEET_ORG)
            ws.write_string(row, 0, text, bold if row in (0, 2) or line == _INSTRUCTIONS[-1] else None)
            row += 1
        for i, title in enumerate(("Kolom", "Verplicht", "Uitleg", "Toegestane waarden")):
            ws.write_string(row, i, title, header_fmt)
        row += 1
        for col in columns:
            ws.write_string(row, 0, col.header)
            ws.write_string(row, 1, "ja" if col.required else "nee")
            ws.write_string(row, 2, _explanation(col, version) + _meanings(col))
            ws.write_string(row, 3, _allowed(col))
            row += 1
        row += 1
        ws.write_string(row, 0, f"Templateversie {version}", bold)
    finally:
        wb.close()
    return path
