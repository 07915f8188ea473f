"""Valid and hostile submission files for the reliability tests, and the accounting check.

Every header and value label comes from `ingest.schema`; nothing here spells one.
"""

from __future__ import annotations

import csv
import io
import os
import random
import zipfile
from pathlib import Path

from ingest import schema

SLOW = os.environ.get("WOLKENKAART_SLOW_TESTS") == "1"  # heavy variants (see conftest.py)
VERSION = schema.CURRENT_TEMPLATE
HEADERS = [c.header for c in schema.COLUMNS[VERSION]]
CONTACT = ("J. Testpersoon", "j.testpersoon@example.nl")  # fictional; must never reach the warehouse
BOMB_DECLARED = 2**28  # 256 MiB of zeros in one sheet member (about 250 kB packed)


def _label(codes: schema.Codes, code: str) -> str:
    return codes.labels[code]


def valid_row(i: int, prefix: str = "S") -> list[str]:
    """One valid 2025.1 service row (as text), in the order of HEADERS."""
    by_name = {
        "service_id": f"{prefix}-{i:04d}",
        "service_name": f"Dienst {prefix} {i}",
        "vendor_raw": "Microsoft",
        "provider_raw": "",
        "service_model": _label(schema.SERVICE_MODEL, "saas"),
        "cloud_type": _label(schema.CLOUD_TYPE, "public"),
        "process": _label(schema.PROCESS, "primary" if i % 2 else "supporting"),
        "location_declared": _label(schema.LOCATION, "nl"),
        "countries": "NL",
        "personal_data": _label(schema.PERSONAL_DATA, "none"),
        "bbn": _label(schema.BBN, "2"),
        "status": _label(schema.STATUS, "in_use"),
        "reconsidered": "",
        "start_date": "2024-01-01",
        "exit_strategy": _label(schema.YES_NO, "true"),
        "fallback": _label(schema.YES_NO, "false"),
        "last_risk_assessment": "2025-01-15",
        "annual_cost_eur": str(1000 + i),
        "remarks": "",
    }
    return [by_name[c.name] for c in schema.COLUMNS[VERSION]]


def valid_rows(n: int, prefix: str = "S") -> list[list[str]]:
    return [valid_row(i, prefix) for i in range(1, n + 1)]


def org_pairs(org: str, period: str) -> list[tuple[str, str]]:
    keys = {v: k for k, v in schema.ORG_KEYS.items()}
    return [(keys["org_code"].capitalize(), org), (keys["period"].capitalize(), period),
            (keys["template_version"].capitalize(), VERSION),
            (keys["contact_name"].capitalize(), CONTACT[0]), (keys["contact_email"].capitalize(), CONTACT[1])]


