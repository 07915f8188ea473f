"""Inbox -> raw and audit tables. The entry point is `ingest_inbox`.

Files are hashed and numbered in sorted name order, read in a thread pool (sheets, header,
organisation and period: one file never sees another), their rows checked in batches of
files (one set of polars queries per batch, per file the same records as alone), then the
cross-file rules are applied (same bytes as an earlier
accepted file, or as another file of this inbox: `duplicate`; several different files for one organisation and period: all rejected),
and everything is appended to DuckDB in one transaction by one writer through Arrow: the files'
rows while the pool reads on (in file_id order, a batch of files per insert, frames dropped once
written), the conflicting files' service rows deleted again, audit.files at the end.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import os
import re
from collections import defaultdict, deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import polars as pl

from ingest import messages, values
from ingest.periods import parse_period, peildatum, period_of
from ingest.read import ROW, FileRejected, Sheet, check_container, open_book
from ingest.rows import (BATCH_AUDIT_COLUMNS, BatchResult, Prepared, Refs, load_refs, org_info, prepare_services,
                         validate_batch)
from ingest.schema import SHEET_ORG, SHEET_SERVICES, TEMPLATE_VERSIONS
from ingest.tables import ensure_tables

log = logging.getLogger(__name__)

CSV_NAME = re.compile(r"([A-Za-z0-9-]+)_([0-9]{4}-Q[1-4])\.csv", re.IGNORECASE)
NAME_PREFIX = re.compile(r"([A-Za-z0-9-]+)_([0-9]{4}-Q[1-4])", re.IGNORECASE)
FLUSH_ROWS = 100_000  # rows (all tables) buffered before they are appended to DuckDB
BATCH_ROWS = 10_000  # body rows of the files whose rows are checked together (at least one file)
LOOKAHEAD_BYTES = 4 * 2**20  # file bytes read ahead of the checks (and at least 2 files per worker)


def is_ignored(path: Path) -> bool:
    """Editor lock files, hidden files and sub-folders are not submissions."""
    return path.is_dir() or path.name.startswith((".", "~$"))


@dataclass
class FileOutcome:
    file_id: int
    file_name: str
    status: str  # accepted | rejected | duplicate
    message: str | None = None
    org_code: str | None = None
    period: str | None = None
    rows_total: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    rows_skipped: int = 0
    sha256: str = ""
    bytes: int = 0
    peildatum: dt.date | None = None
    template_version: str | None = None


@dataclass
class IngestResult:
    files: list[FileOutcome]
    contacts: dict[str, dict] = field(default_factory=dict)


@dataclass
class _Parsed:
    """What one file contributes: read (`raw`, with file_id), and until its rows are checked
    (`_check_batch`) its prepared Clouddiensten sheet and file-level warnings."""

    outcome: FileOutcome
    raw: pl.DataFrame | None
    prepared: Prepared | None = None
    file_warnings: list[tuple[str, str]] = field(default_factory=list)
    info: dict[str, str] = field(default_factory=dict)
    contact: dict | None = None


def ingest_inbox(con, inbox: Path, period: str, run_id: str, *, max_bytes: int = 50 * 2**20,
                 max_unpacked_bytes: int = 500 * 2**20, progress: Callable[[str], None] | None = None,
                 workers: int | None = None) -> IngestResult:
    """Ingest every file of `inbox` for `period` into the raw and audit tables of `con`."""
    parse_period(period)
    ensure_tables(con)
    inbox = Path(inbox)
    say = progress or (lambda _msg: None)
    received_at = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    paths = []
    for path in sorted(inbox.iterdir(), key=lambda p: p.name):
        if is_ignored(path):
            log.info("ignored %s (hidden file, lock file or folder)", path.name)
            say(f"ignored {path.name} (hidden file, lock file or folder)")
        else:
            paths.append(path)

    next_id = con.execute("select coalesce(max(file_id), 0) + 1 from audit.files").fetchone()[0]
    # A repeat of an accepted file is a duplicate. Bytes that were rejected before are read
    # again: their rejection may have depended on their context (a second file for the same
    # organisation in that inbox, another batch period), and re-reading changes no figure.
    known = {sha: (fid, name, org, per) for sha, fid, name, org, per in con.execute(
        "select sha256, min(file_id), arg_min(file_name, file_id), arg_min(org_code, file_id), "
        "arg_min(period, file_id) from audit.files where status = 'accepted' group by sha256").fetchall()}
    outcomes: list[FileOutcome] = []
    to_parse: list[FileOutcome] = []
    copies: list[tuple[FileOutcome, FileOutcome]] = []  # (duplicate, its original in this run)
    for i, path in enumerate(paths):
        try:
            out = FileOutcome(next_id + i, path.name, "rejected", sha256=_sha256(path), bytes=path.stat().st_size)
        except OSError as exc:  # gone or unreadable since the listing: this file only
            outcomes.append(FileOutcome(next_id + i, path.name, "rejected", messages.unreadable(
                path.name, f"het bestand kon niet worden geopend: {exc.strerror or type(exc).__name__}")))
            continue
        outcomes.append(out)
        if out.sha256 in known:
            fid, name, org, per = known[out.sha256]
            out.status, out.org_code, out.period = "duplicate", org, per
            out.message = messages.duplicate_file(out.file_name, name, fid)
            copies += [(out, o) for o in to_parse if o.sha256 == out.sha256]
        else:
            known[out.sha256] = (out.file_id, out.file_name, None, None)
            to_parse.append(out)

    refs = load_refs()
    limits = (max_bytes, max_unpacked_bytes)
    n_workers = workers or min(4, os.cpu_count() or 1)
    parsed: list[_Parsed] = []
    # One transaction: the files' rows are appended as they are read (in file_id order, in
    # batches of about FLUSH_ROWS rows while the pool reads on), their frames are then
    # dropped; audit.files last.
    writer = _Writer(con)
    con.execute("begin transaction")
    try:
        with ThreadPoolExecutor(max_workers=max(1, n_workers)) as pool:
            jobs: deque[tuple[FileOutcome, Future]] = deque()  # submitted, not yet taken
            ahead = 0  # bytes of the files in `jobs`
            todo = iter(to_parse)
            try:
                batch: list[_Parsed] = []
                batch_rows = 0
                for n in range(1, len(to_parse) + 1):
                    # read ahead a few files (or a few MB of them), not the whole inbox: the
                    # files read but not yet checked and written are held in memory
                    while len(jobs) < 2 * max(1, n_workers) or ahead < LOOKAHEAD_BYTES:
                        o = next(todo, None)
                        if o is None:
                            break
                        jobs.append((o, pool.submit(_parse_safely, inbox / o.file_name, o, period, refs, limits)))
                        ahead += o.bytes
                    o, job = jobs.popleft()
                    ahead -= o.bytes
                    p = job.result()
                    batch.append(p)
                    batch_rows += p.prepared.frame.height if p.prepared is not None else 0
                    if batch_rows >= BATCH_ROWS or n == len(to_parse):
                        writer.add(_check_batch(batch, refs))
                        for q in batch:
                            parsed.append(q)
                            say(f"read {len(parsed)}/{len(to_parse)}: {q.outcome.file_name} ({q.outcome.status})")
                        batch, batch_rows = [], 0
                writer.flush()
                writer.close()
            except BaseException:
                for _o, job in jobs:
                    job.cancel()
                with contextlib.suppress(BaseException):  # the connection must be free for the rollback
                    writer.close()
                raise
        conflicting = _reject_conflicts(parsed, period)
        if conflicting:
            con.execute("delete from raw.service_rows where file_id in (select unnest($1::bigint[]))",
                        [conflicting])
        for dup, original in copies:
            dup.org_code, dup.period = original.org_code, original.period
        _write_files(con, outcomes, received_at, run_id)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    contacts = {}
    for p in parsed:
        if p.outcome.status == "accepted" and p.contact:
            contacts[p.outcome.org_code] = {**p.contact, "file_name": p.outcome.file_name,
                                            "received_at": received_at.isoformat()}
    return IngestResult(outcomes, contacts)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(2**20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _parse_safely(path: Path, out: FileOutcome, period: str, refs: Refs, limits: tuple[int, int]) -> _Parsed:
    """Read one file up to its rows (the part that needs no other file): rejected, or with
    `prepared` set for `_check_batch`."""
    parsed = _Parsed(out, None)
    try:
        _parse(path, parsed, period, refs, limits)
    except Exception as exc:  # noqa: BLE001 - any input must end in a message, never a traceback
        _fail(parsed, exc)
    if parsed.raw is not None and parsed.raw.height == 0:
        parsed.raw = None
    return parsed


def _fail(parsed: _Parsed, exc: Exception) -> None:
    out = parsed.outcome
    if isinstance(exc, FileRejected):
        out.status, out.message = "rejected", str(exc)
    else:
        log.debug("unexpected error reading %s", out.file_name, exc_info=exc)
        out.status = "rejected"
        out.message = messages.unreadable(out.file_name, f"{type(exc).__name__}: {exc}"[:200])
    parsed.prepared = None


def _check_batch(batch: list[_Parsed], refs: Refs) -> dict[str, pl.DataFrame | None]:
    """The row rules over the prepared files of `batch` at once, then per file what `_parse`
    did after them (counts, all rows rejected, accepted). Returns the batch's frames per table
    (with file_id; files in batch order), its `raw` frames dropped from the files."""
    todo = [p for p in batch if p.prepared is not None]
    result = _validate(todo, refs)
    file_level = []
    for p in todo:
        out = p.outcome
        counts = result.counts.get(out.file_id) if result else None
        if counts is None:  # validation failed for this file: rejected in `_validate`
            continue
        out.template_version = counts.template_version
        out.rows_total, out.rows_accepted = counts.rows_total, counts.rows_accepted
        out.rows_rejected, out.rows_skipped = counts.rows_rejected, counts.rows_skipped
        file_level += [{"file_id": out.file_id, "code": c, "message": m} for c, m in p.file_warnings]
        if counts.data_rows and not counts.rows_accepted:
            out.status, out.message = "rejected", messages.all_rows_rejected(out.file_name, counts.data_rows)
        else:
            out.status = "accepted"
            p.contact = {k: p.info.get(k) for k in ("contact_name", "contact_email")}
        p.prepared = None
    raws = [p.raw for p in batch if p.raw is not None]
    for p in batch:
        p.raw = None
    frames: dict[str, pl.DataFrame | None] = dict.fromkeys(_Writer.TABLES)
    frames["raw.raw_rows"] = pl.concat(raws, how="vertical") if raws else None
    if result is not None:
        warnings = result.warnings
        if file_level:
            warnings = pl.concat([pl.DataFrame(file_level, schema={"file_id": pl.Int64, "code": pl.Utf8,
                                                                   "message": pl.Utf8}).select(
                                      *[pl.col(c) if c in ("file_id", "code", "message") else pl.lit(None, t).alias(c)
                                        for c, t in BATCH_AUDIT_COLUMNS.items()]), warnings],
                                 how="vertical").sort("file_id", maintain_order=True)
        accepted = pl.DataFrame(
            [{"file_id": p.outcome.file_id, "org_code": p.outcome.org_code, "period": p.outcome.period,
              "template_version": p.outcome.template_version} for p in todo if p.outcome.status == "accepted"],
            schema={"file_id": pl.Int64, "org_code": pl.Utf8, "period": pl.Utf8, "template_version": pl.Utf8})
        frames["audit.rejected_rows"] = result.rejected
        frames["audit.warnings"] = warnings
        frames["raw.service_rows"] = result.services.join(accepted, on="file_id", how="inner",
                                                          maintain_order="left").with_columns(
            sheet=pl.lit(SHEET_SERVICES))
    return frames


def _validate(todo: list[_Parsed], refs: Refs) -> BatchResult | None:
    """validate_batch over the files of `todo`; should it fail, file by file, so that an
    unexpected error rejects only the file that causes it (as when it is checked alone)."""
    if not todo:
        return None
    try:
        return validate_batch([p.prepared for p in todo], refs)
    except Exception as exc:  # noqa: BLE001 - any input must end in a message, never a traceback
        if len(todo) == 1:
            _fail(todo[0], exc)
            return None
    parts = [r for r in (_validate([p], refs) for p in todo) if r is not None]
    if not parts:
        return None

    def merged(frames: list[pl.DataFrame]) -> pl.DataFrame:
        return pl.concat(frames, how="vertical")

    return BatchResult({fid: c for r in parts for fid, c in r.counts.items()}, merged([r.services for r in parts]),
                       merged([r.rejected for r in parts]), merged([r.warnings for r in parts]))


def _raw(sheet: Sheet, frame: pl.DataFrame | None = None, file_id: int = 0) -> pl.DataFrame:
    """A sheet's rows for raw.raw_rows."""
    if frame is None:  # (built from the sheet's columns: no query)
        n = sheet.frame.height
        return pl.DataFrame([pl.Series("file_id", [file_id], pl.Int64).new_from_index(0, n),
                             pl.Series("sheet", [sheet.name], pl.Utf8).new_from_index(0, n),
                             sheet.frame.get_column(ROW), sheet.cell_lists().rename("cells")])
    return frame.select(file_id=pl.lit(file_id, pl.Int64), sheet=pl.lit(sheet.name), row_number=pl.col(ROW),
                        cells=pl.concat_list([pl.col(c).fill_null("") for c in sheet.cell_columns])
                        if sheet.cell_columns else pl.lit([], pl.List(pl.Utf8)))


