"""The published warehouse and the safe way to change it.

Readers open the published file read-only. A writer takes an exclusive lock, copies the
published file to a work file beside it, changes the copy, and swaps it in with one
`os.replace` only when everything passed. A reader keeps the file it opened (the old
inode); a killed writer leaves the published file untouched, and its lock dies with it
(flock is released by the kernel). Left-over work files are removed by the next writer.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from wolkenkaart.errors import UsageError


class WarehouseBusy(UsageError):
    """Another command is writing this warehouse."""


def lock_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".lock")


def work_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".building")


def contacts_path(warehouse: Path) -> Path:
    """Contact details live here, beside the warehouse, never inside it."""
    return warehouse.with_name(warehouse.name + ".contacts.json")


def connect_read_only(warehouse: Path):
    """A read-only connection on the published warehouse (clear error when absent)."""
    import duckdb

    if not warehouse.exists():
        raise UsageError(
            f"no warehouse at {warehouse}: run 'wolkenkaart run --period YYYY-Qn' first "
            "(or pass --warehouse FILE)"
        )
    return duckdb.connect(str(warehouse), read_only=True)


def read_contacts(warehouse: Path) -> dict[str, dict]:
    path = contacts_path(warehouse)
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


@dataclass
class WorkCopy:
    """A private copy of the warehouse that a writing command changes."""

    warehouse: Path
    path: Path
    contacts: dict[str, dict]

    def publish(self) -> None:
        """Swap the work copy in as the published warehouse (atomic on POSIX)."""
        _fsync_file(self.path)
        contacts_new = contacts_path(self.warehouse).with_suffix(".json.building")
        contacts_new.write_text(
            json.dumps(self.contacts, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8"
        )
        _fsync_file(contacts_new)
        # Contacts first: a kill between the two swaps then leaves the old warehouse, whose
        # next run ingests the same files again and so writes the same contacts again.
        os.replace(contacts_new, contacts_path(self.warehouse))
        os.replace(self.path, self.warehouse)
        _fsync_dir(self.warehouse.parent)


@contextlib.contextmanager
def exclusive_lock(warehouse: Path) -> Iterator[None]:
    """One writer at a time; a second one refuses at once with a clear message."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path(warehouse), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WarehouseBusy(
                f"another wolkenkaart command is writing {warehouse} right now; "
                "wait until it has finished and try again"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)


@contextlib.contextmanager
def work_copy(warehouse: Path) -> Iterator[WorkCopy]:
    """Lock, copy the published warehouse (if any) to a work file, yield it.

    The caller changes `copy.path` and calls `copy.publish()` when done; if it does not
    (an exception, a failed check), the work file is removed and nothing changes.
    """
    with exclusive_lock(warehouse):
        work = work_path(warehouse)
        for stale in (work, work.with_name(work.name + ".wal")):
            stale.unlink(missing_ok=True)
        if warehouse.exists():
            shutil.copyfile(warehouse, work)
        copy = WorkCopy(warehouse, work, read_contacts(warehouse))
        try:
            yield copy
        finally:
            for leftover in (work, work.with_name(work.name + ".wal")):
                leftover.unlink(missing_ok=True)
