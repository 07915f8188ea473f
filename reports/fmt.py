"""Dutch formatting of cells: the one place where a typed value becomes text.

`1.234`, `12,5%`, `€ 1.234.567`, `30 september 2025`, `+12`, `−3,0 procentpunt`.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)
MINUS = "\u2212"  # typographic minus in text; numbers in spreadsheets stay numbers


def _round(value, places: int = 0) -> Decimal:
    q = Decimal(1).scaleb(-places)
    return Decimal(str(value)).quantize(q, rounding=ROUND_HALF_UP)


def _group(digits: str) -> str:
    out = []
    while len(digits) > 3:
        out.insert(0, digits[-3:])
        digits = digits[:-3]
    out.insert(0, digits)
    return ".".join(out)


def number(value, places: int = 0, sign: bool = False) -> str:
    """1234.5 -> '1.234,5' (places=1); sign=True adds '+' to positive values."""
    d = _round(value, places)
    neg = d < 0
    text = f"{abs(d):.{places}f}"
    whole, _, frac = text.partition(".")
    out = _group(whole) + ("," + frac if frac else "")
    if neg and d != 0:
        return MINUS + out
    if sign and d > 0:
        return "+" + out
    if sign and d == 0:
        return "0" if not places else "0," + "0" * places
    return out


def count(value) -> str:
    return number(value)


def share(value, places: int = 1) -> str:
    """A fraction 0-1 as a percentage: 0.125 -> '12,5%'."""
    return number(Decimal(str(value)) * 100, places) + "%"


def euro(value) -> str:
    """Whole euros: 1234567.40 -> '€ 1.234.567'."""
    return "€ " + number(value)


def long_date(value: date) -> str:
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def delta_pp(value, places: int = 1) -> str:
    """A change of a share (as a fraction): 0.03 -> '+3,0 procentpunt'."""
    return number(Decimal(str(value)) * 100, places, sign=True) + " procentpunt"


def cell(value, kind: str) -> str:
    """Any cell of a `Table` as Dutch text ('' for no value)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if kind == "share":
        return share(value)
    if kind == "euro":
        return euro(value)
    if kind == "date":
        return long_date(value)
    if kind in ("delta_count", "delta_index"):
        return number(value, sign=True)
    if kind == "delta_pp":
        return delta_pp(value)
    if kind in ("count", "index"):
        return number(value)
    if isinstance(value, date):
        return long_date(value)
    return str(value)


def period_label(period: str) -> str:
    """'2025-Q3' -> '3e kwartaal 2025'."""
    year, q = period.split("-Q")
    return f"{q}e kwartaal {year}"
