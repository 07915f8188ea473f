"""The uitvraag template: sheets, headers, drop-down lists from schema, pre-fill, bad
arguments, and an unedited filled-in copy that the real ingest accepts."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest

from ingest import schema
from ingest.template import write_template

openpyxl = pytest.importorskip("openpyxl")


@pytest.fixture(scope="module", params=schema.TEMPLATE_VERSIONS)
def template(request, tmp_path_factory):
    version = request.param
    path = write_template(tmp_path_factory.mktemp(version) / "uitvraag.xlsx", version=version)
    return version, path, openpyxl.load_workbook(path)


def _validations(ws) -> dict[str, object]:
    """column letter -> its data validation (each covers one column)."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        for rng in str(dv.sqref).split():
            out[rng.split(":")[0].rstrip("0123456789")] = dv
    return out


def test_sheets_and_header_row(template):
    version, _, wb = template
    assert wb.sheetnames == [schema.SHEET_ORG, schema.SHEET_SERVICES, schema.SHEET_INSTRUCTIONS]
    ws = wb[schema.SHEET_SERVICES]
    headers = [c.value for c in ws[1]]
    assert headers == [c.header + ("*" if c.required else "") for c in schema.COLUMNS[version]]
    index = schema.header_index(version)
    assert [index[schema.header_key(h)].name for h in headers] == [c.name for c in schema.COLUMNS[version]]
    assert ws.freeze_panes == "A2"
    assert all(c.font.b for c in ws[1])
    assert ws.max_row == 1  # no data rows: an unedited template is a nil return


def test_every_coded_column_has_exactly_the_schema_labels(template):
    version, _, wb = template
    ws = wb[schema.SHEET_SERVICES]
    validations = _validations(ws)
    for i, col in enumerate(schema.COLUMNS[version], start=1):
        dv = validations.get(openpyxl.utils.get_column_letter(i))
        assert dv is not None, col.header
        assert dv.prompt, col.header  # an input message explains every column
        if col.codes is not None:
            assert dv.type == "list", col.header
            assert dv.formula1.strip('"').split(",") == list(col.codes.labels.values()), col.header
            assert str(dv.sqref).endswith("1001")
        elif col.kind == "date":
            assert dv.type == "date", col.header
        elif col.kind == "amount":
            assert (dv.type, dv.operator, dv.formula1) == ("decimal", "greaterThanOrEqual", "0")
        else:
            assert dv.type is None, col.header  # free text: message only


def test_2024_template_asks_the_2024_labels(template):
    version, _, wb = template
    lists = [dv.formula1 for dv in wb[schema.SHEET_SERVICES].data_validations.dataValidation if dv.type == "list"]
    location = schema.LOCATION_2024 if version == "2024.1" else schema.LOCATION
    assert '"' + ",".join(location.labels.values()) + '"' in lists


def test_toelichting_explains_every_column_and_value(template):
    version, _, wb = template
    text = "\n".join(str(c) for row in wb[schema.SHEET_INSTRUCTIONS].iter_rows(values_only=True) for c in row if c)
    for col in schema.COLUMNS[version]:
        assert col.header in text
        if col.codes is not None:
            assert ", ".join(col.codes.labels.values()) in text
    assert "Eén rij per clouddienst" in text
    assert f"Templateversie {version}" in text


def test_organisatie_sheet_keys_and_empty_values(template):
    version, _, wb = template
    rows = {a: b for a, b in wb[schema.SHEET_ORG].iter_rows(values_only=True)}
    assert {schema.fold(k) for k in rows} == set(schema.ORG_KEYS)
    assert rows["Templateversie"] == version
    assert rows["Organisatiecode"] is None and rows["Periode"] is None and rows["Peildatum"] is None


def test_prefill_period_and_org(tmp_path):
    path = write_template(tmp_path / "t.xlsx", period="2025-Q3", org_code="ind")
    rows = {a: b for a, b in openpyxl.load_workbook(path)[schema.SHEET_ORG].iter_rows(values_only=True)}
    assert rows["Organisatiecode"] == "IND"
    assert rows["Organisatie"] == "Immigratie- en Naturalisatiedienst"
    assert rows["Periode"] == "2025-Q3"
    assert rows["Peildatum"] == dt.datetime(2025, 9, 30)
    assert rows["Contactpersoon"] is None


