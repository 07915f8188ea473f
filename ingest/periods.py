"""Periods (`YYYY-Qn`) and their peildatum (the last day of the quarter)."""

from __future__ import annotations

import datetime as dt
import re

_PERIOD = re.compile(r"(\d{4})-Q([1-4])")


def parse_period(p: str) -> tuple[int, int]:
    """'2025-Q3' -> (2025, 3); ValueError with a clear message otherwise."""
    m = _PERIOD.fullmatch(str(p).strip().upper())
    if not m:
        raise ValueError(f"invalid period {p!r}: expected YYYY-Qn, e.g. 2025-Q3")
    return int(m[1]), int(m[2])


def peildatum(p: str) -> dt.date:
    """The last day of the quarter: '2025-Q3' -> 2025-09-30."""
    year, quarter = parse_period(p)
    first_of_next = dt.date(year + quarter // 4, quarter % 4 * 3 + 1, 1)
    return first_of_next - dt.timedelta(days=1)


def period_of(day: dt.date) -> str:
    """The quarter a date falls in: 2025-08-15 -> '2025-Q3'."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
