"""The seven Kamerbrief tables of reports.md, built from the frozen `marts.rpt_tabel_*` models."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ingest.schema import LOCATION, RECONSIDERED, SERVICE_MODEL, STATUS
from reports import fmt
from reports.model import ReportError, Row, Table

ROOT = Path(__file__).resolve().parents[1]
DEFINITIONS = ROOT / "models" / "docs" / "definitions.md"
PERIOD = re.compile(r"^(\d{4})-Q([1-4])$")
ORG_TYPE_LABELS = {"ministerie": "ministerie", "dienst": "dienst", "agentschap": "agentschap", "zbo": "zbo"}
SCOPE_LABELS = {"rijksdienst": "Rijksdienst", "zbo": "Zbo's", "totaal": "Totaal"}
GOAL_EER_VENDOR = 0.30
NO_SUBMISSION = "geen opgave"


def peildatum(period: str) -> date:
    """'2025-Q3' -> date(2025, 9, 30), the last day of the quarter."""
    m = PERIOD.match(period or "")
    if not m:
        raise ReportError(f"Ongeldige periode '{period}': gebruik JJJJ-Qn, bijvoorbeeld 2025-Q3.")
    year, q = int(m.group(1)), int(m.group(2))
    month = q * 3
    return date(year, month, 30 if month in (6, 9) else 31)


# ---------------------------------------------------------------- definitions (dbt docs blocks)
_DOCS = re.compile(r"\{%-?\s*docs\s+([A-Za-z0-9_]+)\s*-?%\}(.*?)\{%-?\s*enddocs\s*-?%\}", re.S)


def parse_docs_blocks(text: str) -> dict[str, str]:
    """`{% docs name %}…{% enddocs %}` blocks as plain one-paragraph text (markdown marks removed)."""
    out = {}
    for name, body in _DOCS.findall(text):
        body = re.sub(r"[*`]+|(?<!\w)_+|_+(?!\w)", "", body)
        body = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", body)
        out[name] = " ".join(body.split())
    return out


def load_definitions(path: Path | None = None) -> dict[str, str]:
    path = path or DEFINITIONS
    try:
        return parse_docs_blocks(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportError(f"Definities ontbreken: {path} bestaat niet.") from None


def _definitions(defs: Mapping[str, str], *names: str) -> list[str]:
    missing = [n for n in names if n not in defs]
    if missing:
        raise ReportError(
            f"Definitie(s) {', '.join(missing)} ontbreken in models/docs/definitions.md (dbt docs-blok)."
        )
    return [defs[n] for n in names]


# ---------------------------------------------------------------- helpers
def _query(con, sql: str, params=()) -> list[dict]:
    cur = con.execute(sql, list(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def _int(v):
    return None if v is None else int(v)


def _ratio(num, den):
    return None if not den else float(num) / float(den)


def _sort_key(text: str | None) -> str:
    return (text or "").casefold()


@dataclass(frozen=True)
class Col:
    header: str
    kind: str
    value: Callable[[dict], object]  # from a row with summed counts


def _count(name: str) -> Callable[[dict], object]:
    return lambda r: _int(r.get(name))


def source_line(con, period: str) -> str:
    rows = _query(
        con,
        "select organisations, organisations_expected from marts.rpt_org_rows where period = ? and row_scope = 'totaal'",
        [period],
    )
    n, expected = (rows[0]["organisations"], rows[0]["organisations_expected"]) if rows else (0, 0)
    return (
        f"Bron: uitvraag CIO Rijk, peildatum {fmt.long_date(peildatum(period))}; "
        f"n = {fmt.count(n or 0)} van {fmt.count(expected or 0)} organisaties"
    )


def short_ministry(name: str) -> str:
    """'Ministerie van Financiën' -> 'Financiën' (for subtotal labels and chart axes)."""
    return name.removeprefix("Ministerie van ")


def _by_ministry(rows: list[dict]) -> list[tuple[str, list[dict]]]:
    """Groups in order of ministry name; rows in order of organisation name (then the rest)."""
    groups: dict[str, list[dict]] = {}
    for r in rows:
        groups.setdefault(r["ministry_name"] or r["ministry_code"] or "", []).append(r)
    return [(name, groups[name]) for name in sorted(groups, key=_sort_key)]


# ---------------------------------------------------------------- tables 1, 2, 6 (organisation rows)
def _org_table(con, period, defs, number, slug, title, model, cols: list[Col], notes, with_type=False) -> Table:
    rows = _query(con, f"select * from marts.{model} where period = ?", [period])
    header = ["Organisatie"] + (["Type"] if with_type else []) + [c.header for c in cols]
    kinds = ["text"] + (["text"] if with_type else []) + [c.kind for c in cols]

    def line(kind, label, type_label, r) -> Row:
        lead = [label] + ([type_label] if with_type else [])
        if r is None:
            return Row(kind, lead + [NO_SUBMISSION] + [None] * (len(cols) - 1))
        return Row(kind, lead + [c.value(r) for c in cols])

    def summed(members: list[dict]) -> dict:
        names = {k for r in members for k, v in r.items() if isinstance(v, int) or hasattr(v, "as_integer_ratio")}
        return {k: sum(int(r[k] or 0) for r in members) for k in names}

    def org_rows(members):
        out = []
        for r in sorted(members, key=lambda r: (_sort_key(r["org_name"]), r["org_code"])):
            out.append(line("data", r["org_name"], ORG_TYPE_LABELS.get(r["org_type"], r["org_type"]), r if r["has_submission"] else None))
        return out

    orgs = [r for r in rows if r["row_scope"] == "org"]
    in_totals = [r for r in orgs if r["in_rijksbreed_totals"]]
    apart = [r for r in orgs if not r["in_rijksbreed_totals"]]
    out: list[Row] = []
    for ministry, members in _by_ministry(in_totals):
        out.append(Row("group", [ministry]))
        out.extend(org_rows(members))
        submitted = [r for r in members if r["has_submission"]]
        out.append(line("subtotal", f"Subtotaal {short_ministry(ministry)}", None, summed(submitted) if submitted else None))
    scopes = {r["row_scope"]: r for r in rows if r["row_scope"] != "org"}
    for scope, label in SCOPE_LABELS.items():
        out.append(line("total", label, None, scopes.get(scope)))
    footnotes = list(notes)
    if apart:
        for ministry, members in _by_ministry(apart):
            out.append(Row("group", [ministry]))
            out.extend(org_rows(members))
        footnotes += _definitions(defs, "defensie_exclusion")
    return Table(number, slug, title, source_line(con, period), header, out, footnotes, kinds)


def table_1(con, period, defs) -> Table:
    cols = [
        Col("Clouddiensten in gebruik", "count", _count("active_services")),
        Col("waarvan public cloud", "count", _count("public_services")),
        Col("waarvan materieel", "count", _count("materieel_services")),
        Col("materieel bij Amerikaanse leverancier", "count", _count("materieel_us_direct")),
        Col("materieel indirect Amerikaans (via hosting)", "count", _count("materieel_us_indirect")),
        Col(
            "aandeel materieel met VS-afhankelijkheid",
            "share",
            lambda r: _ratio(int(r["materieel_us_direct"] or 0) + int(r["materieel_us_indirect"] or 0), r["materieel_services"]),
        ),
    ]
    notes = _definitions(defs, "materieel", "us_direct", "us_indirect", "us_dependent", "geen_opgave")
    return _org_table(con, period, defs, 1, "materieel-public-cloudgebruik", "Materieel public cloudgebruik per organisatie",
                      "rpt_tabel_1_materieel", cols, notes, with_type=True)


def table_2(con, period, defs) -> Table:
    cols = [
        Col("Diensten met persoonsgegevens", "count", _count("personal_data_services")),
        Col("in Nederland", "count", _count("personal_data_nl")),
        Col("elders in de EER", "count", _count("personal_data_eea")),
        Col("buiten de EER", "count", _count("personal_data_non_eea")),
        Col("locatie onbekend", "count", _count("personal_data_unknown")),
        Col("bijzondere persoonsgegevens buiten of mogelijk buiten de EER", "count", _count("special_data_outside_eer")),
    ]
    notes = _definitions(defs, "eer", "geen_opgave")
    return _org_table(con, period, defs, 2, "persoonsgegevens-naar-locatie", "Verwerking van persoonsgegevens naar locatie",
                      "rpt_tabel_2_persoonsgegevens", cols, notes)


def table_6(con, period, defs) -> Table:
    cols = [
        Col("Diensten met VS-afhankelijkheid", "count", _count("active_us_dependent")),
        Col("waarvan materieel", "count", lambda r: int(r["materieel_us_direct"] or 0) + int(r["materieel_us_indirect"] or 0)),
        Col("materieel zonder uitwijkvoorziening", "count", _count("materieel_us_without_fallback")),
        Col("materieel zonder exitstrategie", "count", _count("materieel_us_without_exit")),
        Col("materieel zonder beide", "count", _count("materieel_us_without_fallback_and_exit")),
        Col("materieel zonder risicoanalyse", "count", _count("materieel_us_without_risk_assessment")),
    ]
    notes = _definitions(defs, "continuity", "us_dependent", "geen_opgave")
    return _org_table(con, period, defs, 6, "continuiteit-amerikaanse-diensten", "Continuïteit bij wegvallen van Amerikaanse diensten",
                      "rpt_tabel_6_continuiteit", cols, notes)


# ---------------------------------------------------------------- table 3
def table_3(con, period, defs) -> Table:
    rows = _query(con, "select * from marts.rpt_tabel_3_leveranciers where period = ? order by layer desc, row_order", [period])
    header = ["Concern", "Land hoofdkantoor", "Diensten", "Aandeel", "Organisaties", "Jaarlijkse kosten", "Aandeel kosten"]
    kinds = ["text", "text", "count", "share", "count", "euro", "share"]
    out: list[Row] = []
    notes = _definitions(defs, "concentration", "defensie_exclusion")
    for layer, label in (("vendor", "Leverancier (concern)"), ("provider", "Cloudaanbieder / hosting (concern)")):
        block = [r for r in rows if r["layer"] == layer]
        if not block:
            continue
        out.append(Row("group", [label]))
        for r in block:
            kind = "total" if r["row_kind"] == "total" else "data"
            country = None if r["row_kind"] != "data" else (r["country_name"] or r["country"] or "onbekend")
            out.append(Row(kind, [r["concern"], country, _int(r["services"]), r["share_services"], _int(r["organisations"]),
                                  r["annual_cost_eur"], r["share_cost"]]))
        first = block[0]
        if first["hhi"] is not None:
            notes.append(
                f"{label}: HHI {fmt.number(first['hhi'])}, CR3 {fmt.share(first['cr3'])}."
            )
    eer = rows[0]["share_public_eer_vendor"] if rows else None
    if eer is not None:
        verdict = "boven" if eer >= GOAL_EER_VENDOR else "onder"
        notes.append(
            f"Aandeel publieke clouddiensten van leveranciers uit Nederland of de EER: {fmt.share(eer)} "
            f"({verdict} het doel van {fmt.share(GOAL_EER_VENDOR, 0)})."
        )
    notes.append("Top 10 concerns naar aantal diensten (bij gelijke aantallen op naam); de overige concerns zijn samengenomen onder ‘Overig’.")
    return Table(3, "leveranciersaandeel", "Leveranciersaandeel public cloud (concernniveau)", source_line(con, period),
                 header, out, notes, kinds)


# ---------------------------------------------------------------- tables 4, 5 (service rows)
def _service_table(rows: list[dict], make: Callable[[dict], list]) -> tuple[list[Row], bool]:
    """Service rows grouped by ministry (Defensie last); returns the rows and whether Defensie is in."""
    out: list[Row] = []
    in_totals = [r for r in rows if r["in_rijksbreed_totals"]]
    apart = [r for r in rows if not r["in_rijksbreed_totals"]]
    for part in (in_totals, apart):
        for ministry, members in _by_ministry(part):
            out.append(Row("group", [ministry]))
            members.sort(key=lambda r: (_sort_key(r["org_name"]), _sort_key(r["service_name"]), r["service_id"]))
            out.extend(Row("data", make(r)) for r in members)
    out.append(Row("total", ["Totaal", fmt.count(len(rows)) + (" dienst" if len(rows) == 1 else " diensten")]
                   + [None] * (len(make(rows[0])) - 2 if rows else 0)))
    return out, bool(apart)


def table_4(con, period, defs) -> Table:
    rows = _query(con, "select * from marts.rpt_tabel_4_migraties where period = ?", [period])
    header = ["Organisatie", "Dienst", "Leverancier (land)", "Servicemodel", "Status", "Verwerkingslocatie", "Beoogde ingangsdatum"]

    def make(r):
        country = r["vendor_country_name"] or "land onbekend"
        return [r["org_name"], r["service_name"], f"{r['vendor']} ({country})", SERVICE_MODEL.labels.get(r["service_model"], r["service_model"]),
                STATUS.labels.get(r["status"], r["status"]), LOCATION.labels.get(r["location"], r["location"]), r["start_date"]]

    out, apart = _service_table(rows, make)
    if not rows:
        out = [Row("total", ["Totaal", "0 diensten", None, None, None, None, None])]
    notes = _definitions(defs, "foreign_migration") + (_definitions(defs, "defensie_exclusion") if apart else [])
    return Table(4, "cloudmigraties-buitenland", "Geplande en voorgenomen cloudmigraties naar het buitenland",
                 source_line(con, period), header, out, notes, ["text"] * 6 + ["date"])


def table_5(con, period, defs, year: int | None = None) -> Table:
    """Per period; with `year`, every service reconsidered in any quarter of that year (up to `period`),
    as last reported, with the first quarter it was reported."""
    header = ["Organisatie", "Dienst", "Leverancier", "Status", "Uitkomst"]
    if year is None:
        rows = _query(con, "select * from marts.rpt_tabel_5_heroverwogen where period = ?", [period])
    else:
        rows = _query(
            con,
            """select * from (
                 select *, min(period) over (partition by org_code, service_id) as first_period,
                        row_number() over (partition by org_code, service_id order by period desc) as n
                 from marts.rpt_tabel_5_heroverwogen where period like ? and period <= ?)
               where n = 1""",
            [f"{year}-Q%", period],
        )
        header = header + ["Eerst gemeld"]

    def make(r):
        cells = [r["org_name"], r["service_name"], r["vendor"], STATUS.labels.get(r["status"], r["status"]),
                 RECONSIDERED.labels.get(r["reconsidered"], r["reconsidered"])]
        return cells + ([fmt.period_label(r["first_period"])] if year is not None else [])

    out, apart = _service_table(rows, make)
    if not rows:
        out = [Row("total", ["Totaal", "0 diensten"] + [None] * (len(header) - 2))]
    notes = ["Heroverwogen: een dienst waarvan de organisatie meldt dat de migratie is doorgezet, aangepast of stopgezet. Toelichtingen staan niet in deze tabel."]
    notes += _definitions(defs, "defensie_exclusion") if apart else []
    return Table(5, "heroverwogen-migraties", "Heroverwogen migraties", source_line(con, period), header, out, notes,
                 ["text"] * len(header))


# ---------------------------------------------------------------- table 7
KPI_COLUMNS = (
    ("Materiële diensten", "materieel_services", "count", "delta_count"),
    ("aandeel met VS-afhankelijkheid", "share_materieel_us", "share", "delta_pp"),
    ("persoonsgegevens binnen de EER", "share_personal_data_in_eer", "share", "delta_pp"),
    ("HHI", "hhi_vendor", "index", "delta_index"),
    ("aandeel NL/EER-leveranciers", "share_public_eer_vendor", "share", "delta_pp"),
    ("migraties naar het buitenland", "foreign_migrations", "count", "delta_count"),
)


def table_7(con, period, defs) -> Table:
    rows = _query(con, "select * from marts.rpt_tabel_7_kerncijfers where period <= ? order by period", [period])
    header, kinds = ["Periode"], ["text"]
    for label, _, kind, dkind in KPI_COLUMNS:
        header += [label, f"verschil {label if label[:2].isupper() else label[0].lower() + label[1:]}"]
        kinds += [kind, dkind]
    out = []
    for r in rows:
        cells = [fmt.period_label(r["period"])]
        for _, col, kind, _ in KPI_COLUMNS:
            conv = _int if kind == "count" else (lambda v: None if v is None else float(v))
            cells += [conv(r[col]), conv(r[f"{col}_change"])]
        out.append(Row("data", cells))
    notes = _definitions(defs, "materieel", "us_dependent", "eer", "concentration", "foreign_migration", "defensie_exclusion")
    notes.append("Verschil: ten opzichte van het voorgaande kwartaal (leeg als dat kwartaal niet is uitgevraagd); aandelen in procentpunt. Rijksbreed totaal.")
    return Table(7, "ontwikkeling-kerncijfers", "Ontwikkeling rijksbrede kerncijfers", source_line(con, period), header, out, notes, kinds)


def build_tables(con, period: str, definitions: Mapping[str, str] | None = None, year: int | None = None) -> list[Table]:
    """The seven tables for `period`; with `year`, table 5 covers the whole year (annual overview)."""
    peildatum(period)
    defs = load_definitions() if definitions is None else definitions
    loaded = con.execute("select count(*) from marts.rpt_org_rows where period = ?", [period]).fetchone()[0]
    if not loaded:
        raise ReportError(f"Periode {period} staat niet in het warehouse: laad en bouw die periode eerst.")
    return [
        table_1(con, period, defs), table_2(con, period, defs), table_3(con, period, defs), table_4(con, period, defs),
        table_5(con, period, defs, year), table_6(con, period, defs), table_7(con, period, defs),
    ]
