"""PDF/A-2b with tagged tables (header cells marked), typeset by typst.

All text reaches typst as JSON data (`sys.inputs`), never as markup, so submitted names cannot
inject typst code. The document date is the peildatum; the PDF timestamp too.
"""

from __future__ import annotations

import json
from pathlib import Path

from reports import fmt
from reports.model import Meta, Table
from reports.render import GREY_LINE, RIJKS_BLUE, texts

PDF_STANDARD = "a-2b"

PREAMBLE = f"""
#let d = json(bytes(sys.inputs.at("data")))
#set document(title: d.title, author: "CIO Rijk", date: datetime(year: d.year, month: d.month, day: d.day))
#set page(paper: "a4", flipped: true, margin: 1.5cm, numbering: "1")
#set text(lang: "nl", region: "NL", size: 8pt, font: ("DejaVu Sans", "Libertinus Serif"))
#let blue = rgb("{RIJKS_BLUE}")
#let grey = rgb("{GREY_LINE}")
#show heading: set text(fill: blue)
#let kbtable(t) = {{
  heading(level: 2, t.caption)
  let n = t.header.len()
  table(
    columns: (2.2fr,) + (1fr,) * (n - 1),
    stroke: (x, y) => if y == 0 {{ (top: 1.5pt + blue, bottom: 1pt + blue) }} else {{ (bottom: 0.4pt + grey) }},
    align: t.right.enumerate().map(((x, r)) => if r and x > 0 {{ right }} else {{ left }}),
    inset: 3pt,
    table.header(..t.header.map(h => text(weight: "bold", h))),
    ..t.rows.map(r => if r.kind == "group" {{
        (table.cell(colspan: n, text(weight: "bold", r.cells.at(0))),)
      }} else {{
        r.cells.map(c => if r.kind == "total" {{ text(weight: "bold", c) }} else if r.kind == "subtotal" {{ emph(c) }} else {{ text(c) }})
      }}).flatten(),
  )
  for note in t.notes {{ par(text(size: 7pt, note)) }}
}}
"""

BODY = """
#title(d.title)
#par(d.subtitle)
#for line in d.colophon { par(strong(line)) }
#for t in d.tables { kbtable(t) }
"""


def table_data(table: Table) -> dict:
    return {
        "caption": table.caption,
        "header": table.header,
        "right": [k not in ("text", "date") for k in table.column_kinds],
        "rows": [{"kind": r.kind, "cells": texts(table, r)} for r in table.rows],
        "notes": [table.source, *table.footnotes],
    }


# typst keeps everything it memoised during a compile for the life of the process (≈ 75 kB per
# table row, never freed): a document with tens of thousands of rows is compiled in a child
# process, so that memory goes when the document is done. Small documents stay in-process.
SEPARATE_PROCESS_ROWS = 2000
_CHILD = """
import pickle, sys
import typst
args = pickle.load(sys.stdin.buffer)
try:
    out = (0, typst.compile(**args))
except Exception as e:
    out = (1, e)
sys.stdout.buffer.write(pickle.dumps(out))
"""


def _compile_apart(args: dict) -> bytes:
    import pickle
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _CHILD], input=pickle.dumps(args), capture_output=True)
    if done.returncode != 0:
        raise RuntimeError(f"typst (child process) failed: {done.stderr.decode(errors='replace').strip()}")
    failed, result = pickle.loads(done.stdout)
    if failed:
        raise result
    return result


def compile_pdf(path: Path, meta: Meta, body: str, data: dict) -> None:
    """Typeset `PREAMBLE + body` with `data` (JSON) as `d`, as PDF/A-2b, dated on the peildatum."""
    payload = {
        "title": meta.title,
        "subtitle": meta.subtitle or f"Peildatum {fmt.long_date(meta.peildatum)}",
        "colophon": [meta.colophon] if meta.colophon else [],
        "year": meta.peildatum.year,
        "month": meta.peildatum.month,
        "day": meta.peildatum.day,
        **data,
    }
    args = {
        "input": (PREAMBLE + body).encode("utf-8"),
        "sys_inputs": {"data": json.dumps(payload, ensure_ascii=False)},
        "pdf_standards": [PDF_STANDARD],
        "timestamp": meta.dated,
        "pdf_tags": True,
    }
    rows = sum(len(t["rows"]) for t in data.get("tables", ()))
    if rows >= SEPARATE_PROCESS_ROWS:
        pdf = _compile_apart(args)
    else:
        import typst

        pdf = typst.compile(**args)
    path.write_bytes(pdf)


def render(tables: list[Table], path: Path, meta: Meta) -> None:
    render_data([table_data(t) for t in tables], path, meta)


def render_data(tables: list[dict], path: Path, meta: Meta) -> None:
    """`render` for tables already turned into typst data by `table_data` (shared by documents)."""
    compile_pdf(path, meta, BODY, {"tables": tables})
