"""Feedback to each organisation (terugkoppeling): `feedback/<ORG_CODE>.{xlsx,html}`.

One pair of files per organisation that sent any file in the period (accepted, rejected
as a whole or duplicate): its files, rejected rows and warnings (with what to change) and
its own figures as they will be published. The contact details appear here and nowhere
else. Submitted text is data: string cells in xlsx (never a formula), escaped in HTML.
"""

from __future__ import annotations

import datetime as dt
import re
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


def _files(con, period: str) -> dict[str, list[dict]]:
    """org_code -> the files it sent in `period` (one query for every organisation)."""
    rows = con.execute(
        "select org_code, file_id, file_name, status, message from audit.files "
        "where period = ? and org_code is not null order by org_code, file_id",
        [period],
    ).fetchall()
    out: dict[str, list[dict]] = {}
    for org, file_id, name, status, message in rows:
        out.setdefault(org, []).append(
            {"file_id": file_id, "bestand": name, "status": STATUS_NL.get(status, status), "melding": message or ""}
        )
    return out


def _problems(con, period: str, report=None) -> dict[str, list[dict]]:
    """org_code -> its rejected rows and warnings of `period` (one query for every
    organisation), followed by the findings of the GX checks meant for the sender."""
    rows = con.execute(
        """
        select f.org_code, kind, f.file_name, p.sheet, p.row_number, p."column", p.value, p.message, p.code
        from (select 'afgewezen rij' as kind, * exclude (raw_row) from audit.rejected_rows
              union all
              select 'waarschuwing' as kind, * exclude (raw_row) from audit.warnings) as p
        join audit.files as f using (file_id)
        where f.period = ? and f.org_code is not null
        order by f.org_code, f.file_id, p.sheet, p.row_number nulls first, kind, p."column", p.message
        """,
        [period],
    ).fetchall()
    todo = TODO_BY_CODE.get
    keys = PROBLEM_COLUMNS
    out: dict[str, list[dict]] = {}
    for r in rows:
        out.setdefault(r[0], []).append(dict(zip(keys, (*r[1:8], todo(r[8], GENERIC_TODO)))))
    if report is not None:  # findings of the GX checks meant for the sender (those with a todo)
        for check in report.results:
            if check.success or not check.todo_nl:
                continue
            column = check.column if check.column in _H or check.column == "peildatum" else None
            for row in check.failing_rows:
                org = row.get("org_code")
                if row.get("period") != period or org is None:
                    continue
                value = row.get(column) if column else row.get("service_id")
                out.setdefault(org, []).append(
                    dict(
                        zip(
                            keys,
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


def _figures(con, period: str) -> dict[str, list[tuple[str, object]]] | None:
    """org_code -> its published figures of `period` (None when org_metrics has none of them)."""
    cols = {
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns where table_schema = 'marts' and table_name = 'org_metrics'"
        ).fetchall()
    }
    shown = [c for c in FIGURES_NL if c in cols]
    if not shown:
        return None
    rows = con.execute(f"select org_code, {', '.join(shown)} from marts.org_metrics where period = ?", [period]).fetchall()
    labels = [FIGURES_NL[c] for c in shown]
    out: dict[str, list[tuple[str, object]]] = {}
    for org, *values in rows:
        if org not in out:
            out[org] = [(label, _number(v)) for label, v in zip(labels, values, strict=True)]
    return out


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


def _org_names(con, period: str) -> dict[str, str]:
    """org_code -> its name in the register on the period's peildatum."""
    day = peildatum(period)
    rows = con.execute(
        "select org_code, org_name from reference.organisations where valid_from <= ? "
        "and (valid_to is null or valid_to > ?) "
        "qualify row_number() over (partition by org_code order by valid_from desc) = 1",
        [day, day],
    ).fetchall()
    return dict(rows)


def _contact_line(contact: dict | None) -> str:
    if not contact:
        return "Contactpersoon: onbekend (niet opgegeven op het blad Organisatie)"
    name = contact.get("contact_name") or "onbekend"
    mail = contact.get("contact_email")
    return f"Aan: {name}" + (f" <{mail}>" if mail else "")


# --- xlsx ------------------------------------------------------------------------------------
# The workbook is written part by part as xlsxwriter writes it (same XML, same zip entries: the
# test compares the bytes with xlsxwriter's `in_memory` output), without xlsxwriter's per-cell
# objects: at 1,500 organisations that was most of this step. xlsxwriter still writes the parts
# that do not depend on the content (styles, theme, workbook, relations), once per process.

_SHEETS = ("Samenvatting", "Meldingen")
_XLSX_OPTIONS = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False, "in_memory": True}
_TITLE = "TITLE-7f3a9c"
_DAY = "1999-12-31T00:00:00Z"
_CONTROL_ESCAPED = re.compile("(_x[0-9a-fA-F]{4}_)")  # as xlsxwriter.xmlwriter
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
_XML_SPECIAL = re.compile('["&<>\n]')
_EDGE_SPACE = re.compile(r"^\s|\s$")
_STRMAX = 32767  # Excel's limit, in UTF-16 units
_COLS = "ABCDEFGH"


def _xml_text(text: str) -> str:
    if _XML_SPECIAL.search(text):
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


_SI_PLAIN = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff&<>]|_x|^\s|\s$")  # anything _si changes


