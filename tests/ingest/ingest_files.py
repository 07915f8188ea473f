"""Builders for real submission files (xlsx, ods, xls, csv) written into tmp_path."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ingest.schema import COLUMNS

PERIOD = "2025-Q3"
HEADERS = [c.header for c in COLUMNS["2025.1"]]
GOOD = {
    "Dienst-ID": "D1", "Naam dienst": "E-mail", "Leverancier": "Microsoft", "Cloudaanbieder": None,
    "Servicemodel": "SaaS", "Cloudtype": "Public", "Proces": "Primair", "Verwerkingslocatie": "EER",
    "Landen": "Ierland", "Persoonsgegevens": "Gewoon", "BBN-niveau": "BBN2", "Status": "In gebruik",
    "Heroverwogen": None, "Ingangsdatum": "1-7-2024", "Exitstrategie": "Ja", "Uitwijkvoorziening": "Nee",
    "Laatste risicoanalyse": "2025-01-15", "Jaarlijkse kosten (EUR)": 12500, "Toelichting": None,
}
HEADERS_2024 = [c.header for c in COLUMNS["2024.1"]]
GOOD_2024 = {**{h: GOOD.get(h) for h in HEADERS_2024}, "Dienst": "E-mail", "Primair proces": "Ja",
             "Locatie dataverwerking": "EU"}


def service(i: int = 1, headers: list[str] = HEADERS, base: dict = GOOD, **over) -> list:
    """One data row in `headers` order; keyword args override by header (spaces as _)."""
    row = {**base, "Dienst-ID": f"D{i}"}
    for key, value in over.items():
        row[key.replace("_", " ")] = value
    return [row.get(h) for h in headers]


def org_sheet(org: str = "UWV", peildatum: str | None = "30-9-2025", **extra) -> list[list]:
    rows = [["Organisatiecode", org]] if org is not None else []
    if peildatum is not None:
        rows.append(["Peildatum", peildatum])
    rows += [[k, v] for k, v in extra.items()]
    rows += [["Contactpersoon", "Jan Jansen"], ["E-mail", "jan@uwv.nl"]]
    return rows


def workbook(rows: list[list], headers: list[str] = HEADERS, org: list[list] | None = None) -> dict:
    return {"Organisatie": org if org is not None else org_sheet(), "Clouddiensten": [headers, *rows]}


def write_book(path: Path, sheets: dict[str, list[list]]) -> Path:
    """Write sheets (rows of cells: str, int/float numbers, date, None = empty) in the format of
    path's suffix."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        import xlsxwriter

        wb = xlsxwriter.Workbook(str(path))
        date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
        for name, rows in sheets.items():
            ws = wb.add_worksheet(name)
            for r, row in enumerate(rows):
                for c, v in enumerate(row):
                    if v is None:
                        continue
                    if isinstance(v, dt.date):
                        ws.write_datetime(r, c, dt.datetime.combine(v, dt.time()), date_fmt)
                    elif isinstance(v, (int, float)):
                        ws.write_number(r, c, v)
                    else:
                        ws.write_string(r, c, v)
        wb.close()
    elif suffix == ".xls":
        import xlwt

        wb = xlwt.Workbook()
        style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
        for name, rows in sheets.items():
            ws = wb.add_sheet(name)
            for r, row in enumerate(rows):
                for c, v in enumerate(row):
                    if v is not None:
                        ws.write(r, c, v, style) if isinstance(v, dt.date) else ws.write(r, c, v)
        wb.save(str(path))
    elif suffix == ".ods":
        _write_ods(path, sheets)
    else:
        raise ValueError(suffix)
    return path


def _write_ods(path: Path, sheets: dict[str, list[list]]) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    for name, rows in sheets.items():
        table = Table(name=name)
        for row in rows:
            tr = TableRow()
            for v in row:
                if v is None:
                    tr.addElement(TableCell())
                    continue
                if isinstance(v, dt.date):
                    cell = TableCell(valuetype="date", datevalue=v.isoformat())
                elif isinstance(v, (int, float)):
                    cell = TableCell(valuetype="float", value=v)
                else:
                    cell = TableCell(valuetype="string")
                cell.addElement(P(text=str(v)))
                tr.addElement(cell)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    doc.save(str(path))


def write_csv(path: Path, rows: list[list], sep: str = ";", encoding: str = "utf-8", newline: str = "\r\n") -> Path:
    def cell(v) -> str:
        s = "" if v is None else str(v)
        return f'"{s.replace(chr(34), chr(34) * 2)}"' if any(ch in s for ch in (sep, '"', "\n")) else s

    text = newline.join(sep.join(cell(v) for v in row) for row in rows) + newline
    path.write_bytes(text.encode(encoding))
    return path


def run(con, inbox: Path, period: str = PERIOD, run_id: str = "run-1", **kw):
    from ingest.load import ingest_inbox

    return ingest_inbox(con, inbox, period, run_id, **kw)


def table(con, sql: str) -> list[dict]:
    cur = con.execute(sql)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row)) for row in cur.fetchall()]
