"""The quarterly batch: ingest → dbt build → data-quality checks → reports → publish.

Every step works on a private copy of the warehouse (see `warehouse.py`); the copy is
swapped in only when every step finished and the blocking checks passed, and the report
folders are swapped in with it. Heavy libraries (dbt, great_expectations, the renderers)
are imported inside the step that needs them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from wolkenkaart import dbt, warehouse
from wolkenkaart.errors import ChecksFailed, UsageError

log = logging.getLogger("wolkenkaart")


@dataclass
class Settings:
    """What a run needs to know besides the period (CLI flags and config file)."""

    warehouse: Path = Path("data/warehouse.duckdb")
    max_file_mb: float = 50
    max_unpacked_mb: float = 500
    change_threshold: float = 0.30
    formats: tuple[str, ...] = ("odt", "docx", "pdf", "html", "md", "csv", "xlsx", "ods")


@dataclass
class RunSummary:
    run_id: str
    period: str
    timings: dict[str, float] = field(default_factory=dict)
    files: list = field(default_factory=list)
    blocking_failures: list[str] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    outcome: str = "running"


@contextmanager
def step(summary: RunSummary, name: str) -> Iterator[None]:
    log.info("%s …", name)
    start = time.perf_counter()
    try:
        yield
    finally:
        summary.timings[name] = time.perf_counter() - start
        log.info("%s done in %.1f s", name, summary.timings[name])


def check_period(period: str) -> str:
    from ingest.periods import parse_period

    try:
        parse_period(period)
    except ValueError as exc:
        raise UsageError(f"bad period {period!r}: {exc} (write it as YYYY-Qn, e.g. 2025-Q3)") from None
    return period


def check_inbox(inbox: Path) -> Path:
    if not inbox.is_dir():
        raise UsageError(f"inbox {inbox} does not exist or is not a folder (pass --inbox DIR)")
    if not any(p.is_file() and not p.name.startswith((".", "~$")) for p in inbox.iterdir()):
        raise UsageError(f"inbox {inbox} holds no files: nothing to ingest (pass --inbox DIR)")
    return inbox


def has_current_submission(db: Path, period: str) -> bool:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        n = con.execute(
            "select count(*) from audit.files where period = ? and status = 'accepted'", [period]
        ).fetchone()[0]
    finally:
        con.close()
    return n > 0


def new_run_id(period: str | None) -> str:
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return f"{period or 'build'}-{stamp}-{uuid.uuid4().hex[:6]}"


def git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=dbt.PROJECT_DIR, capture_output=True, text=True, timeout=5
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def package_version() -> str:
    from importlib.metadata import version

    return version("wolkenkaart")


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# --------------------------------------------------------------------------- steps


def ingest_step(db: Path, inbox: Path, period: str, run_id: str, settings: Settings):
    import duckdb

    from ingest.load import ingest_inbox
    from ingest.tables import ensure_tables

    con = duckdb.connect(str(db))
    try:
        ensure_tables(con)
        result = ingest_inbox(
            con,
            inbox,
            period,
            run_id,
            max_bytes=int(settings.max_file_mb * 2**20),
            max_unpacked_bytes=int(settings.max_unpacked_mb * 2**20),
            progress=lambda msg: log.info("  %s", msg),
        )
    finally:
        con.close()
    return result


def record_run(db: Path, summary: RunSummary, command: str, started_at: dt.datetime) -> None:
    """One row in audit.batch_runs of the warehouse that is about to be published."""
    import duckdb

    from ingest.tables import ensure_tables

    statuses = [getattr(f, "status", None) for f in summary.files]
    con = duckdb.connect(str(db))
    try:
        ensure_tables(con)
        con.execute(
            "insert into audit.batch_runs values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                summary.run_id,
                command,
                summary.period,
                started_at.replace(tzinfo=None),
                dt.datetime.now(dt.timezone.utc).replace(tzinfo=None),
                package_version(),
                dbt.dbt_version(),
                git_commit(),
                len(statuses),
                statuses.count("accepted"),
                statuses.count("rejected"),
                statuses.count("duplicate"),
                sum(getattr(f, "rows_accepted", 0) or 0 for f in summary.files),
                sum(getattr(f, "rows_rejected", 0) or 0 for f in summary.files),
                summary.outcome,
            ],
        )
    finally:
        con.close()


class OutputFolder:
    """Report folders written beside the real ones and swapped in as a whole."""

    def __init__(self, out: Path, run_id: str):
        self.out = out
        self.staging = out / f".building-{run_id}"
        for stale in out.glob(".building-*") if out.exists() else []:
            shutil.rmtree(stale, ignore_errors=True)
        self.staging.mkdir(parents=True)

    def commit(self) -> list[Path]:
        written = []
        for part in sorted(self.staging.iterdir()):
            final = self.out / part.name
            if part.is_dir():
                old = self.out / f".old-{part.name}"
                shutil.rmtree(old, ignore_errors=True)
                if final.exists():
                    os.replace(final, old)
                os.replace(part, final)
                shutil.rmtree(old, ignore_errors=True)
                written.extend(sorted(p for p in final.rglob("*") if p.is_file()))
            else:
                os.replace(part, final)
                written.append(final)
        shutil.rmtree(self.staging, ignore_errors=True)
        return written

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def _check_job(db: Path, period: str | None, previous: Path | None, change_threshold: float):
    import duckdb

    from expectations.run import run_checks as gx_run_checks

    con = duckdb.connect(str(db), read_only=True)
    prev = duckdb.connect(str(previous), read_only=True) if previous and previous.exists() else None
    try:
        return gx_run_checks(con, period, prev, change_threshold=change_threshold)
    finally:
        con.close()
        if prev is not None:
            prev.close()


def run_checks(db: Path, period: str | None, previous: Path | None, settings: Settings):
    return _check_job(db, period, previous, settings.change_threshold)


def _warm_worker(conn) -> None:
    """Child process: import Great Expectations now, run one check job when asked."""
    try:
        import great_expectations  # noqa: F401  (the seconds-long import, off the critical path)

        import expectations.run  # noqa: F401
    except BaseException as exc:  # noqa: BLE001 - reported to the parent when it asks
        early = exc
    else:
        early = None
    job = conn.recv()
    if job is None:
        return
    try:
        if early is not None:
            raise early
        conn.send(("ok", _check_job(*job)))
    except BaseException as exc:  # noqa: BLE001 - re-raised in the parent
        conn.send(("error", exc))


class WarmChecks:
    """Great Expectations takes seconds to import; a child process does that while the
    batch ingests and builds (on the other core), then runs the checks when asked."""

    def __init__(self) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_warm_worker, args=(child,), daemon=True, name="wolkenkaart-checks")
        self.proc.start()
        child.close()

    def run(self, db: Path, period: str | None, previous: Path | None, settings: Settings):
        self.conn.send((db, period, previous, settings.change_threshold))
        try:
            status, payload = self.conn.recv()
        except EOFError:
            raise RuntimeError("the data-quality check process died") from None
        if status == "error":
            raise payload
        return payload

    def close(self) -> None:
        if self.proc.is_alive():
            try:
                self.conn.send(None)
            except OSError:
                pass
            self.proc.join(timeout=5)
            if self.proc.is_alive():
                self.proc.kill()
        self.conn.close()


def describe_failures(report) -> list[str]:
    return [f"{r.suite}.{r.expectation}" for r in report.blocking_failures]


def write_manifest(path: Path, summary: RunSummary, *, command: str, allow_failed_checks: bool,
                   started_at: dt.datetime, input_files: list[dict], outputs: list[Path]) -> None:
    import duckdb

    manifest = {
        "run_id": summary.run_id,
        "command": command,
        "period": summary.period,
        "started_at": started_at.isoformat(timespec="seconds"),
        "ended_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "outcome": summary.outcome,
        "allow_failed_checks": allow_failed_checks,
        "blocking_failures": summary.blocking_failures,
        "versions": {
            "wolkenkaart": package_version(),
            "dbt-core": dbt.dbt_version(),
            "duckdb": duckdb.__version__,
            "git_commit": git_commit(),
        },
        "timings_s": {k: round(v, 3) for k, v in summary.timings.items()},
        "input_files": input_files,
        "output_files": [
            {"path": str(p.relative_to(path.parent)), "sha256": sha256_of(p), "bytes": p.stat().st_size}
            for p in outputs
            if p.exists() and p != path
        ],
    }
    tmp = path.with_suffix(".json.building")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, path)


def input_files_of_run(db: Path, run_id: str) -> list[dict]:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "select file_name, sha256, bytes, status, org_code from audit.files where run_id = ? order by file_id",
            [run_id],
        ).fetchall()
    finally:
        con.close()
    return [dict(zip(("file_name", "sha256", "bytes", "status", "org_code"), r)) for r in rows]


COLOPHON_OVERRIDE = (
    "Let op: deze tabellen zijn gepubliceerd terwijl blokkerende datakwaliteitscontroles faalden "
    "(--allow-failed-checks): {checks}."
)


# --------------------------------------------------------------------------- commands


def run_batch(period: str, inbox: Path, out: Path, settings: Settings, *,
              allow_failed_checks: bool = False, formats: Sequence[str] | None = None) -> RunSummary:
    """The quarterly batch. Raises ChecksFailed (exit 1) when blocking checks fail."""
    check_period(period)
    check_inbox(inbox)
    started_at = dt.datetime.now(dt.timezone.utc)
    summary = RunSummary(new_run_id(period), period)
    log.info("run %s: period %s, inbox %s, warehouse %s", summary.run_id, period, inbox, settings.warehouse)
    formats = tuple(formats or settings.formats)
    with warehouse.work_copy(settings.warehouse) as copy, contextlib.closing(WarmChecks()) as checks:
        with step(summary, "ingest"):
            result = ingest_step(copy.path, inbox, period, summary.run_id, settings)
            summary.files = result.files
            copy.contacts.update(result.contacts)
        if not has_current_submission(copy.path, period):
            summary.outcome = "blocked"
            error = ChecksFailed(
                f"no accepted submission for {period} (every file in {inbox} was rejected): "
                "nothing was published; the reasons are listed per file above"
            )
            error.files = result.files
            raise error
        with step(summary, "dbt build"):
            dbt.build(copy.path)
        with step(summary, "checks"):
            report = checks.run(copy.path, period, settings.warehouse, settings)
            summary.blocking_failures = describe_failures(report)
        folder = OutputFolder(out, summary.run_id)
        try:
            import duckdb

            from reports.feedback import write_feedback
            from reports.quality_report import write_quality_report

            with step(summary, "quality report and feedback"):
                write_quality_report(report, folder.staging)
                con = duckdb.connect(str(copy.path), read_only=True)
                try:
                    write_feedback(con, period, folder.staging, copy.contacts, report=report)
                finally:
                    con.close()
            if summary.blocking_failures and not allow_failed_checks:
                summary.outcome = "blocked"
                outputs = folder.commit()
                write_manifest(out / "manifest.json", summary, command="run", allow_failed_checks=False,
                               started_at=started_at, input_files=input_files_of_run(copy.path, summary.run_id),
                               outputs=outputs)
                raise ChecksFailed(
                    "blocking data-quality checks failed, nothing was published: "
                    + ", ".join(summary.blocking_failures)
                    + f" (details: {out / 'kwaliteit' / 'datakwaliteit.html'})"
                )
            colophon = None
            if summary.blocking_failures:
                colophon = COLOPHON_OVERRIDE.format(checks=", ".join(summary.blocking_failures))
            with step(summary, "reports"):
                from reports import write_kamerbrief

                con = duckdb.connect(str(copy.path), read_only=True)
                try:
                    write_kamerbrief(con, period, folder.staging, formats, colophon=colophon)
                finally:
                    con.close()
            summary.outcome = "published_with_failed_checks" if summary.blocking_failures else "published"
            with step(summary, "publish"):
                record_run(copy.path, summary, "run", started_at)
                inputs = input_files_of_run(copy.path, summary.run_id)
                copy.publish()
                outputs = folder.commit()
                write_manifest(out / "manifest.json", summary, command="run",
                               allow_failed_checks=allow_failed_checks, started_at=started_at,
                               input_files=inputs, outputs=outputs)
                summary.outputs = outputs
        except BaseException:
            folder.discard()
            raise
    return summary


def ingest_only(period: str, inbox: Path, settings: Settings) -> RunSummary:
    check_period(period)
    check_inbox(inbox)
    started_at = dt.datetime.now(dt.timezone.utc)
    summary = RunSummary(new_run_id(period), period)
    with warehouse.work_copy(settings.warehouse) as copy:
        with step(summary, "ingest"):
            result = ingest_step(copy.path, inbox, period, summary.run_id, settings)
            summary.files = result.files
            copy.contacts.update(result.contacts)
        summary.outcome = "published"
        record_run(copy.path, summary, "ingest", started_at)
        copy.publish()
    return summary


def build_only(settings: Settings) -> RunSummary:
    started_at = dt.datetime.now(dt.timezone.utc)
    summary = RunSummary(new_run_id(None), None)
    with warehouse.work_copy(settings.warehouse) as copy:
        if not copy.path.exists():
            raise UsageError(f"no warehouse at {settings.warehouse}: ingest a period first")
        with step(summary, "dbt build"):
            dbt.build(copy.path)
        summary.outcome = "published"
        record_run(copy.path, summary, "build", started_at)
        copy.publish()
    return summary


def latest_period(settings: Settings) -> str:
    con = warehouse.connect_read_only(settings.warehouse)
    try:
        row = con.execute("select max(period) from marts.org_metrics").fetchone()
    except Exception:  # noqa: BLE001 - no marts yet
        row = None
    finally:
        con.close()
    if not row or not row[0]:
        raise UsageError("the warehouse has no figures yet: run 'wolkenkaart run --period YYYY-Qn' first")
    return row[0]


def check_only(period: str | None, out: Path, settings: Settings):
    """The GX suites on the published warehouse; writes the quality report."""
    if not settings.warehouse.exists():
        raise UsageError(f"no warehouse at {settings.warehouse}: run a period first (or pass --warehouse)")
    report = run_checks(settings.warehouse, period, None, settings)
    from reports.quality_report import write_quality_report

    summary = RunSummary(new_run_id(period), period)
    folder = OutputFolder(out, summary.run_id)
    try:
        write_quality_report(report, folder.staging)
        folder.commit()
    except BaseException:
        folder.discard()
        raise
    return report


def report_only(period: str, out: Path, settings: Settings, *, formats: Sequence[str],
                allow_failed_checks: bool = False) -> list[Path]:
    """Kamerbrief tables and feedback files for one period of the published warehouse."""
    check_period(period)
    started_at = dt.datetime.now(dt.timezone.utc)
    summary = RunSummary(new_run_id(period), period)
    report = run_checks(settings.warehouse, period, None, settings)
    summary.blocking_failures = describe_failures(report)
    folder = OutputFolder(out, summary.run_id)
    try:
        import duckdb

        from reports import write_kamerbrief
        from reports.feedback import write_feedback
        from reports.quality_report import write_quality_report

        write_quality_report(report, folder.staging)
        con = duckdb.connect(str(settings.warehouse), read_only=True)
        try:
            write_feedback(con, period, folder.staging, warehouse.read_contacts(settings.warehouse), report=report)
            if summary.blocking_failures and not allow_failed_checks:
                summary.outcome = "blocked"
                folder.commit()
                raise ChecksFailed(
                    "blocking data-quality checks fail, the Kamerbrief tables are refused: "
                    + ", ".join(summary.blocking_failures)
                )
            colophon = None
            if summary.blocking_failures:
                colophon = COLOPHON_OVERRIDE.format(checks=", ".join(summary.blocking_failures))
            write_kamerbrief(con, period, folder.staging, formats, colophon=colophon)
        finally:
            con.close()
        summary.outcome = "published"
        outputs = folder.commit()
        write_manifest(out / "manifest.json", summary, command="report", allow_failed_checks=allow_failed_checks,
                       started_at=started_at, input_files=[], outputs=outputs)
        return outputs
    except BaseException:
        folder.discard()
        raise


def overview_only(year: int, out: Path, settings: Settings, *, allow_failed_checks: bool = False) -> list[Path]:
    report = run_checks(settings.warehouse, None, None, settings)
    failures = describe_failures(report)
    if failures and not allow_failed_checks:
        raise ChecksFailed("blocking data-quality checks fail, the annual overview is refused: " + ", ".join(failures))
    from reports import write_overview

    con = warehouse.connect_read_only(settings.warehouse)
    try:
        out.mkdir(parents=True, exist_ok=True)
        return write_overview(con, year, out)
    finally:
        con.close()