def _si(text: str) -> str:
    """One <si> element, exactly as xlsxwriter writes a shared string."""
    if not _SI_PLAIN.search(text):
        return f"<si><t>{text}</t></si>"
    if "_x" in text:
        text = _CONTROL_ESCAPED.sub(r"_x005F\1", text)
    text = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", text)
    text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    if text.startswith("<r>") and text.endswith("</r>"):
        return f"<si>{text}</si>"
    space = ' xml:space="preserve"' if _EDGE_SPACE.search(text) else ""
    return f"<si><t{space}>{_xml_text(text)}</t></si>"


def _fit(text: str) -> str:
    """xlsxwriter truncates a string beyond Excel's 32,767 UTF-16 units."""
    if len(text) > _STRMAX // 2 and len(text.encode("utf-16-le", "surrogatepass")) // 2 > _STRMAX:
        length = 0
        for i, char in enumerate(text):
            length += 2 if ord(char) > 0xFFFF else 1
            if length > _STRMAX:
                return text[:i]
    return text


class _Sheet:
    """The cells of one worksheet, written in row order (left to right within a row)."""

    def __init__(self, strings: dict[str, int], counter: list[int]):
        self.rows: list[tuple[int, int, int, str]] = []  # row, first col, last col, cells
        self.strings = strings
        self.counter = counter  # [string cells written]

    def index(self, text: str) -> int:
        text = _fit(text)
        self.counter[0] += 1
        i = self.strings.get(text)
        if i is None:
            i = self.strings[text] = len(self.strings)
        return i

    def row(self, r: int, cells: list[tuple[int, object, bool]]) -> None:
        """cells: (col, str or number, bold); a str is a string cell, anything else a number."""
        parts = []
        for c, value, bold in cells:
            ref = f"{_COLS[c]}{r + 1}"
            if isinstance(value, str):
                style = ' s="1"' if bold else ""
                parts.append(f'<c r="{ref}"{style} t="s"><v>{self.index(value)}</v></c>')
            else:
                parts.append(f'<c r="{ref}"><v>{value:.16G}</v></c>')
        self.rows.append((r, cells[0][0], cells[-1][0], "".join(parts)))

    def xml(self, head: str, middle: str, tail: str) -> str:
        rows = self.rows
        first, last = rows[0][0], rows[-1][0]
        colmin = min(x[1] for x in rows)
        colmax = max(x[2] for x in rows)
        if first == last and colmin == colmax:
            ref = f"{_COLS[colmin]}{first + 1}"
        else:
            ref = f"{_COLS[colmin]}{first + 1}:{_COLS[colmax]}{last + 1}"
        spans: dict[int, str] = {}  # per block of 16 rows, as xlsxwriter
        for r, lo, hi, _ in rows:
            block = r // 16
            if block in spans:
                a, b = spans[block]
                spans[block] = (min(a, lo), max(b, hi))
            else:
                spans[block] = (lo, hi)
        body = "".join(
            f'<row r="{r + 1}" spans="{spans[r // 16][0] + 1}:{spans[r // 16][1] + 1}">{cells}</row>'
            for r, _, _, cells in rows
        )
        return f'{head}<dimension ref="{ref}"/>{middle}<sheetData>{body}</sheetData>{tail}'


