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


# Formats typeset in a child process (typst, see reports.render.pdf): they are written on a
# second thread, which mostly waits for that process, while this thread writes the others.
BACKGROUND_FORMATS = ("pdf",)


def _write_format(name: str, tables: list[Table], folder: Path, meta: Meta) -> list[Path]:
    render = renderer(name)
    written = []
    for table in tables:
        path = folder / f"{table.file_stem}.{name}"
        render([table], path, Meta(" ".join([table.caption, meta.extra.get("period_label", "")]).strip(), meta.peildatum, meta.colophon, meta.subtitle))
        written.append(path)
    if name in COMBINED_FORMATS:
        path = folder / f"kamerbrief-tabellen.{name}"
        render(tables, path, meta)
        written.append(path)
    return written


def write_tables(tables: list[Table], folder: Path, formats: Sequence[str], meta: Meta) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    names = list(dict.fromkeys(formats))
    by_format: dict[str, list[Path]] = {}
    background = [n for n in names if n in BACKGROUND_FORMATS]
    if not background or len(names) == 1:
        for name in names:
            by_format[name] = _write_format(name, tables, folder, meta)
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=1) as pool:  # leaving the block waits for it, also on an error here
            futures = {n: pool.submit(_write_format, n, tables, folder, meta) for n in background}
            for name in names:
                if name not in futures:
                    by_format[name] = _write_format(name, tables, folder, meta)
            for name, future in futures.items():
                by_format[name] = future.result()
    return [path for name in names for path in by_format[name]]


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
