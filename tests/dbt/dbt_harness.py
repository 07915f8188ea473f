"""Helpers for the dbt tests: a tiny warehouse built by the real ingest DDL and `dbt build` in-process.

The data (two consecutive periods, a resubmission, a nil return, Defensie, unknown vendors
in several spellings, a 2024.1 submission) is small enough that every figure in marts can
be computed by hand in the tests.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingest.tables import ensure_tables

PROJECT_DIR = Path(__file__).resolve().parents[2]

# (file_id, file_name, org_code, period, template_version, status)
FILES = [
    (1, "BZK_2025-Q2.xlsx", "BZK", "2025-Q2", "2025.1", "accepted"),
    (2, "UWV_2025-Q2.xlsx", "UWV", "2025-Q2", "2024.1", "accepted"),
    (3, "DEF_2025-Q2.xlsx", "DEF", "2025-Q2", "2025.1", "accepted"),
    (4, "BZK_2025-Q3.xlsx", "BZK", "2025-Q3", "2025.1", "accepted"),
    (5, "BZK_2025-Q3_v2.xlsx", "BZK", "2025-Q3", "2025.1", "accepted"),  # resubmission: current
    (6, "SVB_2025-Q3.xlsx", "SVB", "2025-Q3", "2025.1", "accepted"),  # nil return
    (7, "CBS_2025-Q3.xlsx", "CBS", "2025-Q3", "2025.1", "rejected"),
    (8, "UWV_2025-Q3.xlsx", "UWV", "2025-Q3", "2024.1", "duplicate"),
    (10, "KGG_2024-Q1.xlsx", "KGG", "2024-Q1", "2024.1", "accepted"),  # KGG exists from 2024-07-02 only
]

# Service rows: file_id, row, service_id, vendor_raw, provider_raw, cloud_type, process,
# location_declared, countries, countries_unknown, personal_data, bbn, status, reconsidered,
# exit_strategy, fallback, last_risk_assessment, annual_cost_eur
ROWS = [
    # BZK 2025-Q2
    (1, 2, "S1", "microsoft  azure", None, "public", "primary", "nl", ["NL", "IE"], [], "regular", 2, "in_use", "no", True, False, None, 1000),
    (1, 3, "S2", "Acme Cloud B.V.", "AWS", "public", "primary", "nl", None, None, "none", 1, "in_use", "no", True, True, "2025-01-01", None),
    (1, 4, "S3", "acme  cloud b.v", None, "public", "supporting", "unknown", ["NL"], [], "none", 1, "planned", "continued", False, False, None, None),
    (1, 5, "S4", "Acme Cloud B.V.", None, "public", "supporting", "eea", [], ["Atlantis"], "none", 1, "planned", "stopped", False, False, None, None),
    (1, 6, "S5", "TOPdesk", None, "private", "primary", "nl", ["NL"], [], "special", 2, "in_use", "no", True, True, None, 300),
    (1, 7, "S6", "KPN", None, "public", "supporting", "nl", ["NL"], [], "regular", 3, "in_use", "no", True, True, None, 500),
    (1, 8, "S7", "MSFT", None, "public", "supporting", "eea", None, None, "none", 1, "in_use", "no", True, True, None, None),
    # UWV 2025-Q2, template 2024.1 (no provider, countries, reconsidered, cost)
    (2, 2, "U1", "Google", None, "public", "primary", "non_eea", None, None, "special", 2, "in_use", None, False, False, "2025-01-01", None),
    (2, 3, "U2", "SAP", None, "public", "primary", "eea", None, None, "none", 1, "ended", None, True, True, None, None),
    (2, 4, "U3", "OVH", None, "public", "primary", "eea", None, None, "none", 1, "planned", None, False, False, None, None),
    # DEF 2025-Q2 (not in any rijksbrede figure)
    (3, 2, "D1", "Microsoft", None, "public", "primary", "nl", None, None, "none", 1, "in_use", "no", True, True, None, 9999),
    # BZK 2025-Q3, first file (replaced by file 5)
    (4, 2, "S9", "Oracle", None, "public", "primary", "nl", None, None, "none", 1, "in_use", "no", True, True, None, None),
    # BZK 2025-Q3, current
    (5, 2, "S1", "Microsoft Azure", None, "public", "primary", "nl", ["NL", "IE"], [], "regular", 2, "in_use", "no", True, False, None, 1000),
    (5, 3, "S2", "acme cloud b.v.", None, "public", "primary", "unknown", None, None, "regular", 1, "in_use", "no", True, True, None, None),
    (5, 4, "S3", "ACME CLOUD B.V.", "Microsoft Azure", "public", "primary", "nl", ["NL"], [], "none", 1, "in_use", "no", True, True, None, None),
    (10, 2, "K1", "Google", None, "public", "primary", "nl", None, None, "none", 1, "in_use", None, True, True, None, None),
    (5, 5, "S8", "Google", None, "public", "primary", "eea", ["DE"], [], "none", 1, "in_use", "no", False, True, None, None),
]


def insert_files(con, files) -> None:
    for file_id, name, org, period, version, status in files:
        con.execute(
            "insert into audit.files (file_id, file_name, sha256, bytes, received_at, run_id, org_code, period,"
            " template_version, status) values (?, ?, ?, 100, timestamp '2025-10-01 10:00:00', 'run', ?, ?, ?, ?)",
            [file_id, name, f"sha{file_id}", org, period, version, status],
        )


def insert_rows(con, rows) -> None:
    files = {f[0]: f for f in con.execute("select file_id, org_code, period, template_version from audit.files").fetchall()}
    for (file_id, row, sid, vendor, provider, ctype, process, loc, countries, unknown, pd, bbn, status,
         reconsidered, exit_strategy, fallback, risk, cost) in rows:
        _, org, period, version = files[file_id]
        con.execute(
            "insert into raw.service_rows (file_id, sheet, row_number, org_code, period, template_version,"
            " service_id, service_name, vendor_raw, provider_raw, service_model, cloud_type, process,"
            " location_declared, countries, countries_unknown, personal_data, bbn, status, reconsidered,"
            " start_date, exit_strategy, fallback, last_risk_assessment, annual_cost_eur, remarks)"
            " values (?, 'Clouddiensten', ?, ?, ?, ?, ?, ?, ?, ?, 'saas', ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            " null, ?, ?, ?, ?, ?)",
            [file_id, row, org, period, version, sid, f"Dienst {sid}", vendor, provider, ctype, process,
             loc, countries, unknown, pd, bbn, status, reconsidered, exit_strategy, fallback, risk, cost,
             f"toelichting {sid}"],
        )


def close_dbt_connections() -> None:
    """dbt-duckdb keeps its DuckDB file open after `invoke`; close it so others can open the file."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        env = DuckDBConnectionManager._ENV
        if env is not None:
            handle = getattr(env, "conn", None)
            if handle is not None:
                handle.close()
            env.close()
        DuckDBConnectionManager._ENV = None