def _problem_rows(ws: _Sheet, problems) -> None:
    """The rows of the Meldingen sheet (from row 2): `_Sheet.row` unrolled for its 8 columns,
    the bulk of every workbook."""
    index = ws.index
    keys = [(_COLS[col], key) for col, key in enumerate(PROBLEM_COLUMNS)]
    rows = ws.rows
    for i, p in enumerate(problems, start=2):
        parts = []
        first = last = None
        for col, (letter, key) in enumerate(keys):
            v = p[key]
            if v is None:
                continue
            if key == "rij" and isinstance(v, int):
                parts.append(f'<c r="{letter}{i}"><v>{v:.16G}</v></c>')
            else:
                parts.append(f'<c r="{letter}{i}" t="s"><v>{index(str(v))}</v></c>')
            if first is None:
                first = col
            last = col
        if parts:
            rows.append((i - 1, first, last, "".join(parts)))


def _xlsx_setup(ws1, ws2):
    """The column widths of both sheets (in the template workbook)."""
    ws1.set_column(0, 0, 55)
    ws1.set_column(1, 3, 40)
    ws2.set_column(0, 7, 25)


_template_cache: dict = {}


def _template() -> dict:
    """The parts xlsxwriter writes for a workbook of this shape, split where the content goes."""
    if _template_cache:
        return _template_cache
    import io
    import zipfile

    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, _XLSX_OPTIONS)
    wb.set_properties({"title": _TITLE, "created": dt.datetime(1999, 12, 31)})
    bold = wb.add_format({"bold": True})
    ws1, ws2 = wb.add_worksheet(_SHEETS[0]), wb.add_worksheet(_SHEETS[1])
    _xlsx_setup(ws1, ws2)
    ws1.write_string(0, 0, "x", bold)  # a bold cell: the format is in styles.xml only when used
    ws2.write_string(0, 0, "x", bold)
    wb.close()
    parts: dict[str, str] = {}
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
        names = z.namelist()
        for n in names:
            parts[n] = z.read(n).decode("utf-8")
    sheets = {}
    for n in ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"):
        text = parts[n]
        head, rest = text.split("<dimension ", 1)
        middle = rest.split("/>", 1)[1].split("<sheetData>", 1)[0]
        tail = text.split("</sheetData>", 1)[1]
        sheets[n] = (head, middle, tail)
    sst = parts["xl/sharedStrings.xml"]
    _template_cache.update(
        names=names,
        parts=parts,
        sheets=sheets,
        sst_head=sst.split("<sst ", 1)[0],
        core=parts["docProps/core.xml"],
    )
    return _template_cache


