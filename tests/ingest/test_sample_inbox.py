"""The bundled sample inboxes (tools/generate_sample.py): nothing lost, accounting holds."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from ingest_files import run, table

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample" / "inbox"
PERIODS = sorted(p.name for p in SAMPLE.iterdir() if p.is_dir()) if SAMPLE.exists() else []


@pytest.fixture(scope="module")
def sample_con():
    if not PERIODS:
        pytest.skip("no sample data (run tools/generate_sample.py)")
    con = duckdb.connect()
    results = {p: run(con, SAMPLE / p, period=p, run_id=p) for p in PERIODS}
    yield con, results
    con.close()


def test_accounting_per_file(sample_con):
    _, results = sample_con
    for result in results.values():
        for f in result.files:
            assert f.rows_total == f.rows_accepted + f.rows_rejected + f.rows_skipped, f.file_name
            assert f.status in ("accepted", "rejected", "duplicate")
            assert f.status == "accepted" or f.message, f.file_name


def test_every_data_row_accepted_rejected_or_skipped(sample_con):
    con, _ = sample_con
    lost = table(con, """
        with files as (select * from audit.files where status <> 'duplicate' and rows_total > 0),
        header as (select file_id, max(row_number) - any_value(rows_total) as header_row
                   from raw.raw_rows join files using (file_id) where sheet = 'Clouddiensten' group by file_id),
        data_rows as (select r.file_id, r.row_number from raw.raw_rows r join header h using (file_id)
                      where r.sheet = 'Clouddiensten' and r.row_number > h.header_row),
        placed as (select file_id, row_number from raw.service_rows
                   union all select file_id, row_number from audit.rejected_rows
                   union all select file_id, row_number from audit.warnings where code like 'row_skipped_%'
                   union all select r.file_id, r.row_number from data_rows r join files f using (file_id)
                     where f.status = 'rejected' and f.rows_rejected = 0)
        select * from data_rows d where not exists
            (select 1 from placed p where p.file_id = d.file_id and p.row_number = d.row_number)""")
    assert lost == []


def test_contacts_not_in_warehouse(sample_con):
    con, results = sample_con
    emails = {c["contact_email"] for r in results.values() for c in r.contacts.values() if c.get("contact_email")}
    assert emails  # the sample has contacts
    dump = str(table(con, "select cells from raw.raw_rows where sheet = 'Organisatie'"))
    assert not any(e in dump for e in emails)