def _parse(path: Path, parsed: _Parsed, period: str, refs: Refs, limits: tuple[int, int]) -> None:
    out, name = parsed.outcome, path.name
    check_container(path, *limits)
    book = open_book(path)
    services = book.sheet(SHEET_SERVICES)
    raws = []
    file_warnings = []
    info: dict[str, str] = {}
    if book.kind == "csv":
        m = CSV_NAME.fullmatch(name)
        if services is not None:
            raws.append(_raw(services, file_id=out.file_id))
        parsed.raw = pl.concat(raws)
        if not m:
            raise FileRejected(messages.bad_csv_name(name))
        info = {"org_code": m[1], "period": m[2].upper()}
    else:
        org = book.sheet(SHEET_ORG)
        if org is not None:
            info, blanked = org_info(org)
            raws.append(_raw(org, blanked, out.file_id))
        if services is not None:
            raws.append(_raw(services, file_id=out.file_id))
        parsed.raw = pl.concat(raws) if raws else None
        if services is None:
            raise FileRejected(messages.no_sheet(name, SHEET_SERVICES, book.sheet_names))
        if org is None:
            raise FileRejected(messages.no_sheet(name, SHEET_ORG, book.sheet_names))
    # organisation and period
    org_code = (info.get("org_code") or "").upper()
    if not org_code:
        raise FileRejected(messages.missing_org_code(name))
    if org_code not in refs.org_codes:
        raise FileRejected(messages.unknown_org_code(name, info["org_code"], csv=book.kind == "csv"))
    out.org_code = org_code
    if "period" in info:
        try:
            year, quarter = parse_period(info["period"].replace(" ", ""))
        except ValueError:
            raise FileRejected(messages.unreadable_period(name, "Periode", info["period"])) from None
        out.period = f"{year}-Q{quarter}"
        if info.get("peildatum") and values.date_value(info["peildatum"]) is None:
            # optional next to Periode, but a Peildatum that cannot be read rejects the file
            raise FileRejected(messages.unreadable_period(name, "Peildatum", info["peildatum"]))
    else:
        day = values.date_value(info.get("peildatum"))
        if day is None:
            raise FileRejected(messages.unreadable_period(name, "Peildatum", info.get("peildatum")))
        out.period = period_of(day)
    out.peildatum = peildatum(out.period)
    if out.period != period:
        raise FileRejected(messages.wrong_period(name, out.period, period))
    version = info.get("template_version")
    if version is not None and version not in TEMPLATE_VERSIONS:
        file_warnings.append(("unknown_template_version", messages.at(
            messages.location(name, SHEET_ORG), messages.unknown_template_version(version))))
        version = None
    if book.kind != "csv":
        m = NAME_PREFIX.match(name)
        if m and (m[1].upper() != org_code or m[2].upper() != out.period):
            file_warnings.append(("file_name_mismatch", messages.at(
                name, messages.name_mismatch(m[1], m[2].upper(), org_code, out.period))))
    # rows: the header here, the row rules in `_check_batch`
    parsed.prepared = prepare_services(services, name, version, out.file_id)
    parsed.file_warnings = file_warnings
    parsed.info = info