def _write_xlsx(path: Path, period: str, org: str, name: str, contact: str, files, problems, figures) -> None:
    import zipfile

    t = _template()
    day = peildatum(period)
    strings: dict[str, int] = {}
    counter = [0]
    ws = _Sheet(strings, counter)
    r = 0
    for text in (f"Terugkoppeling uitvraag clouddiensten {period}", f"{name} ({org})", contact):
        ws.row(r, [(0, text, r == 0)])
        r += 1
    r += 1
    ws.row(r, [(0, "Ontvangen bestanden", True)])
    r += 1
    ws.row(r, [(col, h, True) for col, h in enumerate(("Bestand", "Status", "Melding"))])
    for f in files:
        r += 1
        ws.row(r, [(col, str(f[key]), False) for col, key in enumerate(("bestand", "status", "melding"))])
    r += 2
    ws.row(r, [(0, "Uw cijfers zoals ze gepubliceerd worden", True)])
    r += 1
    if figures is None:
        ws.row(r, [(0, NO_FIGURES, False)])
    else:
        for label, v in figures:
            ws.row(r, [(0, label, False), (1, "n.v.t." if v is None else v, False)])
            r += 1
    ws2 = _Sheet(strings, counter)
    ws2.row(0, [(col, h, True) for col, h in enumerate(PROBLEM_COLUMNS)])
    _problem_rows(ws2, problems)
    sst = "".join(map(_si, strings))  # dicts keep insertion order = index order
    content = dict(t["parts"])
    content["xl/worksheets/sheet1.xml"] = ws.xml(*t["sheets"]["xl/worksheets/sheet1.xml"])
    content["xl/worksheets/sheet2.xml"] = ws2.xml(*t["sheets"]["xl/worksheets/sheet2.xml"])
    content["xl/sharedStrings.xml"] = (
        f'{t["sst_head"]}<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{counter[0]}" uniqueCount="{len(strings)}">{sst}</sst>'
    )
    content["docProps/core.xml"] = (
        t["core"].replace(_xml_text(_TITLE), _xml_text(f"Terugkoppeling {org} {period}")).replace(_DAY, f"{day:%Y-%m-%d}T00:00:00Z")
    )
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for n in t["names"]:
            info = zipfile.ZipInfo(n, (1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, content[n].encode("utf-8"))


def _escape_all(texts: list[str]) -> list[str]:
    """html.escape of every text, in one pass over all of them (a NUL never occurs in the
    escaped characters; a text holding one is escaped on its own)."""
    if not texts:
        return []
    joined = "\x00".join(texts)
    if joined.count("\x00") != len(texts) - 1:
        return [escape(t) for t in texts]
    return escape(joined).split("\x00")


def _html(period: str, org: str, name: str, contact: str, files, problems, figures) -> str:
    e = escape

    def table(caption, header, rows):
        head = "".join(f'<th scope="col">{e(h)}</th>' for h in header)
        rows = [["" if c is None else str(c) for c in row] for row in rows]
        cells = iter(_escape_all([c for row in rows for c in row]))
        body = "".join("<tr>" + "".join(f"<td>{next(cells)}</td>" for _ in row) + "</tr>" for row in rows)
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


# Above this much work (rows of messages plus organisations) a second process writes half of
# the files: at national scale that halves the step on the second core; below it the start-up
# of a process (~0.3 s) does not pay.
PARALLEL_FROM = 20_000


def _write_org(folder: Path, period: str, job) -> list[Path]:
    org, name, contact, files, problems, figures = job
    xlsx = folder / f"{org}.xlsx"
    _write_xlsx(xlsx, period, org, name, contact, files, problems, figures)
    html_path = folder / f"{org}.html"
    html_path.write_text(_html(period, org, name, contact, files, problems, figures), encoding="utf-8")
    return [xlsx, html_path]


def _write_orgs(folder: Path, period: str, jobs) -> list[Path]:
    written: list[Path] = []
    for job in jobs:
        written += _write_org(folder, period, job)
    return written


def _cores() -> int:
    import os

    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def write_feedback(con, period: str, out_dir: Path, contacts: dict[str, dict], report=None, *,
                   workers: int | None = None) -> list[Path]:
    """Write `feedback/<ORG_CODE>.xlsx` and `.html` for every organisation that sent a file in
    `period`. `contacts`: org_code -> {contact_name, contact_email}. `report` (optional, a
    QualityReport): its findings on this organisation's rows that carry a `todo_nl` (the
    submission_rows suite, services that disappeared, vendor changes) are added to the list.
    `workers`: processes that write files (None: 2 on a machine with 2 or more cores when
    there is enough work, else 1). Returns the paths in organisation order."""
    folder = Path(out_dir) / "feedback"
    folder.mkdir(parents=True, exist_ok=True)
    orgs = [
        r[0]
        for r in con.execute(
            "select distinct org_code from audit.files where period = ? and org_code is not null order by 1", [period]
        ).fetchall()
    ]
    if not orgs:
        return []
    names = _org_names(con, period)
    files = _files(con, period)
    problems = _problems(con, period, report)
    figures = _figures(con, period)
    jobs = [
        (
            org,
            names.get(org, org),
            _contact_line(contacts.get(org)),
            files.get(org, []),
            problems.get(org, []),
            None if figures is None else figures.get(org),
        )
        for org in orgs
    ]
    if workers is None:
        work = len(jobs) + sum(len(j[4]) for j in jobs)
        workers = 2 if _cores() >= 2 and work >= PARALLEL_FROM else 1
    if workers <= 1 or len(jobs) < 2:
        return _write_orgs(folder, period, jobs)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # every `workers`-th organisation to each process (the parent takes the first share):
    # organisations of similar size are next to each other in no particular order, so this
    # balances well enough. spawn, not fork: the parent holds DuckDB's threads; an executor,
    # not a Pool: a worker that dies raises BrokenProcessPool instead of being restarted forever
    shares = [jobs[i::workers] for i in range(workers)]
    with ProcessPoolExecutor(workers - 1, mp_context=multiprocessing.get_context("spawn")) as pool:
        pending = [pool.submit(_write_orgs, folder, period, share) for share in shares[1:]]
        mine = _write_orgs(folder, period, shares[0])
        try:
            done = [mine] + [f.result() for f in pending]
        except BrokenProcessPool:  # a worker could not start or died: write its share here
            done = [mine] + [_write_orgs(folder, period, share) for share in shares[1:]]
    per_org: list[list[Path]] = [[] for _ in jobs]
    for i, paths in enumerate(done):
        for k in range(len(paths) // 2):
            per_org[i + k * workers] = paths[2 * k : 2 * k + 2]
    return [p for paths in per_org for p in paths]
