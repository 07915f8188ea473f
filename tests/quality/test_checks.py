"""The GX suites: consistent warehouse passes every blocking check; each deliberately broken
warehouse fails exactly the blocking check about it; warnings never block."""

from __future__ import annotations

import json
import re

import duckdb
import pytest

from expectations import datasets
from expectations.run import SUITE_NAMES, SUITES_DIR, load_suite, nl_text, run_checks
from ingest.schema import COLUMNS, CURRENT_TEMPLATE
from ingest.tables import ensure_tables

BLOCKING = {
    "counts_not_negative",
    "shares_between_0_and_1",
    "scope_totals_equal_sum_of_organisations",
    "org_metrics_equal_recount",
    "periods_have_current_submission",
    "no_rows_lost",
    "accepted_rows_in_fct",
}


def _result(report, expectation):
    return next(r for r in report.results if r.expectation == expectation)


def _run(path, period="2025-Q3", **kw):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return run_checks(con, period, **kw)
    finally:
        con.close()


def _break(path, sql):
    con = duckdb.connect(str(path))
    con.execute(sql)
    con.close()


def test_suite_files_are_well_formed():
    ids = []
    for name in SUITE_NAMES:
        suite = load_suite(name)
        for exp in suite["expectations"]:
            meta = exp["meta"]
            ids.append(meta["id"])
            assert meta["severity"] in ("blocking", "warning")
            text = nl_text(meta["description_nl"]) + nl_text(meta.get("todo_nl", ""))
            assert text and "{" not in text
    assert len(ids) == len(set(ids))
    blocking = {
        e["meta"]["id"] for n in SUITE_NAMES for e in load_suite(n)["expectations"] if e["meta"]["severity"] == "blocking"
    }
    assert blocking == BLOCKING


def test_submission_suite_covers_every_coded_and_required_column():
    suite = load_suite("submission_rows")
    in_set = {e["kwargs"]["column"] for e in suite["expectations"] if e["type"] == "expect_column_values_to_be_in_set"}
    not_null = {e["kwargs"]["column"] for e in suite["expectations"] if e["type"] == "expect_column_values_to_not_be_null"}
    cols = COLUMNS[CURRENT_TEMPLATE]
    assert in_set == {c.name for c in cols if c.kind == "code"}
    assert not_null == {c.name for c in cols if c.required}


def test_suites_spell_no_header_or_label():
    text = "".join((SUITES_DIR / f"{n}.json").read_text(encoding="utf-8") for n in SUITE_NAMES)
    for col in COLUMNS[CURRENT_TEMPLATE]:
        assert f"'{col.header}'" not in text
        if col.codes:
            assert col.codes.allowed_text() not in text


def test_consistent_warehouse_passes_every_blocking_check(consistent_report):
    assert consistent_report.blocking_failures == []
    assert {r.expectation for r in consistent_report.results if r.severity == "blocking"} == BLOCKING


def test_warnings_flag_but_do_not_block(consistent_report):
    failed = {r.expectation: r for r in consistent_report.results if not r.success}
    assert all(r.severity == "warning" for r in failed.values())
    # SVB's file was rejected as a whole
    assert [r["org_code"] for r in failed["no_files_rejected"].failing_rows] == ["SVB"]
    # the unknown vendor of UWV's U-4
    assert [r["service_id"] for r in failed["vendor_known"].failing_rows] == ["U-4"]
    # U-3 was in use in Q2 and is gone in Q3 without 'ended'; BZK's B-2 was ended, so not flagged
    assert [r["service_id"] for r in failed["services_end_before_disappearing"].failing_rows] == ["U-3"]
    # UWV 3 -> 2 active (33 %), BZK 1 -> 2 (100 %): both above 30 %
    assert sorted(r["org_code"] for r in failed["active_services_change_plausible"].failing_rows) == ["BZK", "UWV"]
    # completeness: every organisation of the register without figures, SVB among them
    missing = {r["org_code"] for r in failed["register_complete"].failing_rows}
    assert {"SVB", "AZ", "DEF"} <= missing and not {"UWV", "BZK"} & missing
    assert len(failed["no_ingest_warnings"].failing_rows) == 2
    assert "no_restatements" not in failed


def test_change_threshold_is_configurable(fixture_warehouse):
    report = _run(fixture_warehouse, change_threshold=2.0)
    assert _result(report, "active_services_change_plausible").success


