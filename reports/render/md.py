"""Markdown (for review and diffs): one pipe table per Kamerbrief table."""

from __future__ import annotations

import re
from pathlib import Path

from reports.model import Meta, Table
from reports.render import texts

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~&$])")


def escape(text: str) -> str:
    """Text as literal Markdown: every markup character backslash-escaped, line breaks as spaces."""
    text = " ".join(text.replace("\r", " ").replace("\n", " ").split("\t"))
    text = _SPECIAL.sub(r"\\\1", text)
    return re.sub(r"^(\s*)([-=])", r"\1\\\2", text)


def _table(table: Table) -> list[str]:
    out = [f"## {escape(table.caption)}", ""]
    out.append("| " + " | ".join(escape(h) for h in table.header) + " |")
    align = ["---" if k in ("text", "date") else "---:" for k in table.column_kinds]
    out.append("| " + " | ".join(align) + " |")
    for row in table.rows:
        cells = [escape(t) for t in texts(table, row)]
        if row.kind != "data" and cells[0]:
            cells[0] = f"**{cells[0]}**"
        out.append("| " + " | ".join(cells) + " |")
    out += ["", escape(table.source), ""]
    for i, note in enumerate(table.footnotes, 1):
        out.append(f"{i}. {escape(note)}")
    out.append("")
    return out


def render(tables: list[Table], path: Path, meta: Meta) -> None:
    lines = [f"# {escape(meta.title)}", ""]
    if meta.colophon:
        lines += [f"> {escape(meta.colophon)}", ""]
    for table in tables:
        lines += _table(table)
    path.write_text("\n".join(lines), encoding="utf-8", newline="\n")
