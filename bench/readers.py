"""The three ways of reading the same files that the benchmark compares.

Each reader takes the period folders of a generated set and returns the number of data rows
of the `Clouddiensten` sheets it read (the header row excluded), so the benchmark can check
that all three read everything.

- `floor`: calamine (fastexcel) reads every cell of every sheet and nothing else is done;
  the lower bound for any ingest built on calamine.
- `baseline`: what an analyst writes without this project: pandas + openpyxl, one file after
  the other, concatenated and written to a DuckDB table.
- `project`: `ingest.load.ingest_inbox` into a fresh DuckDB file, one call per period folder.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from ingest.schema import SHEET_ORG, SHEET_SERVICES


def files_of(inboxes: list[Path]) -> list[Path]:
    return sorted(p for inbox in inboxes for p in inbox.glob("*.xlsx"))


# ---- (b) the floor ----------------------------------------------------------------------

def _calamine_rows(path: Path) -> int:
    import fastexcel

    reader = fastexcel.read_excel(str(path))
    rows = 0
    for name in reader.sheet_names:
        sheet = reader.load_sheet(name, header_row=None, dtypes="string")
        table = sheet.to_arrow()  # materialise every cell
        if name == SHEET_SERVICES:
            rows = table.num_rows - 1
    return rows


def floor(inboxes: list[Path], *, workers: int = 1) -> int:
    files = files_of(inboxes)
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            return sum(pool.map(_calamine_rows, files, chunksize=max(1, len(files) // (workers * 8))))
    return sum(_calamine_rows(f) for f in files)


# ---- (c) the pandas + openpyxl baseline --------------------------------------------------

def baseline(inboxes: list[Path], *, database: Path | None = None) -> int:
    """Read both sheets of every file with pandas/openpyxl, tag the rows with the organisation
    code, concatenate and store them in DuckDB (in memory unless `database` is given)."""
    import duckdb
    import pandas as pd

    frames = []
    for path in files_of(inboxes):
        sheets = pd.read_excel(path, sheet_name=[SHEET_ORG, SHEET_SERVICES], engine="openpyxl", dtype=str,
                               header=None)
        org = sheets[SHEET_ORG].set_index(0)[1].to_dict()
        services = sheets[SHEET_SERVICES]
        services.columns = services.iloc[0]
        services = services.iloc[1:].assign(org=next(iter(org.values()), None), file=path.name)
        frames.append(services)
    data = pd.concat(frames, ignore_index=True)
    if database is not None and database.exists():
        database.unlink()
    con = duckdb.connect(str(database) if database else ":memory:")
    try:
        con.register("data", data)
        con.execute("create table services as select * from data")
        return con.execute("select count(*) from services").fetchone()[0]
    finally:
        con.close()


# ---- (a) the project's ingest ------------------------------------------------------------

def project(inboxes: list[Path], *, workers: int = 1, database: Path | None = None) -> int:
    """`ingest_inbox` per period folder into a fresh warehouse; the rows it read (accepted,
    rejected and skipped data rows, per audit.files)."""
    import duckdb

    from ingest.load import ingest_inbox
    from ingest.tables import ensure_tables

    if database is not None and database.exists():
        database.unlink()
    con = duckdb.connect(str(database) if database else ":memory:")
    try:
        ensure_tables(con)
        for inbox in inboxes:
            ingest_inbox(con, inbox, inbox.name, f"bench-{inbox.name}", max_bytes=200 * 2**20,
                         max_unpacked_bytes=2 * 2**30, workers=workers)
        return con.execute("select coalesce(sum(rows_total), 0) from audit.files").fetchone()[0]
    finally:
        con.close()


READERS = {"project": project, "floor": floor, "baseline": baseline}
# What each reader imports: loaded before the clock starts (start-up is measured separately,
# as the fixed cost of a run).
IMPORTS = {"project": ("duckdb", "polars", "ingest.load"), "floor": ("fastexcel", "pyarrow"),
           "baseline": ("duckdb", "pandas", "openpyxl")}


def default_workers() -> int:
    return os.cpu_count() or 1
