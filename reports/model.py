"""The one table model every Kamerbrief renderer reads.

A `Table` holds typed cells (int, float share, Decimal euro, date, str, None); turning a
cell into Dutch text happens only in `reports.fmt`. Column kinds say how a column is
formatted and which spreadsheet number format it gets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from wolkenkaart.errors import UsageError

RowKind = Literal["data", "group", "subtotal", "total"]

# Column kinds: text, count (int), share (fraction 0-1), euro (Decimal), date,
# index (HHI, a number without decimals), delta_count, delta_pp (change of a share,
# as a fraction: 0.03 = 3 procentpunt), delta_index.
COLUMN_KINDS = ("text", "count", "share", "euro", "date", "index", "delta_count", "delta_pp", "delta_index")
NUMERIC_KINDS = frozenset(COLUMN_KINDS) - {"text", "date"}


class ReportError(UsageError):
    """A problem the operator can fix (one clear line, no traceback; exit status 2)."""


@dataclass(frozen=True)
class Row:
    kind: RowKind
    cells: list

    def __post_init__(self) -> None:
        if self.kind not in ("data", "group", "subtotal", "total"):
            raise ValueError(f"unknown row kind {self.kind!r}")


@dataclass
class Table:
    number: int
    slug: str
    title: str
    source: str
    header: list[str]
    rows: list[Row]
    footnotes: list[str]
    column_kinds: list[str]

    def __post_init__(self) -> None:
        if len(self.header) != len(self.column_kinds):
            raise ValueError("header and column_kinds differ in length")
        for kind in self.column_kinds:
            if kind not in COLUMN_KINDS:
                raise ValueError(f"unknown column kind {kind!r}")
        for row in self.rows:
            if row.kind != "group" and len(row.cells) != len(self.header):
                raise ValueError(f"table {self.number}: row has {len(row.cells)} cells, header {len(self.header)}")

    @property
    def caption(self) -> str:
        return f"Tabel {self.number}. {self.title}" if self.number else self.title

    @property
    def file_stem(self) -> str:
        return f"tabel-{self.number}-{self.slug}"


@dataclass(frozen=True)
class Meta:
    """What a document says about itself: its title, the date it carries (the peildatum,
    never the run time) and an optional colophon line (e.g. the --allow-failed-checks notice)."""

    title: str
    peildatum: date
    colophon: str | None = None
    subtitle: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def dated(self):
        from datetime import datetime, timezone

        return datetime(self.peildatum.year, self.peildatum.month, self.peildatum.day, tzinfo=timezone.utc)

