"""Reports: the Kamerbrief tables in every format, the annual overview, feedback files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

ALL_FORMATS = ("odt", "docx", "pdf", "html", "md", "csv", "xlsx", "ods")
COMBINED_FORMATS = ("odt", "docx", "pdf", "html")  # kamerbrief-tabellen.<fmt>: all seven in one document


def write_kamerbrief(con, period: str, out_dir: Path, formats: Sequence[str], colophon: str | None = None) -> list[Path]:
    """Write out_dir/kamerbrief/tabel-<n>-<slug>.<fmt> for every table and format, and
    kamerbrief-tabellen.<fmt> for the document formats among `formats`; returns the paths."""
    from reports.kamerbrief import write_kamerbrief as write

    return write(con, period, out_dir, formats, colophon)


def write_overview(con, year: int, out_dir: Path) -> list[Path]:
    """Write out_dir/jaaroverzicht.{html,pdf}; returns the paths."""
    from reports.overview import write_overview as write

    return write(con, year, out_dir)
