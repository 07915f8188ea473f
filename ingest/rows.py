"""Row rules of the Clouddiensten sheet (see ../shared/spec/submission.md) and the
Organisatie key/value sheet: header detection, normalisation, rejected rows, warnings.

Everything is a polars expression over the whole sheet: each rule is one entry in a list
of (code, column, condition, message) checks; the audit records are those checks filtered.
The rules run over the sheets of many files at once (`prepare_services` per file, then
`validate_batch`: a file_id column, per-file values such as the file name and the headers as
written joined in for the records that fire, duplicate Dienst-IDs counted per file), so the
fixed cost of a polars query is paid once per batch instead of once per file.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

import polars as pl

from ingest import messages, values
from ingest.read import ROW, FileRejected, Sheet
from ingest.reference import reference_dir
from ingest.schema import (
    COLUMNS,
    ORG_KEYS,
    SERVICE_COLUMNS,
    TEMPLATE_VERSIONS,
    Column,
    header_index,
    header_key,
    required_header_keys,
)

AUDIT_COLUMNS = {"sheet": pl.Utf8, "row_number": pl.Int32, "column": pl.Utf8, "value": pl.Utf8,
                 "code": pl.Utf8, "message": pl.Utf8, "raw_row": pl.List(pl.Utf8)}
TOTAL_WORDS = ("totaal", "total")
CONTACT_KEYS = ("contact_name", "contact_email")


def alias_key(text: pl.Expr) -> pl.Expr:
    """The vendor alias key: lower-case, white space collapsed and trimmed, trailing `.` and `,`
    ignored. The same expression as dbt's macro `alias_key` (macros/keys.sql): RE2's `\\s`
    is ASCII white space (plus the non-breaking spaces, listed in both), spelled out here
    because Rust's `\\s` is Unicode."""
    collapsed = text.str.to_lowercase().str.replace_all(r"[\t\n\f\r \x{00A0}\x{2007}\x{202F}]+", " ")
    return collapsed.str.replace(r"[\t\n\f\r .,]+$", "").str.strip_chars(" \t\n\f\r")


@dataclass(frozen=True)
class Refs:
    """Reference data the row rules need (from the dbt seeds)."""

    alias_keys: frozenset[str]
    eer_countries: frozenset[str]
    org_codes: frozenset[str]


def load_refs(seeds: Path | None = None) -> Refs:
    """The reference data of `seeds` (default: `ingest.reference.reference_dir()`, read now)."""
    return _load_refs(seeds or reference_dir())


@lru_cache(maxsize=4)
def _load_refs(seeds: Path) -> Refs:
    def rows(name: str) -> list[dict[str, str]]:
        with (seeds / name).open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))

    aliases = pl.DataFrame({"a": [r["alias"] for r in rows("vendor_aliases.csv")]})
    keys = aliases.select(alias_key(pl.col("a"))).to_series().to_list()
    eer = {r["iso2"] for r in rows("countries.csv") if r["in_eer"].strip().lower() == "true"}
    orgs = {r["org_code"].strip().upper() for r in rows("organisations.csv")}
    return Refs(frozenset(keys), frozenset(eer), frozenset(orgs))


def empty_audit() -> pl.DataFrame:
    return pl.DataFrame(schema=AUDIT_COLUMNS)


def _clean(c: str) -> pl.Expr:
    return values.clean_text(pl.col(c).cast(pl.Utf8))


# ---- Organisatie ----------------------------------------------------------------------

def org_info(sheet: Sheet) -> tuple[dict[str, str], pl.DataFrame]:
    """(internal key -> trimmed value text, the sheet frame with contact values blanked).

    Keys are in the first column, values in the second; the first occurrence of a key wins."""
    cells = sheet.cell_columns
    info: dict[str, str] = {}
    if not cells:
        return info, sheet.frame
    key_col, value_cols = cells[0], cells[1:]
    keys = sheet.frame.get_column(key_col).to_list()
    folded = [header_key(k or "").rstrip(":").strip() for k in keys]
    if value_cols:
        vals = sheet.frame.get_column(value_cols[0]).to_list()
        for k, v in zip(folded, vals):
            name = ORG_KEYS.get(k)
            text = values.clean_text_value(v) if v is not None else None
            if name and name not in info and text is not None:
                info[name] = text
    contact_keys = {k for k, n in ORG_KEYS.items() if n in CONTACT_KEYS}
    if not any(k in contact_keys for k in folded):
        return info, sheet.frame
    contact = pl.Series([k in contact_keys for k in folded], dtype=pl.Boolean)
    blanked = sheet.frame.with_columns(
        [pl.when(contact).then(pl.lit(None, pl.Utf8)).otherwise(pl.col(c)).alias(c) for c in value_cols]
    )
    return info, blanked


