"""One self-contained, accessible HTML page (WCAG 2.1 AA): real tables with <caption> and
<th scope>, no JavaScript, no external resources."""

from __future__ import annotations

from html import escape
from pathlib import Path

from reports import fmt
from reports.model import Meta, Table
from reports.render import GREY_LINE, RIJKS_BLUE, texts

CSS = f"""
body {{ font-family: "RO Sans", Calibri, Verdana, Arial, sans-serif; color: #000; background: #fff;
  margin: 2rem auto; max-width: 75rem; padding: 0 1rem; line-height: 1.4; }}
header {{ border-bottom: 0.5rem solid {RIJKS_BLUE}; margin-bottom: 1.5rem; }}
h1 {{ color: {RIJKS_BLUE}; font-size: 1.6rem; }}
h2 {{ color: {RIJKS_BLUE}; font-size: 1.25rem; }}
.colophon {{ border-left: 0.25rem solid #8b4a00; padding: 0.5rem 1rem; background: #fff4e5; }}
.scroll {{ overflow-x: auto; }}
table {{ border-collapse: collapse; margin: 1rem 0; font-size: 0.9rem; }}
caption {{ text-align: left; font-weight: bold; font-size: 1.1rem; color: {RIJKS_BLUE}; padding-bottom: 0.5rem; }}
thead th {{ border-top: 0.2rem solid {RIJKS_BLUE}; border-bottom: 0.125rem solid {RIJKS_BLUE}; font-weight: bold; vertical-align: bottom; }}
th, td {{ padding: 0.3rem 0.6rem; border-bottom: 1px solid {GREY_LINE}; text-align: left; }}
td.n, th.n {{ text-align: right; font-variant-numeric: tabular-nums; }}
tr.group th {{ padding-top: 0.8rem; font-weight: bold; }}
tr.subtotal th, tr.subtotal td {{ font-style: italic; }}
tr.total th, tr.total td {{ font-weight: bold; border-top: 0.125rem solid #000; }}
tbody th {{ font-weight: normal; }}
.source, .notes {{ font-size: 0.85rem; }}
figure {{ margin: 1.5rem 0; }}
"""


def table_html(table: Table, heading_level: int = 2) -> str:
    kinds = table.column_kinds
    num = ["n" if k not in ("text", "date") else "" for k in kinds]
    out = [f'<section id="{escape(table.file_stem)}">', '<div class="scroll"><table>',
           f"<caption>{escape(table.caption)}</caption>", "<thead><tr>"]
    out += [f'<th scope="col"{_cls(num[i])}>{escape(h)}</th>' for i, h in enumerate(table.header)]
    out.append("</tr></thead><tbody>")
    for row in table.rows:
        t = texts(table, row)
        if row.kind == "group":
            out.append(f'<tr class="group"><th scope="rowgroup" colspan="{len(kinds)}">{escape(t[0])}</th></tr>')
            continue
        cls = "" if row.kind == "data" else f' class="{row.kind}"'
        tds = "".join(f"<td{_cls(num[i])}>{escape(v)}</td>" for i, v in enumerate(t) if i)
        out.append(f'<tr{cls}><th scope="row">{escape(t[0])}</th>{tds}</tr>')
    out.append("</tbody></table></div>")
    out.append(f'<p class="source">{escape(table.source)}</p>')
    if table.footnotes:
        out.append('<ol class="notes">' + "".join(f"<li>{escape(n)}</li>" for n in table.footnotes) + "</ol>")
    out.append("</section>")
    return "\n".join(out)


def _cls(name: str) -> str:
    return f' class="{name}"' if name else ""


def page(meta: Meta, body: str) -> str:
    colophon = f'<p class="colophon" role="note">{escape(meta.colophon)}</p>' if meta.colophon else ""
    dated = f"Peildatum {fmt.long_date(meta.peildatum)}"
    lines = [meta.subtitle] if meta.subtitle else []
    if dated not in lines:  # the Kamerbrief's subtitle is the peildatum line itself: print it once
        lines.append(dated)
    subtitle = "".join(f"<p>{escape(line)}</p>" for line in lines)
    return (
        '<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(meta.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<header><h1>{escape(meta.title)}</h1>{subtitle}</header>\n"
        f"<main>\n{colophon}\n{body}\n</main>\n</body>\n</html>\n"
    )


def render(tables: list[Table], path: Path, meta: Meta) -> None:
    path.write_text(page(meta, "\n".join(table_html(t) for t in tables)), encoding="utf-8", newline="\n")
