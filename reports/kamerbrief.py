"""The Kamerbrief tables of one period, in every requested format."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path

from reports import ALL_FORMATS, COMBINED_FORMATS, fmt
from reports.model import Meta, ReportError, Table
from reports.tables import build_tables, peildatum


def renderer(fmt_name: str):
    if fmt_name not in ALL_FORMATS:
        raise ReportError(f"Onbekend formaat '{fmt_name}': kies uit {', '.join(ALL_FORMATS)}.")
    return importlib.import_module(f"reports.render.{fmt_name}").render


def write_tables(tables: list[Table], folder: Path, formats: Sequence[str], meta: Meta) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in dict.fromkeys(formats):
        render = renderer(name)
        for table in tables:
            path = folder / f"{table.file_stem}.{name}"
            render([table], path, Meta(" ".join([table.caption, meta.extra.get("period_label", "")]).strip(), meta.peildatum, meta.colophon, meta.subtitle))
            written.append(path)
        if name in COMBINED_FORMATS:
            path = folder / f"kamerbrief-tabellen.{name}"
            render(tables, path, meta)
            written.append(path)
    return written


def write_kamerbrief(con, period: str, out_dir: Path, formats: Sequence[str], colophon: str | None = None) -> list[Path]:
    for name in formats:
        renderer(name)
    tables = build_tables(con, period)
    day = peildatum(period)
    meta = Meta(
        f"Cloudgebruik Rijksoverheid – tabellen bij de Kamerbrief, {fmt.period_label(period)}",
        day,
        colophon,
        f"Peildatum {fmt.long_date(day)}",
        {"period_label": fmt.period_label(period)},
    )
    return write_tables(tables, Path(out_dir) / "kamerbrief", formats, meta)