# ---- Clouddiensten --------------------------------------------------------------------

@dataclass
class Header:
    index: int  # frame index of the header row
    row_number: int
    version: str
    columns: dict[str, tuple[str, str]]  # Column.name -> (cell column, header as written)
    unknown: list[str]  # headers as written that match no column


def find_header(sheet: Sheet, file_name: str, version: str | None) -> Header:
    """The first row that holds every required header (of `version`, or of either version)."""
    versions = [version] if version else list(reversed(TEMPLATE_VERSIONS))  # 2025.1 first
    cells = sheet.cell_columns
    best: tuple[int, int, str] | None = None  # (matched, row_number, version)
    frame = sheet.frame if sheet.frame.columns == [ROW, *cells] else sheet.frame.select(ROW, *cells)
    # (the header is nearly always among the first rows: convert few rows at a time)
    for i, row in enumerate(frame.iter_rows(buffer_size=16)):
        texts = {c: _written(v) for c, v in zip(cells, row[1:]) if v is not None and _written(v)}
        keys = {header_key(t) for t in texts.values()}
        for v in versions:
            required = required_header_keys(v)
            matched = len(required & keys)
            if matched == len(required):
                return _header(i, row[0], v, texts)
            if best is None or matched > best[0]:
                best = (matched, row[0], v)
    v = best[2] if best else versions[0]
    found = {header_key(str(x)) for x in _row_values(sheet, best[1])} if best and best[0] else set()
    missing = [c.header for c in COLUMNS[v] if c.required and header_key(c.header) not in found]
    raise FileRejected(messages.no_header_row(file_name, sheet.name, missing, best[1] if best and best[0] else None))


def _written(header: object) -> str:
    """A header as written, for messages: white space and line breaks collapsed, without the
    template's required-marker `*`."""
    return " ".join(str(header).split()).rstrip("*").strip()


def _row_values(sheet: Sheet, row_number: int) -> list[str]:
    row = sheet.frame.filter(pl.col(ROW) == row_number).select(sheet.cell_columns).row(0)
    return [v for v in row if v is not None]


def _header(index: int, row_number: int, version: str, texts: dict[str, str]) -> Header:
    known = header_index(version)
    columns: dict[str, tuple[str, str]] = {}
    unknown: list[str] = []
    for cell, text in texts.items():
        col = known.get(header_key(text))
        if col is None or col.name in columns:
            unknown.append(text)
        else:
            columns[col.name] = (cell, text)
    return Header(index, row_number, version, columns, unknown)


@dataclass
class SheetResult:
    template_version: str
    header_row: int
    services: pl.DataFrame  # accepted rows: row_number + SERVICE_COLUMNS, normalised
    rejected: pl.DataFrame  # AUDIT_COLUMNS
    warnings: pl.DataFrame  # AUDIT_COLUMNS
    rows_total: int
    rows_accepted: int
    rows_rejected: int
    rows_skipped: int

    @property
    def data_rows(self) -> int:
        return self.rows_accepted + self.rows_rejected


@dataclass
class Prepared:
    """One Clouddiensten sheet ready for the row rules: its header found, its body rows as
    `frame` (file_id, row_number, raw_row, first, t_<column> as written, n_amount)."""

    file_id: int
    file_name: str
    sheet: str
    header: Header
    frame: pl.DataFrame


@dataclass
class FileCounts:
    template_version: str
    header_row: int
    rows_total: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    rows_skipped: int = 0

    @property
    def data_rows(self) -> int:
        return self.rows_accepted + self.rows_rejected