def _reject_conflicts(parsed: list[_Parsed], period: str) -> list[int]:
    """Two or more different files for one organisation and the batch period: all rejected.
    Returns the file_ids of the files that were accepted until now (their service rows go)."""
    dropped: list[int] = []
    by_org: dict[str, list[_Parsed]] = defaultdict(list)
    for p in parsed:
        if p.outcome.org_code and p.outcome.period == period:
            by_org[p.outcome.org_code].append(p)
    for org, group in by_org.items():
        if len(group) < 2:
            continue
        names = [p.outcome.file_name for p in group]
        for p in group:
            if p.outcome.status == "accepted":
                dropped.append(p.outcome.file_id)
            p.outcome.status = "rejected"
            p.outcome.message = messages.conflicting_files(p.outcome.file_name, org, period,
                                                           [n for n in names if n != p.outcome.file_name])
    return dropped


def _write_files(con, outcomes: list[FileOutcome], received_at: dt.datetime, run_id: str) -> None:
    files = pl.DataFrame(
        [{"file_id": o.file_id, "file_name": o.file_name, "sha256": o.sha256, "bytes": o.bytes,
          "received_at": received_at, "run_id": run_id, "org_code": o.org_code, "period": o.period,
          "peildatum": o.peildatum, "template_version": o.template_version, "status": o.status,
          "message": o.message, "rows_total": o.rows_total, "rows_accepted": o.rows_accepted,
          "rows_rejected": o.rows_rejected, "rows_skipped": o.rows_skipped} for o in outcomes],
        schema={"file_id": pl.Int64, "file_name": pl.Utf8, "sha256": pl.Utf8, "bytes": pl.Int64,
                "received_at": pl.Datetime("us"), "run_id": pl.Utf8, "org_code": pl.Utf8, "period": pl.Utf8,
                "peildatum": pl.Date, "template_version": pl.Utf8, "status": pl.Utf8, "message": pl.Utf8,
                "rows_total": pl.Int32, "rows_accepted": pl.Int32, "rows_rejected": pl.Int32,
                "rows_skipped": pl.Int32},
    )
    _insert(con, "audit.files", files)


