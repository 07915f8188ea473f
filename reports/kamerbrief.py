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


# Formats typeset by typst (see reports.render.pdf), which releases the GIL and typesets large
# documents in a child process: their documents are written on worker threads, largest first,
# while this thread writes the other formats. Two workers: the combined document (the largest
# typst job) runs beside the per-table ones, so both cores stay busy after the other formats
# are done. Each typst process keeps its own peak (the largest is the combined document).
BACKGROUND_FORMATS = ("pdf",)
BACKGROUND_WORKERS = 2

Document = tuple[Path, list[Table], Meta]


def _documents(name: str, tables: list[Table], folder: Path, meta: Meta) -> list[Document]:
    """The files of one format: one per table, then the combined document (document formats only)."""
    docs = [(folder / f"{table.file_stem}.{name}", [table],
             Meta(" ".join([table.caption, meta.extra.get("period_label", "")]).strip(), meta.peildatum, meta.colophon, meta.subtitle))
            for table in tables]
    if name in COMBINED_FORMATS:
        docs.append((folder / f"kamerbrief-tabellen.{name}", tables, meta))
    return docs


def _write_format(name: str, tables: list[Table], folder: Path, meta: Meta) -> list[Path]:
    render = renderer(name)
    docs = _documents(name, tables, folder, meta)
    for path, doc_tables, doc_meta in docs:
        render(doc_tables, path, doc_meta)
    return [path for path, _, _ in docs]


def _background_jobs(name: str, docs: list[Document]) -> list:
    """(callable, args) per document, largest first; each table's typst data is built once and
    shared by its own document and the combined one."""
    if name == "pdf":
        from reports.render import pdf

        data: dict[int, dict] = {}
        for _, doc_tables, _ in docs:
            for table in doc_tables:
                if id(table) not in data:
                    data[id(table)] = pdf.table_data(table)
        jobs = [(pdf.render_data, ([data[id(t)] for t in doc_tables], path, doc_meta)) for path, doc_tables, doc_meta in docs]
    else:
        render = renderer(name)
        jobs = [(render, (doc_tables, path, doc_meta)) for path, doc_tables, doc_meta in docs]
    size = [sum(len(t.rows) for t in doc_tables) for _, doc_tables, _ in docs]
    order = sorted(range(len(docs)), key=lambda i: -size[i])  # stable: ties keep file order
    return [jobs[i] for i in order]


def write_tables(tables: list[Table], folder: Path, formats: Sequence[str], meta: Meta) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    names = list(dict.fromkeys(formats))
    docs = {name: _documents(name, tables, folder, meta) for name in names}
    for name in names:
        renderer(name)
    background = [n for n in names if n in BACKGROUND_FORMATS]
    if not background:
        for name in names:
            _write_format(name, tables, folder, meta)
    else:
        from concurrent.futures import ThreadPoolExecutor

        pool = ThreadPoolExecutor(max_workers=BACKGROUND_WORKERS)
        try:
            futures = [pool.submit(fn, *args) for name in background for fn, args in _background_jobs(name, docs[name])]
            for name in names:
                if name not in background:
                    _write_format(name, tables, folder, meta)
            for future in futures:
                future.result()
        finally:  # on an error: drop the documents not yet started, wait for those under way
            pool.shutdown(wait=True, cancel_futures=True)
    return [path for name in names for path, _, _ in docs[name]]


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