@dataclass
class BuildResult:
    success: bool
    seconds: float
    results: list


def dbt_build(database: Path, target: Path, *extra: str, project_dir: Path = PROJECT_DIR,
              exclude: tuple[str, ...] = ()) -> BuildResult:
    """`dbt build` of the project on `database`, in-process; the rpt_ models (another area,
    with their own tests) and `exclude` are left out."""
    from dbt.cli.main import dbtRunner

    previous_db = os.environ.get("WOLKENKAART_DB")
    os.environ["WOLKENKAART_DB"] = str(database)
    argv = ["build", "--project-dir", str(project_dir), "--profiles-dir", str(project_dir),
            "--target-path", str(target), "--log-path", str(target / "logs"), "--quiet",
            "--exclude", "path:models/reports", *exclude, *extra]
    start = time.perf_counter()
    try:
        res = dbtRunner().invoke(argv)
    finally:
        close_dbt_connections()
        if previous_db is None:
            del os.environ["WOLKENKAART_DB"]
        else:
            os.environ["WOLKENKAART_DB"] = previous_db
    results = list(res.result.results) if res.result is not None and hasattr(res.result, "results") else []
    return BuildResult(res.success, time.perf_counter() - start, results)


def build_warehouse(db: Path, files, rows) -> None:
    """The ingest tables with these audit.files and raw.service_rows rows."""
    with duckdb.connect(str(db)) as con:
        ensure_tables(con)
        insert_files(con, files)
        insert_rows(con, rows)


def copy_project(dest: Path) -> Path:
    """A copy of the dbt project (config, macros, seeds, models, data tests) to alter in a test."""
    dest.mkdir()
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(PROJECT_DIR / name, dest / name)
    for folder in ("macros", "seeds", "models", "data-tests"):
        if (PROJECT_DIR / folder).exists():
            shutil.copytree(PROJECT_DIR / folder, dest / folder)
    return dest