def test_same_arguments_same_bytes(tmp_path):
    a = write_template(tmp_path / "a.xlsx", period="2025-Q2", org_code="UWV")
    b = write_template(tmp_path / "b.xlsx", period="2025-Q2", org_code="UWV")
    assert a.read_bytes() == b.read_bytes()


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"org_code": "XYZ"}, "XYZ"),
        ({"period": "2025-Q5"}, "2025-Q5"),
        ({"period": "Q3 2025"}, "Q3 2025"),
        ({"version": "2023.1"}, "2023.1"),
    ],
)
def test_bad_arguments_raise_a_clear_value_error(tmp_path, kwargs, fragment):
    with pytest.raises(ValueError, match=fragment.replace(".", r"\.")):
        write_template(tmp_path / "t.xlsx", **kwargs)
    assert not (tmp_path / "t.xlsx").exists()


def test_only_xlsx(tmp_path):
    with pytest.raises(ValueError, match="xlsx"):
        write_template(tmp_path / "t.ods")


def _fill(ws, version: str, n: int) -> None:
    """What an organisation types: a label from each drop-down, plain values elsewhere."""
    cols = schema.COLUMNS[version]
    for r in range(2, 2 + n):
        for i, col in enumerate(cols, start=1):
            if col.codes is not None:
                labels = list(col.codes.labels.values())
                value = labels[0] if col.name != "status" else labels[r % 2]  # In gebruik / In migratie
            elif col.kind == "date":
                value = dt.datetime(2024, 1, r)
            elif col.kind == "amount":
                value = 1000.5 * r
            elif col.kind == "countries":
                value = "NL"
            elif col.name == "service_id":
                value = f"SVB-{r:03d}"
            elif col.name == "vendor_raw":
                value = "Microsoft"
            elif col.name == "provider_raw":
                value = "Microsoft Azure"
            elif col.name == "remarks":
                value = None
            else:
                value = f"Dienst {r}"
            ws.cell(row=r, column=i, value=value)


@pytest.mark.parametrize("version", schema.TEMPLATE_VERSIONS)
def test_filled_in_template_is_accepted_by_the_ingest(tmp_path, version):
    load = importlib.import_module("ingest.load")
    if not hasattr(load, "ingest_inbox"):
        pytest.skip("ingest.load.ingest_inbox does not exist yet")
    duckdb = pytest.importorskip("duckdb")
    inbox = tmp_path / "inbox"
    path = write_template(inbox / "SVB_2025-Q3.xlsx", version=version, period="2025-Q3", org_code="SVB")
    wb = openpyxl.load_workbook(path)
    n = 5
    _fill(wb[schema.SHEET_SERVICES], version, n)
    for row in wb[schema.SHEET_ORG].iter_rows():
        if row[0].value == "Contactpersoon":
            row[1].value = "J. de Vries"
        elif row[0].value == "E-mail":
            row[1].value = "j.devries@example.nl"
    wb.save(path)

    con = duckdb.connect()
    try:
        result = load.ingest_inbox(con, inbox, "2025-Q3", "template-test")
        status, total, accepted, rejected, tv = con.execute(
            "select status, rows_total, rows_accepted, rows_rejected, template_version from audit.files").fetchone()
        assert (status, total, accepted, rejected, tv) == ("accepted", n, n, 0, version)
        rows = con.execute("select org_code, status, bbn, exit_strategy from raw.service_rows order by row_number").fetchall()
        assert len(rows) == n and {r[0] for r in rows} == {"SVB"}
        assert [r[1] for r in rows][:2] == ["in_use", "migrating"]
        assert con.execute("select count(*) from audit.warnings ").fetchone()[0] == 0
        assert result.contacts["SVB"]["contact_email"] == "j.devries@example.nl"
    finally:
        con.close()
