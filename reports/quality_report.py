"""The data-quality report of a run: `kwaliteit/datakwaliteit.{html,json}` (internal, Dutch).

Deterministic: the same QualityReport gives byte-identical files (no timestamps, sorted
keys, rows in the order the checks produced them).
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

SEVERITY_NL = {"blocking": "blokkerend", "warning": "waarschuwing"}
SCOPE_NL = {"rijksdienst": "Rijksdienst", "zbo": "zbo's", "apart": "buiten de rijksbrede totalen"}
HTML_ROW_LIMIT = 100


def _plain(value):
    from expectations.run import plain

    return plain(value)


def _completeness(report) -> list[dict]:
    df = report.completeness
    out = []
    if df is None or len(df) == 0:
        return out
    for period in sorted(df["period"].unique()):
        part = df[df["period"] == period]
        missing = part[(part["files_received"] == 0) & (~part["has_figures"].astype(bool))]
        rejected = part[part["files_rejected"] > 0]
        per_scope = []
        for scope in ("rijksdienst", "zbo", "apart"):
            s = part[part["scope"] == scope]
            per_scope.append(
                {
                    "scope": scope,
                    "organisaties_verwacht": int(len(s)),
                    "organisaties_met_cijfers": int(s["has_figures"].astype(bool).sum()),
                }
            )

        def orgs(frame):
            return [
                {"org_code": r.org_code, "organisatie": r.org_name, "scope": r.scope, "heeft_cijfers": bool(r.has_figures)}
                for r in frame.itertuples()
            ]

        out.append(
            {
                "periode": period,
                "per_scope": per_scope,
                "geen_aanlevering": orgs(missing),
                "bestand_afgewezen": orgs(rejected),
            }
        )
    return out


def report_dict(report) -> dict:
    """The whole report as a JSON-able dict (the content of datakwaliteit.json)."""
    suites: dict[str, list] = {}
    for r in report.results:
        suites.setdefault(r.suite, []).append(
            {
                "controle": r.expectation,
                "omschrijving": r.description_nl,
                "ernst": SEVERITY_NL[r.severity],
                "geslaagd": r.success,
                "afwijkende_waarden": [_plain(v) for v in r.failing_values],
                "afwijkende_rijen": r.failing_rows,
            }
        )
    failed = [r for r in report.results if not r.success]
    return {
        "periode": report.period,
        "samenvatting": {
            "controles": len(report.results),
            "geslaagd": sum(r.success for r in report.results),
            "blokkerend_mislukt": [f"{r.suite}.{r.expectation}" for r in failed if r.severity == "blocking"],
            "waarschuwingen": [
                {"controle": f"{r.suite}.{r.expectation}", "omschrijving": r.description_nl, "aantal": len(r.failing_rows)}
                for r in failed
                if r.severity == "warning"
            ],
            "publicatie_toegestaan": not report.blocking_failures,
        },
        "suites": [{"suite": name, "controles": checks} for name, checks in suites.items()],
        "volledigheid": _completeness(report),
        "herzieningen": report.restatements,
    }


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, (list, dict)):
        return escape(json.dumps(value, ensure_ascii=False, sort_keys=True))
    return escape(str(value))


def _table(rows: list[dict], caption: str) -> str:
    if not rows:
        return ""
    columns = list(rows[0])
    shown = rows[:HTML_ROW_LIMIT]
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_cell(r.get(c))}</td>" for c in columns) + "</tr>" for r in shown)
    more = (
        f"<p>… en nog {len(rows) - HTML_ROW_LIMIT} rijen (zie datakwaliteit.json).</p>"
        if len(rows) > HTML_ROW_LIMIT
        else ""
    )
    return f"<table><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


CSS = """
body { font-family: "RijksoverheidSansText", Verdana, sans-serif; margin: 2rem; color: #000; }
h1, h2, h3 { color: #154273; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 0.9rem; }
caption { text-align: left; font-weight: bold; padding: 0.3rem 0; }
th { text-align: left; border-bottom: 2px solid #154273; padding: 0.2rem 0.5rem; }
td { border-bottom: 1px solid #ccc; padding: 0.2rem 0.5rem; vertical-align: top; }
.fout { color: #b00020; font-weight: bold; }
.waarschuwing { color: #8a4b00; font-weight: bold; }
.goed { color: #1e6b1e; }
"""


def render_html(data: dict) -> str:
    period = data["periode"] or "alle perioden"
    s = data["samenvatting"]
    parts = [
        '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8">',
        f"<title>Datakwaliteit {escape(period)}</title><style>{CSS}</style></head><body>",
        f"<h1>Datakwaliteit uitvraag clouddiensten — {escape(period)}</h1>",
        "<p>Intern document: bevat afgewezen waarden uit de aanleveringen. Niet publiceren.</p>",
        "<h2>Samenvatting</h2>",
        f"<p>{s['geslaagd']} van {s['controles']} controles geslaagd. ",
    ]
    if s["blokkerend_mislukt"]:
        parts.append(
            '<span class="fout">Blokkerende controles mislukt: publicatie geweigerd.</span></p><ul>'
            + "".join(f"<li>{escape(c)}</li>" for c in s["blokkerend_mislukt"])
            + "</ul>"
        )
    else:
        parts.append('<span class="goed">Geen blokkerende fouten: publicatie toegestaan.</span></p>')
    if s["waarschuwingen"]:
        parts.append(
            _table(
                [{"controle": w["controle"], "omschrijving": w["omschrijving"], "aantal": w["aantal"]} for w in s["waarschuwingen"]],
                "Waarschuwingen",
            )
        )
    parts.append("<h2>Volledigheid</h2>")
    for v in data["volledigheid"]:
        parts.append(f"<h3>{escape(v['periode'])}</h3>")
        parts.append(
            _table(
                [
                    {
                        "scope": SCOPE_NL.get(p["scope"], p["scope"]),
                        "verwacht": p["organisaties_verwacht"],
                        "met cijfers": p["organisaties_met_cijfers"],
                    }
                    for p in v["per_scope"]
                ],
                "Organisaties per scope",
            )
        )
        for key, caption in (
            ("geen_aanlevering", "Organisaties die niets hebben aangeleverd"),
            ("bestand_afgewezen", "Organisaties met een bestand dat als geheel is afgewezen"),
        ):
            rows = [
                {"code": o["org_code"], "organisatie": o["organisatie"], "scope": SCOPE_NL.get(o["scope"], o["scope"])}
                for o in v[key]
            ]
            parts.append(_table(rows, caption) if rows else f"<p>{escape(caption)}: geen.</p>")
    parts.append("<h2>Herzieningen van eerdere perioden</h2>")
    parts.append(_table(data["herzieningen"], "Gewijzigde cijfers") if data["herzieningen"] else "<p>Geen.</p>")
    for suite in data["suites"]:
        parts.append(f"<h2>Suite {escape(suite['suite'])}</h2>")
        overview = [
            {
                "controle": c["controle"],
                "omschrijving": c["omschrijving"],
                "ernst": c["ernst"],
                "uitkomst": "geslaagd" if c["geslaagd"] else "mislukt",
            }
            for c in suite["controles"]
        ]
        parts.append(_table(overview, f"Controles van suite {suite['suite']}"))
        for c in suite["controles"]:
            if c["geslaagd"]:
                continue
            klass = "fout" if c["ernst"] == "blokkerend" else "waarschuwing"
            parts.append(f'<h3 class="{klass}">{escape(c["controle"])} ({escape(c["ernst"])})</h3>')
            parts.append(f"<p>{escape(c['omschrijving'])}. Afwijkende waarden: {_cell(c['afwijkende_waarden'])}</p>")
            parts.append(_table(c["afwijkende_rijen"], f"Afwijkende rijen bij {c['controle']}"))
    parts.append("</body></html>\n")
    return "".join(parts)


_encode_str = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) uses


def _json_float(v: float) -> str:
    if v != v:
        return "NaN"
    if v in (float("inf"), float("-inf")):
        return "Infinity" if v > 0 else "-Infinity"
    return float.__repr__(v)


def _json_rows(rows, level: int) -> list[str] | None:
    """The items of a list of dicts that all have the same (text) keys, encoded column by
    column; None for any other list."""
    first = rows[0]
    if type(first) is not dict or not first or not all(type(k) is str for k in first):
        return None
    keys = first.keys()
    if not all(type(r) is dict and r.keys() == keys for r in rows):
        return None
    columns = []
    for k in sorted(keys):
        columns.append(
            [
                _encode_str(v) if type(v) is str else "null" if v is None else _json(v, level + 1)
                for v in [r[k] for r in rows]
            ]
        )
    sep = "\n" + "  " * (level + 1)
    template = "{" + sep + ("," + sep).join(_encode_str(k).replace("%", "%%") + ": %s" for k in sorted(keys))
    template += "\n" + "  " * level + "}"
    return [template % values for values in zip(*columns)]


def _json_into(o, level: int, out: list[str]) -> None:
    """Append the pieces of `_json(o, level)` to `out` (one join at the end, not one per level)."""
    t = type(o)
    if (t is list or t is tuple) and o:
        sep = "\n" + "  " * (level + 1)
        rows = _json_rows(o, level + 1)
        out.append("[" + sep)
        if rows is not None:
            out.append(("," + sep).join(rows))
        else:
            for i, v in enumerate(o):
                if i:
                    out.append("," + sep)
                _json_into(v, level + 1, out)
        out.append("\n" + "  " * level + "]")
    elif t is dict and o and all(type(k) is str for k in o):
        sep = "\n" + "  " * (level + 1)
        out.append("{")
        for i, (k, v) in enumerate(sorted(o.items())):
            out.append(("," if i else "") + sep + _encode_str(k) + ": ")
            _json_into(v, level + 1, out)
        out.append("\n" + "  " * level + "}")
    else:
        out.append(_json_scalar(o, level))


def _json_scalar(o, level: int) -> str:
    t = type(o)
    if t is str:
        return _encode_str(o)
    if o is None:
        return "null"
    if o is True:
        return "true"
    if o is False:
        return "false"
    if t is int:
        return int.__repr__(o)
    if t is float:
        return _json_float(o)
    # anything else (empty containers, other keys, other types) as json writes it: every
    # newline of its indented text is indentation
    return json.dumps(o, ensure_ascii=False, indent=2, sort_keys=True).replace("\n", "\n" + "  " * level)


def _json(o, level: int = 0) -> str:
    """`json.dumps(o, ensure_ascii=False, indent=2, sort_keys=True)`, the same text: json's
    indenting encoder is pure Python, and the report can list 300,000 failing rows."""
    out: list[str] = []
    _json_into(o, level, out)
    return "".join(out)


def write_quality_report(report, out_dir: Path) -> list[Path]:
    """Write `kwaliteit/datakwaliteit.json` and `.html` under `out_dir`; returns the paths."""
    folder = Path(out_dir) / "kwaliteit"
    folder.mkdir(parents=True, exist_ok=True)
    data = report_dict(report)
    json_path = folder / "datakwaliteit.json"
    json_path.write_text(_json(data) + "\n", encoding="utf-8")
    html_path = folder / "datakwaliteit.html"
    html_path.write_text(render_html(data), encoding="utf-8")
    return [html_path, json_path]
