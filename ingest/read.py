"""Files -> cells: every sheet as a polars frame of text cells, with spreadsheet row numbers.

A file that cannot be read as a spreadsheet raises `FileRejected` with the Dutch message for
audit.files. Containers are checked before any parser touches them: size, magic bytes
(an OLE2 container where an .xlsx is expected is an encrypted workbook), and the zip central
directory (declared unpacked size and compression ratio: zip bombs).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import polars as pl

from ingest import messages
from ingest.schema import TEMPLATE_VERSIONS, fold, header_key, required_header_keys

WORKBOOK_SUFFIXES = (".xlsx", ".xls", ".ods")
SUFFIXES = (*WORKBOOK_SUFFIXES, ".csv")
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_RATIO = 200  # uncompressed/compressed of one zip member; spreadsheets stay far below
ROW = "row_number"  # the spreadsheet row number column of every sheet frame
CSV_SEPARATORS = (";", "\t", ",")  # preference order on a tie


class FileRejected(Exception):
    """The whole file is rejected; `str(exc)` is the Dutch message for audit.files."""


@dataclass
class Sheet:
    """One sheet: `frame` has text columns c0..cN (null or '' for empty cells) and `row_number`
    (1-based, as a spreadsheet program shows it); trailing empty rows are dropped.
    `numeric(i)` says per frame row whether cell i held a number (not text)."""

    name: str
    frame: pl.DataFrame
    numeric: Callable[[int], pl.Series]
    _cell_lists: pl.Series | None = field(default=None, repr=False, compare=False)

    @property
    def cell_columns(self) -> list[str]:
        return [c for c in self.frame.columns if c != ROW]

    def cell_lists(self) -> pl.Series:
        """Per frame row the list of its cells ('' for empty), as raw.raw_rows and the audit
        records keep them; computed once per sheet (the raw layer and the row rules share it)."""
        if self._cell_lists is None:
            cells = self.cell_columns
            self._cell_lists = (
                self.frame.select(pl.concat_list([pl.col(c).fill_null("") for c in cells])).to_series().rename("cells")
                if cells else pl.Series("cells", [[]] * self.frame.height, dtype=pl.List(pl.Utf8))
            )
        return self._cell_lists


@dataclass
class Book:
    kind: str  # xlsx | xls | ods | csv
    sheet_names: list[str]
    _load: Callable[[str], Sheet]

    def sheet(self, wanted: str) -> Sheet | None:
        """The sheet named `wanted`, matched case-insensitively after trimming."""
        for name in self.sheet_names:
            if fold(name) == fold(wanted):
                return self._load(name)
        return None


def check_container(path: Path, max_bytes: int, max_unpacked_bytes: int) -> None:
    """Reject what is not a spreadsheet before a parser sees it (size, kind, zip bomb, password)."""
    name, suffix = path.name, path.suffix.lower()
    size = path.stat().st_size
    if suffix not in SUFFIXES:
        raise FileRejected(messages.wrong_kind(name, suffix))
    if size == 0:
        raise FileRejected(messages.empty_file(name))
    if size > max_bytes:
        raise FileRejected(messages.file_too_large(name, size, max_bytes))
    with path.open("rb") as fh:
        head = fh.read(65536)
    if suffix == ".csv":
        if head.startswith((ZIP_MAGIC, OLE2_MAGIC)) or b"\x00" in head:
            raise FileRejected(messages.not_what_extension_says(name, suffix))
        return
    if head.startswith(OLE2_MAGIC):
        if suffix == ".xls":
            return
        if suffix == ".xlsx":  # an encrypted OOXML workbook is an OLE2 container
            raise FileRejected(messages.password_protected(name))
        raise FileRejected(messages.not_what_extension_says(name, suffix))
    if not head.startswith(ZIP_MAGIC) or suffix == ".xls":
        raise FileRejected(messages.not_what_extension_says(name, suffix))
    _check_zip(path, suffix, max_unpacked_bytes)


def _check_zip(path: Path, suffix: str, max_unpacked_bytes: int) -> None:
    name = path.name
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            total = sum(i.file_size for i in infos)
            ratio = max((i.file_size / max(i.compress_size, 1) for i in infos if i.file_size > 2**20),
                        default=0)
            if total > max_unpacked_bytes or ratio > MAX_RATIO:
                raise FileRejected(messages.unpacks_too_large(name, max_unpacked_bytes))
            names = {i.filename for i in infos}
            if suffix == ".ods" and "META-INF/manifest.xml" in names:
                manifest = zf.read("META-INF/manifest.xml")
                if b"encryption-data" in manifest:
                    raise FileRejected(messages.password_protected(name))
            if suffix == ".xlsx" and "[Content_Types].xml" not in names:
                raise FileRejected(messages.not_what_extension_says(name, suffix))
            if suffix == ".ods" and "content.xml" not in names:
                raise FileRejected(messages.not_what_extension_says(name, suffix))
        _inflate_within(path, infos, max_unpacked_bytes)
    except zipfile.BadZipFile as exc:
        raise FileRejected(messages.unreadable(name, "kapot of onvolledig zip-archief")) from exc


def _inflate_within(path: Path, infos: list[zipfile.ZipInfo], limit: int) -> None:
    """Inflate every member's compressed bytes once, counting the output: the sizes in the zip
    headers can lie (calamine inflates a member to its real end, whatever it declares)."""
    left = limit
    with path.open("rb") as fh:
        for info in infos:
            fh.seek(info.header_offset)
            local = fh.read(30)
            if len(local) < 30 or local[:4] != b"PK\x03\x04":
                raise zipfile.BadZipFile("bad local header")
            fh.seek(info.header_offset + 30 + int.from_bytes(local[26:28], "little")
                    + int.from_bytes(local[28:30], "little"))
            inflate = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
            todo = info.compress_size
            while todo > 0 and not (inflate and inflate.eof):
                data = fh.read(min(todo, 2**20))
                if not data:
                    break
                todo -= len(data)
                if inflate is None:  # stored
                    left -= len(data)
                while inflate and data and left >= 0:
                    try:
                        out = inflate.decompress(data, 2**20)
                    except zlib.error as exc:
                        raise zipfile.BadZipFile(str(exc)) from exc
                    left -= len(out)
                    data = inflate.unconsumed_tail
                if left < 0:
                    raise FileRejected(messages.unpacks_too_large(path.name, limit))


def open_book(path: Path) -> Book:
    """Open a checked file (see check_container) for reading its sheets."""
    if path.suffix.lower() == ".csv":
        return _csv_book(path)
    return _workbook(path)


# ---- workbooks (fastexcel / calamine) ---------------------------------------------------

def _workbook(path: Path) -> Book:
    import fastexcel

    try:
        reader = fastexcel.read_excel(str(path))
        names = list(reader.sheet_names)
    except Exception as exc:  # noqa: BLE001 - calamine's errors are many and untyped
        raise FileRejected(_calamine_message(path.name, exc)) from exc

    def load(name: str) -> Sheet:
        try:
            batch, errors = reader.load_sheet(name, header_row=None, skip_rows=0,
                                              dtypes="string").to_arrow_with_errors()
            df = _with_error_cells(pl.from_arrow(batch), errors)
        except Exception as exc:  # noqa: BLE001
            raise FileRejected(_calamine_message(path.name, exc)) from exc
        frame, cells = _finish(df)

        def numeric(i: int) -> pl.Series:
            col = f"__UNNAMED__{i}"  # fastexcel's name of the i-th column when there is no header row
            sheet = reader.load_sheet(name, header_row=None, skip_rows=0, use_columns=[col],
                                      dtypes={col: "boolean"})
            batch, _errors = sheet.to_arrow_with_errors()  # text cells are errors -> null
            flags = pl.Series(batch.column(0)).is_not_null()
            return flags.extend_constant(False, max(frame.height - len(flags), 0))[: frame.height]

        return Sheet(name, frame, numeric, cells)

    return Book(path.suffix.lower().lstrip("."), names, load)


ERROR_CELLS = {"Div0": "#DIV/0!", "NA": "#N/A", "Name": "#NAME?", "Null": "#NULL!", "Num": "#NUM!",
               "Ref": "#REF!", "Value": "#VALUE!", "GettingData": "#GETTING_DATA"}


def _with_error_cells(df: pl.DataFrame, errors) -> pl.DataFrame:
    """Put the text a spreadsheet shows (`#N/A`, `#DIV/0!`) in error cells, which calamine
    reports as conversion errors and leaves null."""
    fixes: dict[int, dict[int, str]] = {}
    for err in getattr(errors, "errors", None) or []:
        m = re.search(r"Error\((\w+)\)", err.detail)
        if m:
            row, col = err.position
            fixes.setdefault(col, {})[row] = ERROR_CELLS.get(m[1], f"#{m[1].upper()}")
    for col, cells in fixes.items():
        name = df.columns[col]
        values = df[name].to_list()
        for row, text in cells.items():
            values[row] = text
        df = df.with_columns(pl.Series(name, values, pl.Utf8))
    return df


def _calamine_message(name: str, exc: Exception) -> str:
    text = str(exc)
    if re.search(r"password|encrypt", text, re.I):
        return messages.password_protected(name)
    return messages.unreadable(name, text.splitlines()[0][:200] if text else type(exc).__name__)


def _finish(df: pl.DataFrame) -> tuple[pl.DataFrame, pl.Series]:
    """Name cell columns c0..cN, add the 1-based row number, drop trailing empty rows. Also
    returns `Sheet.cell_lists()` of the result.

    Works on all cells as one column-major series (a few operations per sheet, whatever its
    width): per-column expressions and `concat_list` cost several ms per sheet."""
    import numpy as np

    n, w = df.height, df.width
    cells = [df.get_column(old).cast(pl.Utf8).rename(f"c{i}") for i, old in enumerate(df.columns)]
    if not w:
        return (pl.DataFrame([pl.Series(ROW, [], dtype=pl.Int32)]),
                pl.Series("cells", [], dtype=pl.List(pl.Utf8)))
    long = pl.concat(cells, rechunk=True)  # cell (row r, column j) at j * n + r
    # a cell is filled when it holds a character that is not white space: the same as
    # `.str.strip_chars() != ""` (both Unicode White_Space, NBSP included), checked for every code point
    filled = long.str.contains(r"\S").fill_null(False)
    rows_filled = np.flatnonzero(filled.to_numpy().reshape(w, n).any(axis=0))
    m = int(rows_filled[-1]) + 1 if len(rows_filled) else 0  # the last row with a filled cell
    frame = pl.DataFrame([pl.Series(ROW, np.arange(1, m + 1, dtype=np.int32)), *(c.head(m) for c in cells)])
    if not m:
        return frame, pl.Series("cells", [], dtype=pl.List(pl.Utf8))
    order = (np.arange(m)[:, None] + np.arange(w)[None, :] * n).ravel()  # row-major
    lists = long.gather(order).fill_null("").reshape((m, w)).cast(pl.List(pl.Utf8)).rename("cells")
    return frame, lists


# ---- CSV ---------------------------------------------------------------------------------

def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def sniff_separator(text: str) -> str:
    """The separator that splits one of the first records into the required headers of a
    template (the header row need not be the first line, and a title above it may hold any
    separator); without such a record, the one among `;`, tab and `,` occurring most often in
    the first non-empty line (outside quotes)."""
    required = [required_header_keys(v) for v in TEMPLATE_VERSIONS]
    head = text[: 2**20]  # the header is among the first records
    for sep in CSV_SEPARATORS:
        records = csv.reader(io.StringIO(head, newline=""), delimiter=sep)
        for _, record in zip(range(100), records):
            if len(record) > 1 and any(r <= {header_key(cell) for cell in record} for r in required):
                return sep
    first = next((line for line in head.splitlines() if line.strip()), "")
    unquoted = re.sub(r'"[^"]*"', "", first)
    return max(CSV_SEPARATORS, key=lambda s: (unquoted.count(s), -CSV_SEPARATORS.index(s)))


def _csv_book(path: Path) -> Book:
    from ingest.schema import SHEET_SERVICES

    text = decode(path.read_bytes())
    # The stdlib reader keeps every record, also empty lines (as []), and handles quoted
    # newlines, so record i is row i; polars' reader drops or splits such lines.
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=sniff_separator(text)))
    width = max((len(r) for r in records), default=0)
    columns = {f"c{i}": [r[i] if i < len(r) else None for r in records] for i in range(width)}
    df = pl.DataFrame(columns, schema={c: pl.Utf8 for c in columns})
    frame, cells = _finish(df)

    def numeric(i: int) -> pl.Series:
        return pl.Series([False] * frame.height, dtype=pl.Boolean)

    return Book("csv", [SHEET_SERVICES], lambda name: Sheet(SHEET_SERVICES, frame, numeric, cells))