BROKEN = [
    pytest.param(
        "update marts.scope_metrics set active_services = active_services + 1 where scope = 'zbo' and period = '2025-Q3'",
        "scope_totals_equal_sum_of_organisations",
        {"scope": "zbo", "column_name": "active_services", "difference": 1},
        id="scope-total-off-by-one",
    ),
    pytest.param(
        "update marts.org_metrics set public_services = public_services + 2 where org_code = 'UWV' and period = '2025-Q3'",
        "org_metrics_equal_recount",
        {"org_code": "UWV", "column_name": "public_services", "difference": 2},
        id="org-metrics-not-recount",
    ),
    pytest.param(
        "update marts.org_metrics set share_materieel_us = 1.2 where org_code = 'UWV' and period = '2025-Q3'",
        "shares_between_0_and_1",
        {"table_name": "org_metrics", "row_key": "UWV", "column_name": "share_materieel_us", "value": 1.2},
        id="share-1.2",
    ),
    pytest.param(
        "update marts.scope_metrics set foreign_migrations = -1 where scope = 'totaal' and period = '2025-Q2'",
        "counts_not_negative",
        {"table_name": "scope_metrics", "row_key": "totaal", "column_name": "foreign_migrations", "value": -1},
        id="count-minus-one",
    ),
    pytest.param(
        "insert into marts.concentration values ('2024-Q4', 'totaal', 'vendor', 1.0, 1)",
        "periods_have_current_submission",
        {"period": "2024-Q4", "has_current_submission": False},
        id="period-without-submission",
    ),
    pytest.param(
        "delete from marts.fct_cloud_services where service_id = 'B-3'",
        "no_rows_lost",
        {"file_name": "BZK_2025-Q3.xlsx", "rows_unaccounted": 1},
        id="lost-row",
    ),
]


@pytest.fixture(scope="module")
def broken_report(fixture_warehouse, tmp_path_factory):
    """All breakages of BROKEN at once (each in its own place), checked in one run."""
    import shutil

    path = tmp_path_factory.mktemp("broken") / "warehouse.duckdb"
    shutil.copy(fixture_warehouse, path)
    _break(path, ";".join(p.values[0] for p in BROKEN))
    return _run(path)


@pytest.mark.parametrize(("sql", "expectation", "row"), BROKEN)
def test_broken_warehouse_fails_the_blocking_check(broken_report, sql, expectation, row):
    result = _result(broken_report, expectation)
    assert not result.success and result.severity == "blocking"
    assert result in broken_report.blocking_failures
    assert any(all(r.get(k) == v for k, v in row.items()) for r in result.failing_rows), result.failing_rows


def test_one_breakage_fails_only_its_own_check(warehouse_copy):
    _break(warehouse_copy, BROKEN[0].values[0])
    report = _run(warehouse_copy)
    assert [r.expectation for r in report.blocking_failures] == ["scope_totals_equal_sum_of_organisations"]
    (row,) = report.blocking_failures[0].failing_rows
    assert (row["period"], row["scope"], row["published"], row["sum_of_organisations"]) == ("2025-Q3", "zbo", 3, 2)


def test_bad_submitted_rows_warn_per_file(bad_rows_report):
    report, _ = bad_rows_report
    for exp in ("status_in_codes", "annual_cost_not_negative", "start_date_plausible"):
        r = _result(report, exp)
        assert not r.success and r.severity == "warning"
        assert [(x["file_name"], x["row_number"], x["org_code"]) for x in r.failing_rows] == [("UWV_2025-Q3.xlsx", 3, "UWV")]
    assert _result(report, "status_in_codes").failing_values == ["actief"]
    assert report.blocking_failures == []


def test_restatements_list_changed_figures_of_earlier_periods(fixture_warehouse, warehouse_copy):
    _break(
        warehouse_copy,
        "update marts.org_metrics set active_services = active_services + 1 where org_code = 'UWV';"
        "update marts.scope_metrics set public_services = 99 where scope = 'zbo' and period = '2025-Q2'",
    )
    old = duckdb.connect(str(fixture_warehouse), read_only=True)
    new = duckdb.connect(str(warehouse_copy), read_only=True)
    try:
        df = datasets.restatements(old, new, "2025-Q3")
        assert datasets.restatements(None, new, "2025-Q3").empty
        assert datasets.restatements(old, old, "2025-Q3").empty
    finally:
        old.close()
        new.close()
    rows = sorted(json.loads(df.to_json(orient="records")), key=lambda r: r["table_name"])
    assert [(r["table_name"], r["period"], r["row_key"], r["column_name"]) for r in rows] == [
        ("org_metrics", "2025-Q2", "UWV", "active_services"),
        ("scope_metrics", "2025-Q2", "zbo", "public_services"),
    ]
    assert rows[0]["new_value"] - rows[0]["old_value"] == 1


