"""dbt, in-process: build the models and run the dbt tests on one warehouse file."""

from __future__ import annotations

import hashlib
import logging
import os
import time
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


KEPT_TARGETS = 8  # per-warehouse target folders kept (the most recently used)
PRUNE_AFTER_S = 24 * 3600  # older ones go only when unused this long


def target_dir(database: Path | None = None) -> Path:
    """Where dbt keeps its compiled SQL, logs and partial-parse state: env WOLKENKAART_DBT_TARGET
    (default `target/` of the project), with one subfolder per warehouse file and reference
    folder. dbt parses the whole project again (≈ 1.6 s) when the profile's path or a project
    env var differs from the parse it kept, and every warehouse (the production one, the demo,
    a test's) has a path of its own: one folder each keeps each one's partial parse."""
    base = Path(os.environ.get("WOLKENKAART_DBT_TARGET", PROJECT_DIR / "target"))
    if database is None:
        return base
    from ingest import reference

    try:
        seeds = reference.dbt_seed_path()
    except ValueError:
        seeds = ""
    key = hashlib.sha256(f"{Path(database).resolve()}\0{seeds}".encode()).hexdigest()[:12]
    return base / f"wh-{key}"


def _prune_targets(used: Path) -> None:
    """Keep the KEPT_TARGETS most recently used per-warehouse folders beside `used`."""
    import shutil

    os.utime(used)
    folders = sorted(used.parent.glob("wh-*"), key=lambda p: p.stat().st_mtime, reverse=True)
    in_use = time.time() - PRUNE_AFTER_S  # a build started since may still be running there
    for old in folders[KEPT_TARGETS:]:
        if old.stat().st_mtime < in_use:
            shutil.rmtree(old, ignore_errors=True)


def invoke(args: list[str], database: Path):
    """Run one dbt command on `database`; raise BuildFailed when it does not succeed.
    Returns dbt's result (`.result.results`: one per node run)."""
    from dbt.cli.main import dbtRunner

    from ingest import reference

    target = target_dir(database)
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
    target.mkdir(parents=True, exist_ok=True)
    _prune_targets(target)
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
    return result


# No manifest.json / run_results.json / graph in the target folder after a build: nothing reads
# them (the results come back in-process; partial parsing keeps its own partial_parse.msgpack,
# and `docs generate` writes its own manifest), and writing the manifest twice per build was
# a fixed cost of every run. The dbt log (target/logs/dbt.log) is still written.
BUILD_FLAGS = ("--no-write-json",)

# The seeds (reference data) a build loaded and tested are marked in the warehouse with a
# fingerprint of their inputs, as the comment of one seed table; the next build of a copy of
# that warehouse skips the seeds and their tests while the fingerprint is unchanged.
SEEDS_MARK = "wolkenkaart seeds "


def seeds_fingerprint() -> str:
    """sha256 over what decides the seed tables and their tests: every file of the reference
    folder (the CSVs and `_seeds.yml`, subfolders too), dbt_project.yml, every macro and the
    versions of dbt-core, dbt-duckdb and DuckDB."""
    from ingest import reference

    digest = hashlib.sha256()
    from importlib.metadata import version

    folder = reference.reference_dir()
    inputs = [(p.relative_to(folder).as_posix(), p) for p in sorted(folder.rglob("*")) if p.is_file()]
    inputs += [(p.relative_to(PROJECT_DIR).as_posix(), p)
               for p in [PROJECT_DIR / "dbt_project.yml", *sorted((PROJECT_DIR / "macros").rglob("*.sql"))]]
    for name, path in inputs:
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(f"{dbt_version()} {version('dbt-duckdb')} {version('duckdb')}".encode())
    return digest.hexdigest()


def _seed_tables() -> list[str]:
    from ingest import reference

    return sorted(p.stem for p in reference.reference_dir().glob("*.csv"))


def seeds_loaded(database: Path, fingerprint: str) -> bool:
    """Every seed table is in `database`, marked as loaded and tested from these inputs."""
    import duckdb

    if not database.exists():
        return False
    tables = _seed_tables()
    if not tables:
        return False
    con = duckdb.connect(str(database), read_only=True)
    try:
        rows = dict(con.execute(
            "select table_name, comment from duckdb_tables()"
            " where database_name = current_database() and schema_name = 'reference'").fetchall())
    finally:
        con.close()
    return all(t in rows for t in tables) and rows[tables[0]] == SEEDS_MARK + fingerprint


def mark_seeds(database: Path, fingerprint: str) -> None:
    """Best effort: without the mark the next build loads the seeds again."""
    import duckdb

    try:
        con = duckdb.connect(str(database))
        try:
            con.execute(f"comment on table reference.{_seed_tables()[0]} is '{SEEDS_MARK}{fingerprint}'")
        finally:
            con.close()
    except duckdb.Error as exc:
        log.warning("seeds not marked as loaded in %s (the next build loads them again): %s", database, exc)


def build(database: Path):
    """Seeds, models and the dbt data tests (`dbt build`). The unit tests check the SQL,
    not the data: they run in the test suite (tests/dbt), not in every batch. Seeds already
    loaded (and tested) from the same inputs, by a build of the warehouse this is a copy of,
    are not loaded again (`seeds_loaded`); a changed seed, `_seeds.yml`, reference folder or
    generic test loads and tests them all again."""
    fingerprint = seeds_fingerprint()
    exclude = ["resource_type:unit_test"]
    if seeds_loaded(database, fingerprint):
        # cautious: tests of models that also read a seed (relationships to the register,
        # accepted countries) still run; only the seeds' own tests are left out with them
        exclude += ["resource_type:seed", "--indirect-selection", "cautious"]
    result = invoke(["build", "--exclude", *exclude, *BUILD_FLAGS], database)
    mark_seeds(database, fingerprint)
    return result


def docs_generate(database: Path) -> Path:
    """The data dictionary (dbt docs) of the warehouse; returns the folder with index.html."""
    invoke(["docs", "generate", "--static"], database)
    return target_dir(database)


def dbt_version() -> str:
    from importlib.metadata import version

    return version("dbt-core")
