"""Fixtures of the ingest tests (file builders live in ingest_files.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pytest

# The file builders (ingest_files.py) beside this file; the folder cannot be a package
# because it would shadow the `ingest` package itself.
sys.path.append(str(Path(__file__).resolve().parent))  # after tests/: `conftest` stays the root one


@pytest.fixture
def con():
    c = duckdb.connect()
    yield c
    c.close()


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    d = tmp_path / "inbox"
    d.mkdir()
    return d