@dataclass
class BatchResult:
    """The row rules over the sheets of several files at once; every frame has a file_id
    column and lists the files in the order given, each file's records in its own order."""

    counts: dict[int, FileCounts]  # file_id -> counts
    services: pl.DataFrame  # file_id, row_number + SERVICE_COLUMNS (+ countries_unknown)
    rejected: pl.DataFrame  # file_id + AUDIT_COLUMNS
    warnings: pl.DataFrame  # file_id + AUDIT_COLUMNS


BATCH_AUDIT_COLUMNS = {"file_id": pl.Int64, **AUDIT_COLUMNS}


def prepare_services(sheet: Sheet, file_name: str, version: str | None, file_id: int = 0) -> Prepared:
    """Find the header of the Clouddiensten sheet (FileRejected without one) and take its body
    rows: the per-file part of the row rules (`validate_batch` does the rest)."""
    header = find_header(sheet, file_name, version)
    cells = sheet.cell_columns
    body = sheet.frame.slice(header.index + 1)

    def text_of(name: str) -> pl.Expr:
        cell = header.columns.get(name)
        return pl.col(cell[0]) if cell else pl.lit(None, pl.Utf8)

    amount_cell = header.columns.get("annual_cost_eur")
    is_number = None
    # Only a cell whose number-or-text reading gives different amounts needs the (second)
    # calamine parse that tells numeric cells from text cells; without one, all are text.
    if amount_cell and body.get_column(amount_cell[0]).str.contains(values.NUMBER_OR_TEXT_DIFFERS).any():
        is_number = sheet.numeric(int(amount_cell[0][1:])).slice(header.index + 1)
    d = body.select(
        pl.lit(file_id, pl.Int64).alias("file_id"),
        ROW,
        raw_row=pl.lit(sheet.cell_lists().slice(header.index + 1)),
        first=pl.lit(_first_cells(body, cells)),
        **{f"t_{name}": text_of(name) for name in SERVICE_COLUMNS},
        n_amount=pl.lit(False),
    )
    if is_number is not None:
        d = d.with_columns(n_amount=is_number)
    return Prepared(file_id, file_name, sheet.name, header, d)


def _first_cells(body: pl.DataFrame, cells: list[str]) -> pl.Series:
    """Per row its first non-empty cell, cleaned (`values.clean_text`), else null: the same as
    `pl.coalesce([_clean(c) for c in cells])`, computed on all cells as one series (one string
    operation per sheet instead of one per column)."""
    import numpy as np

    n, w = body.height, len(cells)
    if not n or not w:
        return pl.Series("first", [None] * n, dtype=pl.Utf8)
    stripped = pl.concat([body.get_column(c).cast(pl.Utf8) for c in cells], rechunk=True).str.strip_chars(
        values.WHITESPACE)  # cell (row r, column j) at j * n + r
    given = (stripped.str.len_bytes() > 0).fill_null(False).to_numpy().reshape(w, n)
    column = given.argmax(axis=0)  # the first given cell per row (0 when none)
    first = stripped.gather(column * n + np.arange(n))
    return first.set(pl.Series(~given.any(axis=0)), None).rename("first")


def validate_services(sheet: Sheet, file_name: str, version: str | None, refs: Refs) -> SheetResult:
    """Apply every row rule of the spec to the Clouddiensten sheet of one file."""
    prep = prepare_services(sheet, file_name, version)
    batch = validate_batch([prep], refs)
    n = batch.counts[prep.file_id]
    return SheetResult(n.template_version, n.header_row, batch.services.drop("file_id"),
                       batch.rejected.drop("file_id"), batch.warnings.drop("file_id"),
                       rows_total=n.rows_total, rows_accepted=n.rows_accepted,
                       rows_rejected=n.rows_rejected, rows_skipped=n.rows_skipped)


def validate_batch(preps: list[Prepared], refs: Refs) -> BatchResult:
    """Apply every row rule of the spec to the prepared sheets of several files (distinct
    file_ids) in one set of queries per template version: per file exactly what the file
    alone gives (the per-query cost is paid once per batch, not per file)."""
    groups: dict[str, list[Prepared]] = {}
    for p in preps:
        groups.setdefault(p.header.version, []).append(p)
    parts = [_validate_group(group, refs) for group in groups.values()]
    if len(parts) == 1:
        return parts[0]
    counts = {fid: c for part in parts for fid, c in part.counts.items()}

    def merged(frames: list[pl.DataFrame]) -> pl.DataFrame:
        return pl.concat(frames, how="vertical").sort("file_id", maintain_order=True)

    return BatchResult(counts, merged([p.services for p in parts]), merged([p.rejected for p in parts]),
                       merged([p.warnings for p in parts]))