def write_xlsx(path: Path, org: str, period: str, rows: list[list], *, headers: list[str] | None = None,
               hook=None) -> Path:
    """A workbook with the Organisatie and Clouddiensten sheets. `hook(workbook, services_sheet)`
    may add formulas, merges, hidden sheets, … after the rows are written."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    org_ws = wb.add_worksheet(schema.SHEET_ORG)
    for r, (k, v) in enumerate(org_pairs(org, period)):
        org_ws.write_string(r, 0, k)
        org_ws.write_string(r, 1, v)
    ws = wb.add_worksheet(schema.SHEET_SERVICES)
    for c, h in enumerate(headers or HEADERS):
        ws.write_string(0, c, h)
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            if v is None or v == "":
                continue
            if isinstance(v, str):
                ws.write_string(r, c, v)
            else:
                ws.write(r, c, v)
    if hook:
        hook(wb, ws)
    wb.close()
    return path


def csv_bytes(rows: list[list[str]], *, sep: str = ";", encoding: str = "utf-8") -> bytes:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=sep, lineterminator="\r\n")
    w.writerow(HEADERS)
    w.writerows(rows)
    return buf.getvalue().encode(encoding)


def zip_bomb(path: Path, declared: int = BOMB_DECLARED) -> Path:
    """An .xlsx whose sheet XML is `declared` bytes of zeros (streamed: memory stays small)."""
    chunk = b"0" * 2**20
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(declared // len(chunk)):
                member.write(chunk)
    return path


def random_bytes(path: Path, n: int, seed: int) -> Path:
    path.write_bytes(random.Random(seed).randbytes(n))
    return path


def encrypt_xlsx(plain: Path, out: Path, password: str = "geheim") -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    with plain.open("rb") as src, out.open("wb") as dst:
        OOXMLFile(src).encrypt(password, dst)
    return out


def accounting_problems(con, outcomes) -> list[str]:
    """Every row accounted for: per file rows_total = accepted + rejected + skipped, the counts
    match raw.service_rows and audit.rejected_rows, and a rejected file has a one-line message
    naming it. Returns the problems found (empty when all is well)."""
    problems = []
    for f in outcomes:
        tag = f"{f.file_name} ({f.status})"
        if f.status == "rejected" or f.status == "duplicate":
            if not f.message or f.file_name not in f.message:
                problems.append(f"{tag}: message {f.message!r} does not name the file")
            elif "\n" in f.message or "Traceback" in f.message:
                problems.append(f"{tag}: message is not one line: {f.message!r}")
        if f.rows_total != f.rows_accepted + f.rows_rejected + f.rows_skipped:
            problems.append(f"{tag}: {f.rows_total} != {f.rows_accepted} + {f.rows_rejected} + {f.rows_skipped}")
        stored = con.execute("select count(*) from raw.service_rows where file_id = ?", [f.file_id]).fetchone()[0]
        expected = f.rows_accepted if f.status == "accepted" else 0
        if stored != expected:
            problems.append(f"{tag}: {stored} rows in raw.service_rows, expected {expected}")
        rejected = con.execute(
            "select count(distinct (sheet, row_number)) from audit.rejected_rows where file_id = ? "
            "and row_number is not null", [f.file_id]).fetchone()[0]
        if rejected != f.rows_rejected:
            problems.append(f"{tag}: {rejected} distinct rejected rows in audit, rows_rejected {f.rows_rejected}")
        if f.status == "accepted":  # every row of the sheet kept as read, header and data rows
            kept = con.execute("select count(*) from raw.raw_rows where file_id = ? and sheet = ?",
                               [f.file_id, schema.SHEET_SERVICES]).fetchone()[0]
            if kept < f.rows_total + 1:
                problems.append(f"{tag}: {kept} rows in raw.raw_rows for {f.rows_total} data rows")
        status = con.execute("select status from audit.files where file_id = ?", [f.file_id]).fetchone()
        if status is None or status[0] != f.status:
            problems.append(f"{tag}: audit.files says {status}")
    return problems


def lying_zip_bomb(path: Path, actual: int, declared: int = 4096) -> Path:
    """A valid workbook whose Clouddiensten sheet XML is padded with `actual` bytes of white
    space, while the zip headers declare only `declared` bytes (a bomb that lies about itself)."""
    import struct

    plain = write_xlsx(path.with_name(path.name + ".plain.xlsx"), "SVB", "2025-Q3", valid_rows(2))
    sheet = "xl/worksheets/sheet2.xml"  # Organisatie is sheet1, Clouddiensten sheet2
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename != sheet:
                zout.writestr(info, data)
                continue
            head, tail = data.split(b"<sheetData>")
            with zout.open(sheet, "w") as member:
                member.write(head + b"<sheetData>")
                for _ in range(actual // 2**20):
                    member.write(b" " * 2**20)
                member.write(tail)
    plain.unlink()
    raw = bytearray(path.read_bytes())
    name, at = sheet.encode(), 0
    while (at := raw.find(name, at + 1)) > 0:
        if raw[at - 30:at - 26] == b"PK\x03\x04":  # local header: uncompressed size at +22
            struct.pack_into("<I", raw, at - 30 + 22, declared)
        elif raw[at - 46:at - 42] == b"PK\x01\x02":  # central directory: uncompressed size at +24
            struct.pack_into("<I", raw, at - 46 + 24, declared)
    path.write_bytes(bytes(raw))
    return path