class _Writer:
    """Appends the parsed files' rows to the raw and audit tables in file_id order, a batch of
    files per insert (one insert per file costs more than the file for small files). The
    inserts run on one thread of their own (DuckDB releases the GIL), one after the other in
    the order given, while the next batch is checked; `close` waits for the last one."""

    TABLES = ("raw.raw_rows", "audit.rejected_rows", "audit.warnings", "raw.service_rows")

    def __init__(self, con, flush_rows: int | None = None) -> None:
        self.con, self.flush_rows = con, flush_rows or FLUSH_ROWS
        self.pending: dict[str, list[pl.DataFrame]] = {t: [] for t in self.TABLES}
        self.rows = 0
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-writer")
        self._job: Future | None = None

    def add(self, frames: dict[str, pl.DataFrame | None]) -> None:
        """Take a batch's frames (table -> frame with file_id, files in file_id order)."""
        for table in self.TABLES:
            frame = frames.get(table)
            if frame is not None and frame.height:
                self.pending[table].append(frame)
                self.rows += frame.height
        if self.rows >= self.flush_rows:
            self.flush()

    def flush(self) -> None:
        """Hand the pending rows to the writing thread (after the previous insert is done)."""
        batch = []
        for table in self.TABLES:
            frames, self.pending[table] = self.pending[table], []
            if frames:
                batch.append((table, pl.concat(frames, how="diagonal_relaxed")))
        self.rows = 0
        self._wait()
        if batch:
            self._job = self._thread.submit(self._write, batch)

    def _write(self, batch: list[tuple[str, pl.DataFrame]]) -> None:
        for table, frame in batch:
            _insert(self.con, table, frame)

    def _wait(self) -> None:
        job, self._job = self._job, None
        if job is not None:
            job.result()

    def close(self) -> None:
        """Wait for the last insert (raising its error); the connection is free afterwards."""
        try:
            self._wait()
        finally:
            self._thread.shutdown(wait=True)


def _insert(con, table: str, frame: pl.DataFrame) -> None:
    con.register("_ingest_frame", _ArrowStream(frame))
    try:
        con.execute(f"insert into {table} by name select * from _ingest_frame")
    finally:
        con.unregister("_ingest_frame")


class _ArrowStream:
    """A polars frame seen by DuckDB through the Arrow PyCapsule stream interface only.

    Registering the DataFrame itself (or a pyarrow Table) makes DuckDB import
    pyarrow.dataset and with it pandas: seconds per process for nothing."""

    def __init__(self, frame: pl.DataFrame) -> None:
        self.frame = frame

    def __arrow_c_stream__(self, requested_schema=None):
        return self.frame.__arrow_c_stream__(requested_schema)