def _validate_group(preps: list[Prepared], refs: Refs) -> BatchResult:
    """validate_batch for files of one template version."""
    version = preps[0].header.version
    cols = {c.name: c for c in COLUMNS[version]}
    d = pl.concat([p.frame for p in preps], how="vertical") if len(preps) > 1 else preps[0].frame
    # per file: the location prefix of its messages and each column's header as written
    meta = pl.DataFrame(
        {"file_id": [p.file_id for p in preps], "sheet": [p.sheet for p in preps],
         "head": [messages.location(p.file_name, p.sheet) for p in preps],
         **{f"w_{n}": [p.header.columns[n][1] if n in p.header.columns else cols[n].header for p in preps]
            for n in cols}},
        schema={"file_id": pl.Int64, "sheet": pl.Utf8, "head": pl.Utf8, **{f"w_{n}": pl.Utf8 for n in cols}},
    ).lazy()
    d = d.with_columns(**{name: _normalise(cols.get(name), f"t_{name}") for name in SERVICE_COLUMNS})
    skip_empty = pl.col("first").is_null()
    skip_total = pl.col("first").str.to_lowercase().str.strip_chars_end(":").is_in(TOTAL_WORDS)
    d = d.with_columns(skip=(skip_empty | skip_total).fill_null(False))

    # (kind, checked frame, condition, records): the records of the checks that fire (most
    # never do) are built and collected together, one query per kind
    audit_rows: list[tuple[str, pl.DataFrame, pl.Expr, Callable[[pl.Series], pl.LazyFrame]]] = []

    def check(kind: str, code: str, name: str | None, cond: pl.Expr, text: pl.Expr | str,
              frame: pl.DataFrame) -> None:
        cond = cond.fill_null(False)

        def records(rows: pl.Series) -> pl.LazyFrame:  # rows: `cond` evaluated over `frame`
            written = pl.col(f"w_{name}") if name else None
            prefix = messages.row_location(pl.col("head"), pl.col(ROW), written)
            value = pl.col(f"t_{name}") if name else pl.lit(None, pl.Utf8)
            return frame.lazy().filter(pl.lit(rows)).join(meta, on="file_id", how="left", maintain_order="left").select(
                "file_id", "sheet", row_number=pl.col(ROW),
                column=written if written is not None else pl.lit(None, pl.Utf8),
                value=value.cast(pl.Utf8), code=pl.lit(code), message=messages.at(prefix, text),
                raw_row=pl.col("raw_row"),
            )

        audit_rows.append((kind, frame, cond, records))

    # skipped rows
    check("warning", "row_skipped_empty", None, pl.col("skip") & skip_empty, messages.ROW_SKIPPED_EMPTY, d)
    check("warning", "row_skipped_total", None, pl.col("skip") & ~skip_empty, messages.ROW_SKIPPED_TOTAL, d)

    # rejections: required fields, then duplicate Dienst-ID (within one file)
    data = d.filter(~pl.col("skip"))
    for col in cols.values():
        if not col.required:
            continue
        given = values.clean_text(pl.col(f"t_{col.name}")).is_not_null()
        allowed = col.codes.allowed_text() if col.codes else None
        check("reject", "required_missing", col.name, ~given, messages.required_missing(allowed), data)
        if col.codes:
            check("reject", "invalid_value", col.name, given & pl.col(col.name).is_null(),
                  messages.invalid_value(pl.col(f"t_{col.name}"), allowed), data)
    id_key = pl.col("service_id").str.to_lowercase()
    check("reject", "duplicate_service_id", "service_id",
          id_key.is_not_null() & (pl.len().over(pl.col("file_id"), id_key) > 1),
          messages.duplicate_service_id(pl.col("service_id")), data)

    rejected = _records(audit_rows, "reject")
    bad_rows = rejected.select("file_id", "row_number").unique()
    accepted = data.join(bad_rows, on=["file_id", ROW], how="anti")
    accepted = _warn_and_blank(accepted, cols, refs, check)
    warnings = _records(audit_rows, "warning")
    # sheet-level warnings first (per file: unknown columns last to first, then a header below row 1)
    first: list[dict] = []
    for p in preps:
        h = p.header
        for text in reversed(h.unknown):
            first.append({"file_id": p.file_id, "sheet": p.sheet, "row_number": h.row_number, "column": text,
                          "value": text, "code": "unknown_column", "raw_row": None,
                          "message": messages.at(messages.location(p.file_name, p.sheet, h.row_number, text),
                                                 messages.unknown_column(text))})
        if h.row_number > 1:
            first.append({"file_id": p.file_id, "sheet": p.sheet, "row_number": None, "column": None,
                          "value": None, "code": "header_below_row_1", "raw_row": None,
                          "message": messages.at(messages.location(p.file_name, p.sheet),
                                                 messages.header_below_row_1(h.row_number))})
    if first:
        warnings = pl.concat([pl.DataFrame(first, schema=BATCH_AUDIT_COLUMNS), warnings],
                             how="vertical").sort("file_id", maintain_order=True)
    services = _services(accepted)
    counts = {p.file_id: FileCounts(version, p.header.row_number) for p in preps}
    for fid, total, skipped in d.group_by("file_id").agg(pl.len(), pl.col("skip").sum()).iter_rows():
        counts[fid].rows_total, counts[fid].rows_skipped = total, skipped
    for fid, n in bad_rows.group_by("file_id").len().iter_rows():
        counts[fid].rows_rejected = n
    for fid, n in services.group_by("file_id").len().iter_rows():
        counts[fid].rows_accepted = n
    return BatchResult(counts, services, rejected, warnings)