def test_restatement_is_a_warning_in_the_report(fixture_warehouse, warehouse_copy):
    _break(warehouse_copy, "update marts.org_metrics set active_services = 7 where org_code = 'UWV' and period = '2025-Q2'")
    old = duckdb.connect(str(fixture_warehouse), read_only=True)
    try:
        report = _run(warehouse_copy, previous_con=old)
    finally:
        old.close()
    r = _result(report, "no_restatements")
    assert not r.success and r.severity == "warning"
    assert report.restatements and report.restatements[0]["row_key"] == "UWV"


def test_no_period_checks_every_period(fixture_warehouse):
    con = duckdb.connect(str(fixture_warehouse), read_only=True)
    try:
        assert set(datasets.completeness(con, None)["period"]) == {"2025-Q2", "2025-Q3"}
        assert set(datasets.unknown_vendors(con, "2025-Q2")["period"]) == {"2025-Q2"}
    finally:
        con.close()


def test_gx_is_not_imported_by_the_modules_the_cli_imports():
    import subprocess
    import sys

    code = (
        "import sys, expectations.run, expectations.datasets, reports.feedback, reports.quality_report; "
        "print('great_expectations' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    assert re.search(r"^import great_expectations", (SUITES_DIR.parent / "run.py").read_text(), re.M) is None


def test_warehouse_without_marts_runs(tmp_path):
    """Before dbt has built anything (e.g. `check` on a fresh warehouse): no crash, nothing blocks."""
    path = tmp_path / "empty.duckdb"
    con = duckdb.connect(str(path))
    ensure_tables(con)
    con.execute(
        "create schema reference; create table reference.organisations as select * from read_csv(?, header = true, "
        "types = {'valid_from': 'DATE', 'valid_to': 'DATE'})",
        [str(SUITES_DIR.parents[1] / "seeds" / "organisations.csv")],
    )
    con.close()
    report = _run(path)
    assert report.blocking_failures == []
    assert len(report.completeness) > 30 and not report.completeness["has_figures"].any()


def test_a_date_beyond_pandas_nanoseconds_is_still_checked(warehouse_copy):
    """GX gets date columns as datetime64[ns] where they fit; 9999-12-31 does not, and is
    still found (and reported as the date it is)."""
    _break(warehouse_copy, "update raw.service_rows set start_date = date '9999-12-31' "
                           "where file_id = 3 and service_id = 'U-2'")
    r = _result(_run(warehouse_copy), "start_date_plausible")
    assert not r.success
    assert [(x["row_number"], x["start_date"]) for x in r.failing_rows] == [(3, "9999-12-31")]
    assert r.failing_values == ["9999-12-31"]


def test_records_are_plain_values_of_every_row():
    import datetime as dt
    import decimal

    import numpy as np
    import pandas as pd

    from expectations.run import _records, plain

    df = pd.DataFrame({
        "s": ["a", None, "c", "d"],
        "i": [1, 2, 3, 4],
        "f": [1.0, float("nan"), 0.1234567891, -2.5],
        "b": [True, False, True, False],
        "t": pd.to_datetime(["2025-09-30", None, "2025-01-01 10:30", "2024-02-29"], format="mixed"),
        "o": [decimal.Decimal("1.50"), np.int64(7), dt.date(2025, 1, 1), pd.NA],
        "n": pd.array([1, None, 3, 4], dtype="Int64"),
    }, index=[5, 3, 9, 0])
    expected = [{k: plain(v) for k, v in row.items()} for row in df.to_dict("records")]
    assert _records(df) == expected
    assert _records(df.iloc[:0]) == []
    assert _records(df[[]]) == [{}, {}, {}, {}]


def test_gx_gets_only_the_columns_it_needs():
    import pandas as pd

    from expectations.run import _needed_columns

    df = pd.DataFrame({"a": [1], "b": ["x"], "d": pd.Series(pd.to_datetime(["2025-01-01"])).astype("datetime64[us]"),
                       "c": [2]})
    exps = [{"kwargs": {"column": "c"}}, {"kwargs": {"column_A": "d", "column_B": "a"}}]
    out = _needed_columns(df, exps)
    assert list(out.columns) == ["a", "d", "c"] and str(out["d"].dtype) == "datetime64[ns]"
    assert str(df["d"].dtype) == "datetime64[us]"  # the frame the failing rows come from is untouched
    assert list(_needed_columns(df, [{"kwargs": {"column_list": ["b", "a"]}}]).columns) == ["a", "b"]
    assert list(_needed_columns(df, [{"kwargs": {"value": 0}}]).columns) == ["a"]  # a row count
    assert _needed_columns(df, [{"kwargs": {"column": "a", "row_condition": 'b=="x"'}}]) is df
