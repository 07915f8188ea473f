"""dbt, in-process: build the models and run the dbt tests on one warehouse file."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from wolkenkaart.errors import BuildFailed

PROJECT_DIR = Path(__file__).resolve().parent.parent
log = logging.getLogger(__name__)


def _close_connections() -> None:
    """dbt-duckdb keeps its DuckDB file open after `invoke` returns; close it for real."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        env = DuckDBConnectionManager._ENV
        if env is not None:
            close = getattr(env, "close", None)
            if close is not None:
                close()
        DuckDBConnectionManager._ENV = None


def target_dir() -> Path:
    """Where dbt keeps its manifest and partial-parse state (env WOLKENKAART_DBT_TARGET)."""
    return Path(os.environ.get("WOLKENKAART_DBT_TARGET", PROJECT_DIR / "target"))


def invoke(args: list[str], database: Path) -> None:
    """Run one dbt command on `database`; raise BuildFailed when it does not succeed."""
    from dbt.cli.main import dbtRunner

    from ingest import reference

    target = target_dir()
    os.environ["WOLKENKAART_DB"] = str(database)
    try:  # dbt_project.yml seed-paths: the reference folder, relative to the project
        os.environ[reference.ENV] = reference.dbt_seed_path()
    except ValueError as exc:
        raise BuildFailed(f"dbt {args[0]} not started: {exc}") from None
    argv = [
        *args,
        "--project-dir", str(PROJECT_DIR),
        "--profiles-dir", str(PROJECT_DIR),
        "--target-path", str(target),
        "--log-path", str(target / "logs"),
        "--quiet",
    ]
    log.debug("dbt %s", " ".join(argv))
    try:
        result = dbtRunner().invoke(argv)
    finally:
        _close_connections()
    if not result.success:
        failures = []
        if result.result is not None and hasattr(result.result, "results"):
            for r in result.result.results:
                if str(r.status) in ("error", "fail"):
                    failures.append(f"{r.node.name}: {(r.message or '').strip()[:300]}")
        detail = "; ".join(failures) or str(result.exception or "see dbt log in " + str(target / "logs"))
        raise BuildFailed(f"dbt {args[0]} failed, nothing was published: {detail}")


def build(database: Path) -> None:
    """Seeds, models and the dbt data tests (`dbt build`). The unit tests check the SQL,
    not the data: they run in the test suite (tests/dbt), not in every batch."""
    invoke(["build", "--exclude", "resource_type:unit_test"], database)


def docs_generate(database: Path) -> Path:
    """The data dictionary (dbt docs) of the warehouse; returns the folder with index.html."""
    invoke(["docs", "generate", "--static"], database)
    return target_dir()


def dbt_version() -> str:
    from importlib.metadata import version

    return version("dbt-core")