_NULLS = {"text": pl.Utf8, "code": pl.Utf8, "bool": pl.Boolean, "date": pl.Date,
          "amount": values.AMOUNT_DTYPE, "countries": values.COUNTRIES_DTYPE}


def _normalise(col: Column | None, t: str) -> pl.Expr:
    """The normalised value of one column; a column the template version lacks is NULL."""
    text = pl.col(t)
    if col is None:
        kind = next(c.kind for c in COLUMNS["2025.1"] if f"t_{c.name}" == t)
        return pl.lit(None, _NULLS[kind])
    if col.kind == "text":
        return values.clean_text(text)
    if col.kind == "code":
        return values.code(text, col.codes)
    if col.kind == "bool":
        return values.yes_no(text)
    if col.kind == "date":
        return values.date(text)
    if col.kind == "amount":
        return values.amount(text, pl.col("n_amount"))
    if col.kind == "countries":
        return values.countries(text)
    raise ValueError(f"unknown column kind {col.kind!r}")


def _warn_and_blank(acc: pl.DataFrame, cols: dict[str, Column], refs: Refs, check) -> pl.DataFrame:
    """Warnings on accepted rows; unreadable optional values blanked (set NULL)."""

    def given(name: str) -> pl.Expr:
        return values.clean_text(pl.col(f"t_{name}")).is_not_null()

    blank: dict[str, pl.Expr] = {}
    for col in cols.values():
        n = col.name
        if col.required:
            continue
        if col.kind == "code":
            allowed = col.codes.allowed_text()
            bad = given(n) & pl.col(n).is_null()
            check("warning", "invalid_optional_value", n, bad, messages.invalid_optional(pl.col(f"t_{n}"), allowed), acc)
        elif col.kind == "date":
            bad = given(n) & pl.col(n).is_null()
            check("warning", "unreadable_date", n, bad, messages.unreadable_date(pl.col(f"t_{n}")), acc)
        elif col.kind == "amount":
            bad = given(n) & pl.col(n).is_null()
            check("warning", "unreadable_amount", n, bad, messages.unreadable_amount(pl.col(f"t_{n}")), acc)
            check("warning", "negative_amount", n, pl.col(n) < 0, messages.negative_amount(pl.col(f"t_{n}")), acc)
            ambiguous = values.amount_ambiguous(pl.col(f"t_{n}"), pl.col("n_amount")) & (pl.col(n) >= 0)
            check("warning", "ambiguous_amount", n, ambiguous,
                  messages.ambiguous_amount(pl.col(f"t_{n}"), pl.col(n).cast(pl.Utf8).str.replace(r"\.", ",")), acc)
            blank[n] = pl.when(pl.col(n) < 0).then(None).otherwise(pl.col(n))
    for n, what in (("vendor_raw", "leveranciers"), ("provider_raw", "cloudaanbieders")):
        if n in cols:
            unknown = pl.col(n).is_not_null() & ~alias_key(pl.col(n)).is_in(list(refs.alias_keys))
            check("warning", "unknown_vendor" if n == "vendor_raw" else "unknown_provider", n, unknown,
                  messages.unknown_vendor(pl.col(f"t_{n}"), what), acc)
    if "countries" in cols:
        codes = pl.col("countries").struct.field("codes")
        unknown = pl.col("countries").struct.field("unknown")
        check("warning", "unknown_country", "countries", unknown.list.len() > 0,
              messages.unknown_country(unknown.list.join(", ")), acc)
        in_eer = codes.list.eval(pl.element().is_in(list(refs.eer_countries)))
        non_eer = in_eer.list.eval(~pl.element()).list.any()
        eer_not_nl = codes.list.eval(pl.element().is_in(list(refs.eer_countries - {"NL"}))).list.any()
        declared = pl.col("location_declared")
        mismatch = (
            ((declared == "nl") & (non_eer | eer_not_nl))
            | ((declared == "eea") & non_eer)
            | ((declared == "non_eea") & (codes.list.len() > 0) & ~non_eer & (unknown.list.len() == 0))
        )
        check("warning", "countries_location_mismatch", "countries", mismatch,
              messages.countries_mismatch(pl.col("t_countries"), cols["location_declared"].header,
                                          pl.col("t_location_declared")), acc)
    status = pl.col("status")
    check("warning", "planned_without_start_date", "start_date",
          status.is_in(["planned", "intended"]) & pl.col("start_date").is_null(),
          messages.planned_without_start(pl.col("t_status")), acc)
    if "reconsidered" in cols:
        check("warning", "stopped_while_in_use", "reconsidered",
              (pl.col("reconsidered") == "stopped") & status.is_in(["in_use", "migrating"]),
              messages.stopped_while_in_use(cols["status"].header, pl.col("t_status")), acc)
        blank["reconsidered"] = pl.when(given("reconsidered")).then(pl.col("reconsidered")).otherwise(pl.lit("no"))
    return acc.with_columns(**blank) if blank else acc


