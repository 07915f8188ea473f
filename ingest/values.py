"""Value normalisers: one per value kind of the submission (spec: submission.md,
"Normalised values").

Every normaliser exists twice with the same semantics:

* a vectorised polars expression (`clean_text`, `code`, `yes_no`, `date`, `amount`,
  `amount_ambiguous`, `countries`) that runs over a whole column — the ingest hot path;
* a plain scalar twin (`*_value`) in pure Python, for tests and for reading the rule.

Input is always the cell as text, the way fastexcel renders it with `dtypes="string"`:
text cells as written, numeric cells as Rust float display (`12500`, `12500.125`),
date cells as `2025-07-01` or `2025-07-01 00:00:00`, booleans `true`/`false`, empty =
null. A property test (tests/ingest/test_values.py) holds the two versions together.

Speed (600,000 rows must ingest within 1.5x of reading the cells): codes, yes/no, dates
and countries are normalised once per *distinct* value of the column and mapped back
(`_per_distinct`; those columns repeat a lot); dates and amounts are computed in staged
selects over named intermediate columns, because one big nested expression would be
evaluated with every shared sub-expression repeated.

Regular expressions use `[0-9]` and explicit white space classes, never `\\d` / `\\s`,
because Python and Rust disagree on which Unicode characters those match.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

import polars as pl

from ingest.reference import reference_dir
from ingest.schema import YES_NO, Codes

# --------------------------------------------------------------------------- text

# Every character Python calls white space (includes NBSP U+00A0, U+2000..U+200A,
# U+3000, and the separators U+001C..U+001F that Rust does not count), plus the
# invisible zero-width space, word joiner and byte order mark that copy-paste brings.
WHITESPACE = "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace()) + "\u200b\u2060\ufeff"
_WS = "[" + WHITESPACE + "]"  # a regex character class, valid in Python and Rust


def clean_text(text: pl.Expr) -> pl.Expr:
    """Trim white space (NBSP and other Unicode white space included); '' -> null."""
    stripped = text.str.strip_chars(WHITESPACE)
    return pl.when(stripped.str.len_bytes() > 0).then(stripped)


def clean_text_value(s: str | None) -> str | None:
    if s is None:
        return None
    return s.strip(WHITESPACE) or None


def _per_distinct(text: pl.Expr, normalise: Callable[[pl.Series], pl.Series], dtype: pl.DataType) -> pl.Expr:
    """`normalise` (Series -> Series of `dtype`) applied to the distinct non-null cells of
    the column only, and mapped back onto every row. For value kinds whose cells repeat
    (codes, dates, countries) this is several times faster than normalising every row."""

    def run(cells: pl.Series) -> pl.Series:
        cells = cells.cast(pl.Utf8)
        distinct = cells.drop_nulls().unique()
        table = pl.DataFrame(
            {"cell": distinct, "value": normalise(distinct)}, schema={"cell": pl.Utf8, "value": dtype}
        )
        joined = cells.rename("cell").to_frame().join(table, on="cell", how="left", maintain_order="left")
        return joined["value"].rename(cells.name)

    return text.map_batches(run, return_dtype=dtype)


# -------------------------------------------------------------------------- codes
# Input values match case-insensitively after trimming (lower case on both sides; the
# same folding in Python and polars, so the two versions cannot drift apart).


def _lookup(codes: Codes) -> dict[str, str]:
    return {text.strip(WHITESPACE).lower(): code for code, inputs in codes.synonyms.items() for text in inputs}


def code(text: pl.Expr, codes: Codes) -> pl.Expr:
    """The stored code of a coded column (Utf8); null when empty or not a synonym."""
    lookup = _lookup(codes)

    # A plain expression over every row: cheaper than per distinct value (no Python call, no join).
    folded = text.cast(pl.Utf8).str.strip_chars(WHITESPACE).str.to_lowercase()
    return folded.replace_strict(list(lookup), list(lookup.values()), default=None, return_dtype=pl.Utf8)


def code_value(s: str | None, codes: Codes) -> str | None:
    cleaned = clean_text_value(s)
    return None if cleaned is None else _lookup(codes).get(cleaned.lower())


def yes_no(text: pl.Expr) -> pl.Expr:
    """Boolean; null when empty or not a yes/no synonym."""
    return code(text, YES_NO).replace_strict(["true", "false"], [True, False], default=None, return_dtype=pl.Boolean)


def yes_no_value(s: str | None) -> bool | None:
    found = code_value(s, YES_NO)
    return None if found is None else found == "true"


# -------------------------------------------------------------------------- dates
# Forms (matched on the trimmed, lower-cased text; mutually exclusive):
#   ISO 2025-07-01 (also / or . as separator), optionally with a time
#   day first 1-7-2025, 01-07-2025, 1/7/2025, 1.7.2025, optionally with a time
#   month by name: 1 juli 2025, 1 jul. 2025, 01-okt-2025, juli 2025 (-> the 1st)
#   Excel serial 20000..80000 (1900 date system; a fraction = time of day, ignored)
#   year 2026 (-> 1 January); quarter Q1 2026 / 2026-Q1 (-> first day of the quarter)

MONTHS: dict[str, int] = {
    **dict.fromkeys(("januari", "jan", "january"), 1),
    **dict.fromkeys(("februari", "feb", "february"), 2),
    **dict.fromkeys(("maart", "mrt", "mar", "march"), 3),
    **dict.fromkeys(("april", "apr"), 4),
    **dict.fromkeys(("mei", "may"), 5),
    **dict.fromkeys(("juni", "jun", "june"), 6),
    **dict.fromkeys(("juli", "jul", "july"), 7),
    **dict.fromkeys(("augustus", "aug", "august"), 8),
    **dict.fromkeys(("september", "sep", "sept"), 9),
    **dict.fromkeys(("oktober", "okt", "oct", "october"), 10),
    **dict.fromkeys(("november", "nov"), 11),
    **dict.fromkeys(("december", "dec"), 12),
}

_YEAR = "([1-9][0-9]{3})"
_TIME = f"(?:(?:t|{_WS}+)[0-9]{{1,2}}:[0-9]{{2}}(?::[0-9]{{2}}(?:[.][0-9]+)?)?)?"
_SEP = "[-/.]"
_ISO = f"^{_YEAR}{_SEP}([0-9]{{1,2}}){_SEP}([0-9]{{1,2}}){_TIME}$"  # y, m, d
_DMY = f"^([0-9]{{1,2}}){_SEP}([0-9]{{1,2}}){_SEP}{_YEAR}{_TIME}$"  # d, m, y
_NAMED = f"^(?:([0-9]{{1,2}})(?:{_WS}|[-/.])*)?([a-z]+)(?:{_WS}|[-/.])*{_YEAR}$"  # d?, month, y
_SERIAL = "^([0-9]{5})(?:[.][0-9]+)?$"
_YEAR_ONLY = f"^{_YEAR}$"
_QUARTER_FIRST = f"^q([1-4])(?:{_WS}|-)*{_YEAR}$"  # q, y
_YEAR_FIRST = f"^{_YEAR}(?:{_WS}|-)*q([1-4])$"  # y, q
SERIAL_MIN, SERIAL_MAX = 20000, 80000
_EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 0 in the 1900 date system (valid from serial 61)
_UNIX_EPOCH_SERIAL = (dt.date(1970, 1, 1) - _EXCEL_EPOCH).days  # 25569


def date(text: pl.Expr) -> pl.Expr:
    """pl.Date; null when empty or unreadable (including impossible days like 30-2-2025)."""
    return _per_distinct(text, _date_series, pl.Date)


def _date_series(cells: pl.Series) -> pl.Series:
    c = pl.col
    parts = (
        pl.LazyFrame({"t": cells}, schema={"t": pl.Utf8})
        .select(t=clean_text(c("t")).str.to_lowercase())
        .select(
            iso=c("t").str.extract_groups(_ISO),
            dmy=c("t").str.extract_groups(_DMY),
            named=c("t").str.extract_groups(_NAMED),
            year_only=c("t").str.extract(_YEAR_ONLY, 1),
            q_first=c("t").str.extract_groups(_QUARTER_FIRST),
            y_first=c("t").str.extract_groups(_YEAR_FIRST),
            serial=c("t").str.extract(_SERIAL, 1).cast(pl.Int32, strict=False),
        )
        .with_columns(
            month_named=c("named").struct[1].replace_strict(
                list(MONTHS), list(map(str, MONTHS.values())), default=None
            ),
            quarter=pl.coalesce(c("q_first").struct[0], c("y_first").struct[1]).cast(pl.Int8),
        )
        .select(
            "serial",
            year=pl.coalesce(
                c("iso").struct[0],
                c("dmy").struct[2],
                pl.when(c("month_named").is_not_null()).then(c("named").struct[2]),
                "year_only",
                c("q_first").struct[1],
                c("y_first").struct[0],
            ),
            month=pl.coalesce(
                c("iso").struct[1],
                c("dmy").struct[1],
                "month_named",
                pl.when(c("year_only").is_not_null()).then(pl.lit("1")),
                ((c("quarter") - 1) * 3 + 1).cast(pl.Utf8),
            ),
            day=pl.coalesce(
                c("iso").struct[2],
                c("dmy").struct[0],
                pl.when(c("month_named").is_not_null()).then(c("named").struct[0].fill_null("1")),
                pl.when(c("year_only").is_not_null() | c("quarter").is_not_null()).then(pl.lit("1")),
            ),
        )
    )
    from_parts = pl.concat_str([c("year"), c("month").str.zfill(2), c("day").str.zfill(2)], separator="-")
    from_serial = pl.when(c("serial").is_between(SERIAL_MIN, SERIAL_MAX)).then(c("serial") - _UNIX_EPOCH_SERIAL)
    out = parts.select(pl.coalesce(from_parts.str.to_date("%Y-%m-%d", strict=False), from_serial.cast(pl.Date)))
    return out.collect().to_series()


def _make_date(year: str, month: int | str, day: int | str) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def date_value(s: str | None) -> dt.date | None:
    t = clean_text_value(s)
    if t is None:
        return None
    t = t.lower()
    if m := re.fullmatch(_ISO, t):
        return _make_date(m[1], m[2], m[3])
    if m := re.fullmatch(_DMY, t):
        return _make_date(m[3], m[2], m[1])
    if (m := re.fullmatch(_NAMED, t)) and m[2] in MONTHS:
        return _make_date(m[3], MONTHS[m[2]], m[1] or 1)
    if re.fullmatch(_YEAR_ONLY, t):
        return _make_date(t, 1, 1)
    if (m := re.fullmatch(_QUARTER_FIRST, t)) or (m := re.fullmatch(_YEAR_FIRST, t)):
        quarter, year = (m[1], m[2]) if t.startswith("q") else (m[2], m[1])
        return _make_date(year, (int(quarter) - 1) * 3 + 1, 1)
    if (m := re.fullmatch(_SERIAL, t)) and SERIAL_MIN <= int(m[1]) <= SERIAL_MAX:
        return _EXCEL_EPOCH + dt.timedelta(days=int(m[1]))
    return None


# ------------------------------------------------------------------------ amounts
# Text rule (spec): drop `€`, spaces and a trailing `,-`; a leading `-` makes it negative.
# Then, with T = a thousands separator that must be followed by exactly three digits:
#   digits only                     12500
#   both `.` and `,`: the last one is the decimal mark     12.500,50   12,500.50
#   only `,`: the decimal mark (one comma)                 1,5   12,500 (= 12.5, warned)
#   only `.`: thousands when every group after it has three digits, else decimal mark
# A numeric cell is taken as the number it is. The result is DECIMAL(18,2), rounded
# half away from zero to whole cents; null when unreadable or |amount| >= 10^16.

AMOUNT_DTYPE = pl.Decimal(18, 2)
_AMOUNT_LIMIT = 10**16
_DIGITS = "^[0-9]+$"
_DOT_THOUSANDS_COMMA_DECIMAL = "^[0-9]+(?:[.][0-9]{3})+,[0-9]+$"
_COMMA_THOUSANDS_DOT_DECIMAL = "^[0-9]+(?:,[0-9]{3})+[.][0-9]+$"
_COMMA_DECIMAL = "^[0-9]+,[0-9]+$"
_DOT_THOUSANDS = "^[0-9]+(?:[.][0-9]{3})+$"
_DOT_DECIMAL = "^[0-9]+[.][0-9]+$"  # also the form of a numeric cell
_AMBIGUOUS = "^-?[0-9]+,[0-9]{3}$"
# The one form a numeric cell renders in (`12500.125`, `-1.250`) that the text rule reads
# differently (thousands). Any other rendering (digits, `.` + other than 3 digits) gives
# the same amount either way, so whether a cell held a number only matters for cells
# matching this (raw cell text; a numeric rendering has no `€`, white space or `,`).
NUMBER_OR_TEXT_DIFFERS = "^-?[0-9]+(?:[.][0-9]{3})+$"
_DROP = f"(?:€|{_WS})+"


def _amount_text(text: pl.Expr) -> pl.Expr:
    """A text amount without `€`, white space (inside too) and a trailing `,-`."""
    return text.str.replace_all(_DROP, "").str.strip_suffix(",-")


def _amount_text_value(s: str | None) -> str | None:
    return None if s is None else re.sub(_DROP, "", s).removesuffix(",-")


def amount(text: pl.Expr, is_number: pl.Expr) -> pl.Expr:
    """pl.Decimal(18, 2); null when empty or unreadable; negative amounts stay negative."""
    cells = pl.struct(text, is_number.alias("__is_number"))
    return cells.map_batches(_amount_series, return_dtype=AMOUNT_DTYPE)


def _amount_series(cells: pl.Series) -> pl.Series:
    c = pl.col
    frame = cells.struct.unnest()
    frame.columns = ["text", "is_number"]
    body_is = c("body").str.contains
    plain = (  # the amount written with digits and at most one '.' as decimal mark
        pl.when(c("is_number").fill_null(False))
        .then(pl.when(body_is(_DOT_DECIMAL) | body_is(_DIGITS)).then(c("body")))
        .when(body_is(_DIGITS))
        .then(c("body"))
        .when(body_is(_DOT_THOUSANDS_COMMA_DECIMAL))
        .then(c("body").str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True))
        .when(body_is(_COMMA_THOUSANDS_DOT_DECIMAL))
        .then(c("body").str.replace_all(",", "", literal=True))
        .when(body_is(_COMMA_DECIMAL))
        .then(c("body").str.replace(",", ".", literal=True))
        .when(body_is(_DOT_THOUSANDS))
        .then(c("body").str.replace_all(".", "", literal=True))
        .when(body_is(_DOT_DECIMAL))
        .then(c("body"))
    )
    cents = (
        c("whole") * 100
        + c("fraction").str.slice(0, 2).cast(pl.Int64)
        + (c("fraction").str.slice(2, 1) >= "5").cast(pl.Int64)
    )
    signed = pl.when(c("whole") < _AMOUNT_LIMIT).then(pl.when(c("negative")).then(-cents).otherwise(cents))
    out = (  # one lazy query: each stage an eager select would be a query of its own
        frame.lazy().select("is_number", t=_amount_text(c("text")))
        .select("is_number", negative=c("t").str.starts_with("-"), body=c("t").str.strip_prefix("-"))
        .select("negative", plain=plain)
        .select("negative", parts=c("plain").str.split_exact(".", 1))
        .select(
            "negative",
            whole=c("parts").struct[0].cast(pl.Int64, strict=False),
            fraction=c("parts").struct[1].fill_null("") + "000",
        )
        .select((signed.cast(pl.Decimal(18, 0)) * pl.lit(Decimal("0.01"))).cast(AMOUNT_DTYPE))
        .collect()
    )
    return out.to_series().rename(cells.name)


def amount_value(s: str | None, is_number: bool) -> Decimal | None:
    t = _amount_text_value(s)
    if t is None:
        return None
    negative, body = t.startswith("-"), t.removeprefix("-")
    fullmatch = re.fullmatch
    if is_number:
        plain = body if fullmatch(_DOT_DECIMAL, body) or fullmatch(_DIGITS, body) else None
    elif fullmatch(_DIGITS, body):
        plain = body
    elif fullmatch(_DOT_THOUSANDS_COMMA_DECIMAL, body):
        plain = body.replace(".", "").replace(",", ".")
    elif fullmatch(_COMMA_THOUSANDS_DOT_DECIMAL, body):
        plain = body.replace(",", "")
    elif fullmatch(_COMMA_DECIMAL, body):
        plain = body.replace(",", ".")
    elif fullmatch(_DOT_THOUSANDS, body):
        plain = body.replace(".", "")
    elif fullmatch(_DOT_DECIMAL, body):
        plain = body
    else:
        plain = None
    if plain is None or int(plain.split(".")[0]) >= _AMOUNT_LIMIT:
        return None
    value = Decimal(plain).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return -value if negative else value


def amount_ambiguous(text: pl.Expr, is_number: pl.Expr) -> pl.Expr:
    """True for a text amount like `12,500` (thousands or decimals?): the warning case."""
    return (~is_number.fill_null(False) & _amount_text(text).str.contains(_AMBIGUOUS)).fill_null(False)


def amount_ambiguous_value(s: str | None, is_number: bool) -> bool:
    t = _amount_text_value(s)
    return not is_number and t is not None and re.fullmatch(_AMBIGUOUS, t) is not None


# ---------------------------------------------------------------------- countries
# ISO 3166 alpha-2 codes or Dutch/English names from countries.csv (reference_dir()), matched
# case-insensitively and without regard to accents (`Belgie` = `België`); parts
# separated by `;` `,` `/`; a part that is not a country as a whole is split on white
# space and each piece is a code or a name. The vectorised version splits the cells into
# parts in polars and applies the scalar rule to the distinct parts only (they are few).

COUNTRIES_DTYPE = pl.Struct({"codes": pl.List(pl.Utf8), "unknown": pl.List(pl.Utf8)})


def _country_key(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.split()).casefold()


def countries_csv() -> Path:
    """countries.csv of the reference-data folder (`ingest.reference.reference_dir()`)."""
    return reference_dir() / "countries.csv"


def country_lookup() -> dict[str, str]:
    """Comparison key of every ISO2 code, Dutch and English name -> ISO2 code."""
    return _country_lookup(countries_csv())


@cache
def _country_lookup(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return {_country_key(row[field]): row["iso2"] for row in rows for field in ("iso2", "name_nl", "name_en")}


def countries_value(s: str | None) -> tuple[list[str], list[str]] | None:
    """(ISO2 codes in input order without duplicates, unknown tokens as written)."""
    cleaned = clean_text_value(s)
    if cleaned is None:
        return None
    lookup = country_lookup()
    codes: dict[str, None] = {}
    unknown: dict[str, None] = {}
    parts = [p.strip(WHITESPACE) for p in re.split("[;,/]", cleaned)]
    for part in filter(None, parts):
        if (found := lookup.get(_country_key(part))) is not None:
            codes[found] = None
            continue
        for piece in re.split(f"{_WS}+", part):
            if (found := lookup.get(_country_key(piece))) is not None:
                codes[found] = None
            else:
                unknown[piece] = None
    if not codes and not unknown:
        return None  # only separators: as good as empty
    return list(codes), list(unknown)


def _part_tokens(part: str) -> list[tuple[bool, str]]:
    """The tokens of one non-empty part (see countries_value): (is a code, ISO2 code or the
    unknown piece as written)."""
    lookup = country_lookup()
    if (found := lookup.get(_country_key(part))) is not None:
        return [(True, found)]
    return [(True, f) if (f := lookup.get(_country_key(piece))) is not None else (False, piece)
            for piece in re.split(f"{_WS}+", part)]


_TOKENS_DTYPE = pl.List(pl.Struct({"is_code": pl.Boolean, "token": pl.Utf8}))


def _countries_series(cells: pl.Series) -> pl.Series:
    """countries_value over a column: the cells are split into parts in polars, and the scalar
    rule runs once per distinct part (there are about as many as there are countries)."""
    c = pl.col
    parts = (
        pl.LazyFrame({"cell": cells}, schema={"cell": pl.Utf8})
        .with_row_index("i")
        .select("i", part=clean_text(c("cell")).str.replace_all("[;,/]", ";").str.split(";"))
        .explode("part")
        .with_columns(c("part").str.strip_chars(WHITESPACE))
        .filter(c("part").str.len_bytes() > 0)
        .collect()
    )
    distinct = parts.get_column("part").unique()
    table = pl.DataFrame({"part": distinct, "tokens": [_part_tokens(p) for p in distinct]},
                         schema={"part": pl.Utf8, "tokens": _TOKENS_DTYPE})
    per_cell = (
        parts.lazy()
        .join(table.lazy(), on="part", how="left", maintain_order="left")
        .explode("tokens")
        .unnest("tokens")
        .group_by("i", maintain_order=True)
        .agg(codes=c("token").filter(c("is_code")).unique(maintain_order=True),
             unknown=c("token").filter(~c("is_code")).unique(maintain_order=True))
        .select("i", value=pl.struct("codes", "unknown"))
    )
    out = (
        pl.LazyFrame({"i": pl.int_range(len(cells), eager=True, dtype=pl.UInt32)})
        .join(per_cell, on="i", how="left", maintain_order="left")
        .collect()
    )
    return out.get_column("value").cast(COUNTRIES_DTYPE).rename(cells.name)


def countries(text: pl.Expr) -> pl.Expr:
    """Struct{codes: List[Utf8], unknown: List[Utf8]}; null when the cell is empty."""
    return _per_distinct(text, _countries_series, COUNTRIES_DTYPE)
