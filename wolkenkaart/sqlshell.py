"""Read-only SQL on the published warehouse, for analysts.

Three fences: the file is opened read-only; only SELECT/EXPLAIN statements are accepted
(no INSERT, DROP, ATTACH, COPY … TO, INSTALL/LOAD, SET, CALL, EXPORT); and external
access (other files, extensions) is switched off and the configuration locked. The
contacts file beside the warehouse is never opened.
"""

from __future__ import annotations

import csv
import sys
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from wolkenkaart.errors import UsageError
from wolkenkaart.warehouse import connect_read_only

ALLOWED = {"SELECT", "EXPLAIN"}


class RefusedStatement(UsageError):
    pass


def open_reader(warehouse: Path):
    con = connect_read_only(warehouse)
    con.execute("set autoinstall_known_extensions = false")
    con.execute("set autoload_known_extensions = false")
    con.execute("set enable_external_access = false")
    con.execute("set lock_configuration = true")
    return con


def vet(query: str) -> None:
    """Refuse anything but reading, with one clear line."""
    import duckdb

    # Parse on a fenced in-memory connection: parsing IMPORT DATABASE already reads files.
    parser = duckdb.connect(":memory:", config={"enable_external_access": False})
    try:
        statements = parser.extract_statements(query)
    except duckdb.Error as exc:
        raise UsageError(f"SQL error: {str(exc).splitlines()[0]}") from None
    finally:
        parser.close()
    if not statements:
        raise UsageError("no SQL statement given")
    for st in statements:
        kind = st.type.name
        if kind not in ALLOWED:
            raise RefusedStatement(
                f"refused: {kind} statements are not allowed; the warehouse is read-only here "
                "(only SELECT, WITH … SELECT, SHOW, DESCRIBE, SUMMARIZE and EXPLAIN)"
            )


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float | Decimal):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_text(v) for v in value) + "]"
    return str(value)


def print_table(columns: list[str], rows: list[tuple], out: TextIO, total: int) -> None:
    cells = [[_text(v) for v in row] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    line = "  ".join("-" * w for w in widths)
    out.write("  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip() + "\n")
    out.write(line + "\n")
    for r in cells:
        out.write("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() + "\n")
    shown = len(rows)
    out.write(f"({total} row{'s' if total != 1 else ''}{'' if shown == total else f', {shown} shown; use --csv for all'})\n")


def execute(con, query: str, *, as_csv: bool, max_rows: int, out: TextIO) -> None:
    import duckdb

    vet(query)
    try:
        rel = con.execute(query)
        columns = [d[0] for d in rel.description] if rel.description else []
        rows = rel.fetchall()
    except duckdb.Error as exc:
        raise UsageError(f"SQL error: {str(exc).splitlines()[0]}") from None
    if as_csv:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[_text(v) for v in r] for r in rows])
    else:
        print_table(columns, rows[:max_rows], out, len(rows))


def run_query(warehouse: Path, query: str, *, as_csv: bool = False, max_rows: int = 200, out: TextIO = sys.stdout) -> None:
    vet(query)
    con = open_reader(warehouse)
    try:
        execute(con, query, as_csv=as_csv, max_rows=max_rows, out=out)
    finally:
        con.close()


def interactive(warehouse: Path) -> None:
    """A small prompt: statements end with ';', `.quit` or Ctrl-D leaves."""
    con = open_reader(warehouse)
    print(f"wolkenkaart shell on {warehouse} (read-only). End statements with ';', .tables lists tables, .quit leaves.")
    buffer: list[str] = []
    try:
        while True:
            try:
                line = input("wk> " if not buffer else " .> ")
            except EOFError:
                print()
                break
            stripped = line.strip()
            if not buffer and stripped in (".quit", ".exit"):
                break
            if not buffer and stripped == ".tables":
                stripped = "select table_schema, table_name from information_schema.tables order by 1, 2;"
            buffer.append(stripped)
            if not stripped.endswith(";"):
                continue
            query = "\n".join(buffer)
            buffer.clear()
            try:
                execute(con, query, as_csv=False, max_rows=200, out=sys.stdout)
            except UsageError as exc:
                print(exc, file=sys.stderr)
    finally:
        con.close()