def _records(audit_rows: list[tuple[str, pl.DataFrame, pl.Expr, Callable[[pl.Series], pl.LazyFrame]]],
             kind: str) -> pl.DataFrame:
    """The audit records of `kind`, in check order per row. The conditions are evaluated first,
    one select per checked frame; only the records of checks that fire are built and collected."""
    checks = [(frame, cond, records) for k, frame, cond, records in audit_rows if k == kind]
    hits: list[pl.Series | None] = [None] * len(checks)
    for frame in {id(f): f for f, _, _ in checks}.values():
        mine = [i for i, (f, _, _) in enumerate(checks) if f is frame]
        if frame.height:
            # (the row number column keeps the frame's height should a condition be a literal)
            flags = frame.select(ROW, *[checks[i][1].alias(f"k{n}") for n, i in enumerate(mine)]).drop(ROW)
            for i, flag in zip(mine, flags.iter_columns()):
                hits[i] = flag if flag.any() else None
    frames = [records(rows) for (_, _, records), rows in zip(checks, hits) if rows is not None]
    out = pl.concat(frames, how="vertical").collect() if frames else pl.DataFrame(schema=BATCH_AUDIT_COLUMNS)
    return out.cast(BATCH_AUDIT_COLUMNS).sort("file_id", "row_number", maintain_order=True)


def _services(acc: pl.DataFrame) -> pl.DataFrame:
    exprs = []
    for name in SERVICE_COLUMNS:
        if name == "countries":
            exprs += [pl.col("countries").struct.field("codes").alias("countries"),
                      pl.col("countries").struct.field("unknown").alias("countries_unknown")]
        elif name == "bbn":
            exprs.append(pl.col("bbn").cast(pl.Int32))
        else:
            exprs.append(pl.col(name))
    return acc.select("file_id", pl.col(ROW).alias("row_number"), *exprs)
