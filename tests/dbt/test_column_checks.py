"""The generic test `columns_valid` (macros/generic_tests.sql): the not_null / accepted_values /
accepted_range checks of a model in one dbt test node. It must fail on exactly what the
per-column tests it replaced failed on, name the broken checks, and let NULLs through where
dbt's accepted_values and accepted_range do."""

from __future__ import annotations

import duckdb

from dbt_harness import FILES, ROWS, build_warehouse, copy_project, dbt_build

# bad values for stg_raw__service_rows' columns_valid (raw.service_rows itself refuses NULLs in
# the not_null columns: that path is tested on the register below); the good rows of the tiny
# warehouse have NULL reconsidered / cost on some, which must pass
BAD = [
    # file, row, service_id, vendor, provider, cloud_type, process, location, countries, unknown,
    # personal_data, bbn, status, reconsidered, exit, fallback, risk, cost
    (1, 90, "X1", "Acme", None, "public", "primary", "nl", None, None, "none", 4, "in_use", "no", True, True, None, None),
    (1, 91, "X2", "Acme", None, "cloudy", "primary", "nl", None, None, "none", 1, "in_use", "no", True, True, None, None),
    (1, 92, "X3", "Acme", None, "public", "primary", "nl", None, None, "none", 1, "in_use", "maybe", True, True, None, None),
    (1, 93, "X4", "Acme", None, "public", "primary", "nl", None, None, "none", 1, "in_use", "no", True, True, None, -1),
    (1, 94, "X5", "Acme", None, "public", "primary", "nl", None, None, "none", 5, "gone", "no", True, True, None, -0.01),
]
EXPECTED = {
    "X1": "bbn accepted_values",
    "X2": "cloud_type accepted_values",
    "X3": "reconsidered accepted_values",
    "X4": "annual_cost_eur accepted_range",
    "X5": "bbn accepted_values, status accepted_values, annual_cost_eur accepted_range",
}


def test_columns_valid_fails_on_each_bad_value_and_names_it(tmp_path):
    db = tmp_path / "w.duckdb"
    build_warehouse(db, FILES, ROWS + BAD)
    target = tmp_path / "target"
    result = dbt_build(db, target, "--select", "stg_raw__service_rows stg_audit__files")
    assert not result.success
    failed = sorted(r.node.name for r in result.results if str(r.status) == "fail")
    assert failed == ["columns_valid_stg_raw__service_rows"], failed
    [failure] = [r for r in result.results if str(r.status) == "fail"]
    assert failure.failures == len(BAD)  # the good rows (NULL reconsidered / cost among them) pass
    sql = failure.node.compiled_code
    with duckdb.connect(str(db), read_only=True) as con:
        got = dict(con.execute(f"select service_id, failed_checks from ({sql})").fetchall())
    assert got == EXPECTED


def test_columns_valid_on_reference_data(tmp_path):
    """A register row with an unknown org_type and no name fails the seed's columns_valid
    (the not_null and accepted_values tests it replaced)."""
    project = copy_project(tmp_path / "project")
    with open(project / "seeds" / "organisations.csv", "a", encoding="utf-8") as f:
        f.write("GEM,,gemeente,BZK,false,false,2025-01-01,\n")
    db = tmp_path / "w.duckdb"
    build_warehouse(db, [], [])
    target = tmp_path / "target"
    result = dbt_build(db, target, "--select", "organisations", project_dir=project)
    failed = [r for r in result.results if str(r.status) == "fail"]
    assert [r.node.name for r in failed] == ["columns_valid_organisations"]
    sql = failed[0].node.compiled_code
    with duckdb.connect(str(db), read_only=True) as con:
        got = con.execute(f"select org_code, failed_checks from ({sql})").fetchall()
    assert got == [("GEM", "org_name not_null, org_type accepted_values")]
