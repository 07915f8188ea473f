"""dbt build behaviour beyond the figures: later periods never restate earlier ones, and the
reference-data tests stop the build on bad seeds."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from dbt_harness import build_warehouse, copy_project, dbt_build, insert_files, insert_rows

MARTS = ["fct_cloud_services", "org_metrics", "scope_metrics", "vendor_share", "concentration",
         "foreign_migrations", "reconsidered_services", "kpi_trend"]

LATER_FILES = [(9, "BZK_2025-Q4.xlsx", "BZK", "2025-Q4", "2025.1", "accepted")]
# 2025-Q4 spells the unknown vendor 'acme cloud b.v.' most: 2025-Q3 must keep 'ACME CLOUD B.V.'
LATER_ROWS = [
    (9, 2, "S2", "acme cloud b.v.", None, "public", "primary", "nl", None, None, "none", 1, "in_use", "no", True, True, None, None),
    (9, 3, "S3", "acme cloud b.v.", None, "public", "primary", "nl", None, None, "none", 1, "in_use", "no", True, True, None, None),
    (9, 4, "S4", "ACME CLOUD B.V.", None, "public", "primary", "nl", None, None, "none", 1, "in_use", "no", True, True, None, None),
]


def snapshot(db: Path, periods: tuple[str, ...]) -> dict[str, list]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: con.execute(f"select * from marts.{t} where period in {periods} order by all").fetchall()
                for t in MARTS}


def test_a_later_period_never_changes_earlier_figures(warehouse, tmp_path):
    before = snapshot(warehouse, ("2025-Q2", "2025-Q3"))
    db = tmp_path / "later.duckdb"
    shutil.copy(warehouse, db)
    with duckdb.connect(str(db)) as con:
        insert_files(con, LATER_FILES)
        insert_rows(con, LATER_ROWS)
    # same target folder as the first build (partial parsing is reused); the models only,
    # the dbt tests ran in the first build
    result = dbt_build(db, warehouse.parent / "target", exclude=("resource_type:test", "resource_type:unit_test"))
    assert result.success
    assert snapshot(db, ("2025-Q2", "2025-Q3")) == before
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select distinct vendor from marts.fct_cloud_services where period = '2025-Q4'"
                           ).fetchall() == [("acme cloud b.v.",)]
        row = con.execute("select previous_period, materieel_services_change from marts.kpi_trend"
                          " where period = '2025-Q4' and scope = 'totaal'").fetchone()
        assert row == ("2025-Q3", 3 - 4)


def test_bad_reference_data_fails_the_build(tmp_path):
    project = copy_project(tmp_path / "project")
    seeds = project / "seeds"
    with open(seeds / "organisations.csv", "a", encoding="utf-8") as f:  # IND twice under AENM from 2025
        f.write("IND,Immigratie- en Naturalisatiedienst,agentschap,AENM,true,true,2025-01-01,\n")
    with open(seeds / "vendors.csv", "a", encoding="utf-8") as f:  # GitHub in two concerns at once
        f.write("GitHub,GitHub,US,1900-01-01,2019-01-01\n")
    with open(seeds / "vendor_aliases.csv", "a", encoding="utf-8") as f:  # alias of a vendor that does not exist
        f.write("Nimbus,Nimbus Cloud\n")
    db = tmp_path / "w.duckdb"
    build_warehouse(db, [], [])
    result = dbt_build(db, tmp_path / "target", "--select", "resource_type:seed", project_dir=project)
    assert not result.success
    failed = sorted(r.node.name for r in result.results if str(r.status) == "fail")
    assert len(failed) == 3, failed
    assert failed[0].startswith("no_overlapping_ranges_organisations_org_code")
    assert failed[1].startswith("no_overlapping_ranges_vendors_vendor")
    assert failed[2].startswith("relationships_vendor_aliases_vendor")
