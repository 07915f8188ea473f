"""The annual overview (jaaroverzicht) for Parliament: a generated summary in plain Dutch, charts
(static SVG, each with a text alternative and its table beside it) and the seven tables of the
last loaded period of the year. One self-contained HTML page and one PDF/A."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from pathlib import Path

from reports import fmt
from reports.model import Meta, ReportError, Row, Table
from reports.render import RIJKS_BLUE, html, pdf
from reports.tables import SCOPE_LABELS, _query, build_tables, peildatum, short_ministry

LOCATIONS = (("personal_data_nl", "Nederland"), ("personal_data_eea", "elders in de EER"),
             ("personal_data_non_eea", "buiten de EER"), ("personal_data_unknown", "onbekend"))
CHART_FONT = "DejaVu Sans"
PALETTE = ["#154273", "#8fcae7", "#e17000", "#696969"]  # lintblauw, hemelblauw, oranje, grijs


@dataclass
class Chart:
    number: int
    title: str
    alt: str  # the text alternative
    svg: str
    table: Table


# ---------------------------------------------------------------- figures
def _svg(chart) -> str:
    import vl_convert as vlc

    # one font for measuring (vl-convert) and drawing (typst, browsers), so labels are not clipped
    return vlc.vegalite_to_svg(chart.configure(font=CHART_FONT).to_json(), format_locale="nl-NL")


def _trend_chart(rows: list[dict], source: str) -> Chart:
    import altair as alt

    series = (("share_materieel_us", "materieel met VS-afhankelijkheid"),
              ("share_personal_data_in_eer", "persoonsgegevens binnen de EER"),
              ("share_public_eer_vendor", "public cloud van NL/EER-leveranciers"))
    data = [{"Kwartaal": fmt.period_label(r["period"]), "Kerncijfer": label, "Aandeel": float(r[col])}
            for r in rows for col, label in series if r[col] is not None]
    order = [fmt.period_label(r["period"]) for r in rows]  # chronological, not alphabetical
    chart = alt.Chart(alt.Data(values=data)).mark_line(point=True).encode(
        x=alt.X("Kwartaal:O", title="Kwartaal", sort=order, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("Aandeel:Q", axis=alt.Axis(format=".0%"), scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("Kerncijfer:N", scale=alt.Scale(range=PALETTE[:3]), legend=alt.Legend(orient="bottom", columns=1, labelLimit=0)),
    ).properties(width=520, height=260)
    table = Table(0, "trend", "Kerncijfers per kwartaal", source, ["Kwartaal"] + [label for _, label in series],
                  [Row("data", [fmt.period_label(r["period"])] + [None if r[c] is None else float(r[c]) for c, _ in series]) for r in rows],
                  [], ["text", "share", "share", "share"])
    last = rows[-1]
    parts = [f"{label} {fmt.share(last[col])}" for col, label in series if last[col] is not None]
    alt_text = (f"Lijndiagram van drie aandelen per kwartaal, {fmt.period_label(rows[0]['period'])} tot en met "
                f"{fmt.period_label(last['period'])}. In het laatste kwartaal: " + "; ".join(parts) + ".")
    return Chart(1, "Ontwikkeling van de kerncijfers per kwartaal", alt_text, _svg(chart), table)


def _vendor_chart(t3: Table) -> Chart:
    import altair as alt

    block = []
    for row in t3.rows[1:]:
        if row.kind == "group":
            break
        if row.kind == "data":
            block.append(row)
    data = [{"Concern": r.cells[0], "Aandeel": float(r.cells[3] or 0)} for r in block]
    chart = alt.Chart(alt.Data(values=data)).mark_bar(color=RIJKS_BLUE).encode(
        x=alt.X("Aandeel:Q", axis=alt.Axis(format=".0%"), title="Aandeel in public clouddiensten"),
        y=alt.Y("Concern:N", sort=None, title=None, axis=alt.Axis(labelLimit=0)),
    ).properties(width=480, height=max(60, 22 * len(data)))
    table = Table(0, "leveranciers", "Aandeel per concern", t3.source, ["Concern", "Aandeel"],
                  [Row("data", [r.cells[0], r.cells[3]]) for r in block], [], ["text", "share"])
    top = ", ".join(f"{r.cells[0]} {fmt.share(r.cells[3] or 0)}" for r in block[:3])
    alt_text = f"Staafdiagram van het aandeel van de grootste concerns in de public clouddiensten (incl. Overig). Grootste: {top}."
    return Chart(2, "Leveranciersaandeel public cloud (concernniveau)", alt_text, _svg(chart), table)


def _location_chart(con, period: str, source: str) -> Chart:
    import altair as alt

    cols = ", ".join(f"sum({c}) as {c}" for c, _ in LOCATIONS)
    rows = _query(con, f"""select ministry_name, {cols} from marts.rpt_tabel_2_persoonsgegevens
                           where period = ? and row_scope = 'org' and has_submission and in_rijksbreed_totals
                           group by ministry_name order by ministry_name""", [period])
    rows = [r for r in rows if sum(int(r[c] or 0) for c, _ in LOCATIONS)]
    data = [{"Ministerie": short_ministry(r["ministry_name"]), "Locatie": label, "Diensten": int(r[c] or 0), "Volgorde": i}
            for r in rows for i, (c, label) in enumerate(LOCATIONS)]
    chart = alt.Chart(alt.Data(values=data)).mark_bar().encode(
        x=alt.X("Diensten:Q", stack="zero", title="Diensten met persoonsgegevens"),
        y=alt.Y("Ministerie:N", title=None, axis=alt.Axis(labelLimit=0)),
        color=alt.Color("Locatie:N", scale=alt.Scale(domain=[l for _, l in LOCATIONS], range=PALETTE), legend=alt.Legend(orient="bottom", labelLimit=0)),
        order=alt.Order("Volgorde:Q"),
    ).properties(width=420, height=max(60, 24 * len(rows)))
    table = Table(0, "locaties", "Diensten met persoonsgegevens naar locatie, per ministerie", source,
                  ["Ministerie"] + [l for _, l in LOCATIONS],
                  [Row("data", [r["ministry_name"]] + [int(r[c] or 0) for c, _ in LOCATIONS]) for r in rows], [],
                  ["text"] + ["count"] * len(LOCATIONS))
    total = {c: sum(int(r[c] or 0) for r in rows) for c, _ in LOCATIONS}
    alt_text = ("Gestapeld staafdiagram per ministerie van de diensten met persoonsgegevens naar verwerkingslocatie. Samen: "
                + ", ".join(f"{label} {fmt.count(total[c])}" for c, label in LOCATIONS) + ".")
    return Chart(3, "Locatie van persoonsgegevens per ministerie", alt_text, _svg(chart), table)


# ---------------------------------------------------------------- summary
def _change(now, before, kind: str) -> str | None:
    if now is None or before is None:
        return None
    diff = float(now) - float(before)
    if kind == "share":
        amount = fmt.number(abs(diff) * 100, 0)
        return "evenveel als" if amount == "0" else f"{amount} procentpunt {'meer' if diff > 0 else 'minder'} dan"
    amount = fmt.count(abs(diff))
    return "evenveel als" if amount == "0" else f"{amount} {'meer' if diff > 0 else 'minder'} dan"


def summary(year: int, last: dict, before: dict | None) -> list[str]:
    """Plain-Dutch sentences on the headline figures of the last period, compared with a year earlier."""
    b = before or {}
    when = " een jaar eerder"

    def compared(col, kind):
        text = _change(last[col], b.get(col), kind)
        return f", {text}{when}" if text else ""

    out = [
        f"In {year} ({fmt.period_label(last['period'])}) gebruikten {fmt.count(last['organisations'])} organisaties "
        f"{fmt.count(last['materieel_services'])} materiële public clouddiensten{compared('materieel_services', 'count')}."
    ]
    if last["share_materieel_us"] is not None:
        out.append(f"{fmt.share(last['share_materieel_us'], 0)} daarvan hangt af van een Amerikaanse leverancier"
                   f"{compared('share_materieel_us', 'share')}.")
    if last["share_personal_data_in_eer"] is not None:
        out.append(f"Van de diensten met persoonsgegevens verwerkt {fmt.share(last['share_personal_data_in_eer'], 0)} "
                   f"die gegevens binnen de EER{compared('share_personal_data_in_eer', 'share')}.")
    if last["share_public_eer_vendor"] is not None:
        goal = "boven" if last["share_public_eer_vendor"] >= 0.30 else "onder"
        # next to the 30%-goal a share that rounds to 30% needs its decimal: '30,3% … boven', not '30% … boven'
        places = 1 if fmt.share(last["share_public_eer_vendor"], 0) == "30%" else 0
        out.append(f"{fmt.share(last['share_public_eer_vendor'], places)} van de public clouddiensten komt van een leverancier uit "
                   f"Nederland of de EER; dat is {goal} het doel van 30%{compared('share_public_eer_vendor', 'share')}.")
    out.append(f"Er staan {fmt.count(last['foreign_migrations'])} cloudmigraties naar het buitenland gepland of voorgenomen"
               f"{compared('foreign_migrations', 'count')}.")
    if before is None:
        out.append("Een vergelijking met een jaar eerder is niet mogelijk: dat kwartaal is niet uitgevraagd.")
    out.append(f"De cijfers gaan over de {SCOPE_LABELS['rijksdienst'].lower()} en de zbo's samen, zonder Defensie.")
    return out


# ---------------------------------------------------------------- output
def _html(meta: Meta, sentences: list[str], charts: list[Chart], tables: list[Table]) -> str:
    parts = ['<section><h2>Samenvatting</h2>' + "".join(f"<p>{escape(s)}</p>" for s in sentences) + "</section>"]
    for c in charts:
        svg = re.sub(r"<svg\b([^>]*)>", lambda m: f'<svg role="img" aria-labelledby="fig{c.number}-alt" aria-describedby="fig{c.number}-desc"{m.group(1)}>'
                     f'<title id="fig{c.number}-alt">{escape(c.title)}</title>', c.svg, count=1)
        parts.append(
            f'<section><h2>Figuur {c.number}. {escape(c.title)}</h2><div class="chart-row">'
            f'<figure>{svg}<figcaption id="fig{c.number}-desc">{escape(c.alt)}</figcaption></figure>'
            f"{html.table_html(c.table)}</div></section>"
        )
    parts.append("<h2>Tabellen</h2>")
    parts += [html.table_html(t) for t in tables]
    css = '<style>.chart-row{display:flex;flex-wrap:wrap;gap:2rem;align-items:flex-start}figure svg{max-width:100%;height:auto}</style>'
    return html.page(meta, css + "\n".join(parts))


OVERVIEW_BODY = """
#title(d.title)
#par(d.subtitle)
#for line in d.colophon { par(strong(line)) }
== Samenvatting
#for s in d.summary { par(s) }
#for c in d.charts {
  heading(level: 2, c.caption)
  figure(image(bytes(c.svg), format: "svg", alt: c.alt, width: 60%), caption: none)
  par(text(size: 7pt, c.alt))
  kbtable(c.table)
}
#pagebreak()
= Tabellen
#for t in d.tables { kbtable(t) }
"""


def write_overview(con, year: int, out_dir: Path) -> list[Path]:
    trend = _query(con, "select * from marts.rpt_tabel_7_kerncijfers order by period")
    in_year = [r for r in trend if r["period"].startswith(f"{year}-Q")]
    if not in_year:
        raise ReportError(f"Geen gegevens voor {year} in het warehouse: laad en bouw eerst een kwartaal van {year}.")
    last = in_year[-1]
    period = last["period"]
    before = next((r for r in trend if r["period"] == f"{year - 1}-Q{period[-1]}"), None)
    tables = build_tables(con, period, year=year)
    source = tables[0].source
    history = [r for r in trend if r["period"] <= period]
    charts = [_trend_chart(history, source), _vendor_chart(tables[2]), _location_chart(con, period, source)]
    sentences = summary(year, last, before)
    meta = Meta(f"Jaaroverzicht cloudgebruik Rijksoverheid {year}", peildatum(period), None,
                f"Stand per {fmt.long_date(peildatum(period))} ({fmt.period_label(period)})")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path, pdf_path = out_dir / "jaaroverzicht.html", out_dir / "jaaroverzicht.pdf"
    html_path.write_text(_html(meta, sentences, charts, tables), encoding="utf-8", newline="\n")
    pdf.compile_pdf(pdf_path, meta, OVERVIEW_BODY, {
        "summary": sentences,
        "charts": [{"caption": f"Figuur {c.number}. {c.title}", "svg": c.svg, "alt": c.alt, "table": pdf.table_data(c.table)} for c in charts],
        "tables": [pdf.table_data(t) for t in tables],
    })
    return [html_path, pdf_path]
