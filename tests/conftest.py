"""Shared fixtures: the sample batch, run once per test session (shared by xdist workers)."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE_INBOX = REPO / "data" / "sample" / "inbox"


@pytest.fixture(scope="session")
def session_root(tmp_path_factory, worker_id) -> Path:
    """A folder shared by all xdist workers of this session (their basetemp's parent)."""
    base = tmp_path_factory.getbasetemp()
    return base if worker_id == "master" else base.parent


@pytest.fixture(scope="session", autouse=True)
def dbt_target(tmp_path_factory) -> Path:
    """Each worker its own dbt target folder, so parallel builds never share state."""
    target = tmp_path_factory.getbasetemp() / "dbt-target"
    os.environ["WOLKENKAART_DBT_TARGET"] = str(target)
    return target


def sample_periods() -> list[str]:
    return sorted(p.name for p in SAMPLE_INBOX.iterdir() if p.is_dir())


@pytest.fixture(scope="session")
def sample_batch(session_root) -> dict:
    """`wolkenkaart run` over every sample period into one warehouse, once per session.

    Returns {"warehouse": Path, "out": {period: Path}, "summaries": {period: RunSummary | None},
    "after": {period: Path}} — "after" is a copy of the published warehouse (and its contacts
    file) as it was right after that period's run (used by the crash tests as the previous state).
    """
    import shutil

    from wolkenkaart.pipeline import Settings, run_batch
    from wolkenkaart.warehouse import contacts_path

    root = session_root / "sample-batch"
    lock = session_root / "sample-batch.lock"
    result = {"warehouse": root / "warehouse.duckdb", "out": {}, "inbox": SAMPLE_INBOX}
    with open(lock, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        done = root / "done"
        result["after"] = {}
        for period in sample_periods():
            result["out"][period] = root / "reports" / period
            result["after"][period] = root / "after" / period / "warehouse.duckdb"
        if not done.exists():
            settings = Settings(warehouse=result["warehouse"])
            for period in sample_periods():
                run_batch(period, SAMPLE_INBOX / period, result["out"][period], settings)
                snapshot = result["after"][period]
                snapshot.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(result["warehouse"], snapshot)
                shutil.copyfile(contacts_path(result["warehouse"]), contacts_path(snapshot))
            done.touch()
    return result
