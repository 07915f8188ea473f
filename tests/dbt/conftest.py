"""Fixtures of the dbt tests: the tiny warehouse of dbt_harness, built once per session (per xdist worker)."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pytest

# The helpers (dbt_harness.py) beside this file; the folder cannot be a package because it
# would shadow the `dbt` package itself.
sys.path.append(str(Path(__file__).resolve().parent))  # after tests/: `conftest` stays the root one

from dbt_harness import FILES, ROWS, build_warehouse, dbt_build  # noqa: E402


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory) -> Path:
    """A warehouse with FILES/ROWS, built by dbt; returns its path (closed, openable).
    dbt's target folder (manifest, partial parse) is `target` beside it."""
    base = tmp_path_factory.mktemp("dbt")
    db = base / "warehouse.duckdb"
    build_warehouse(db, FILES, ROWS)
    result = dbt_build(db, base / "target")
    failed = [f"{r.node.name}: {r.message}" for r in result.results if str(r.status) in ("error", "fail")]
    assert result.success, failed
    return db


@pytest.fixture(scope="module")
def con(warehouse):
    c = duckdb.connect(str(warehouse), read_only=True)
    yield c
    c.close()
