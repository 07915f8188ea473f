"""Figures in schema marts for the tiny warehouse of conftest.py, computed by hand."""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys

import duckdb
import pytest

from dbt_harness import PROJECT_DIR, ROWS


def one(con, sql, params=()):
    rows = con.execute(sql, params).fetchall()
    assert len(rows) == 1, rows
    return rows[0]


def as_dicts(con, sql, params=()):
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def expected_register(peildatum: dt.date) -> dict[str, int]:
    """Organisations per scope in organisations.csv valid on the peildatum (counted independently)."""
    counts = {"rijksdienst": 0, "zbo": 0, "totaal": 0}
    with open(PROJECT_DIR / "seeds" / "organisations.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            start = dt.date.fromisoformat(row["valid_from"])
            end = dt.date.fromisoformat(row["valid_to"]) if row["valid_to"] else None
            if not (start <= peildatum and (end is None or end > peildatum)):
                continue
            if row["in_rijksbreed_totals"] != "true":
                continue
            rijk = row["in_cloud_policy_scope"] == "true"
            zbo = row["org_type"] == "zbo"
            counts["rijksdienst"] += rijk
            counts["zbo"] += zbo
            counts["totaal"] += rijk or zbo
    return counts


def test_file_is_closed_after_dbt(warehouse):
    # another process can open the file read-write only when dbt-duckdb released it
    code = ("import duckdb, sys; c = duckdb.connect(sys.argv[1]);"
            " print(c.execute('select count(*) from marts.fct_cloud_services').fetchone()[0])")
    out = subprocess.run([sys.executable, "-c", code, str(warehouse)], capture_output=True, text=True, check=True)
    assert int(out.stdout) == len([r for r in ROWS if r[0] != 4])  # file 4 was replaced by file 5


def test_current_submission_is_the_newest_accepted_file(con):
    rows = con.execute(
        "select distinct period, org_code, submission_id, source_file from marts.fct_cloud_services order by 1, 2"
    ).fetchall()
    assert rows == [
        ("2024-Q1", "KGG", 10, "KGG_2024-Q1.xlsx"),
        ("2025-Q2", "BZK", 1, "BZK_2025-Q2.xlsx"),
        ("2025-Q2", "DEF", 3, "DEF_2025-Q2.xlsx"),
        ("2025-Q2", "UWV", 2, "UWV_2025-Q2.xlsx"),
        ("2025-Q3", "BZK", 5, "BZK_2025-Q3_v2.xlsx"),
    ]
    # the replaced file's service never appears; a duplicate / rejected file is no submission
    assert con.execute("select count(*) from marts.fct_cloud_services where service_id = 'S9'").fetchone()[0] == 0
    assert con.execute("select count(*) from marts.org_metrics where org_code in ('CBS') "
                       "or (org_code = 'UWV' and period = '2025-Q3')").fetchone()[0] == 0


def test_lineage_and_peildatum(con):
    row = one(con, "select peildatum, source_file, source_row, submission_id, template_version"
                   " from marts.fct_cloud_services where period = '2025-Q3' and service_id = 'S8'")
    assert row == (dt.date(2025, 9, 30), "BZK_2025-Q3_v2.xlsx", 5, 5, "2025.1")
    assert one(con, "select template_version, countries, reconsidered from marts.fct_cloud_services"
                    " where service_id = 'U1'") == ("2024.1", None, None)


def test_vendor_resolution_per_period(con):
    vendors = dict(con.execute(
        "select period || ' ' || service_id, vendor from marts.fct_cloud_services where org_code = 'BZK'").fetchall())
    assert vendors["2025-Q2 S1"] == "Microsoft"  # 'microsoft  azure': case and white space ignored
    assert vendors["2025-Q2 S7"] == "Microsoft"  # MSFT alias
    # unknown: one vendor per alias key, the spelling used most in that period (2 of 3)
    assert {vendors[f"2025-Q2 {s}"] for s in ("S2", "S3", "S4")} == {"Acme Cloud B.V."}
    # 2025-Q3: a 1-1 tie, alphabetically first ('A' < 'a'); 2025-Q2 keeps its own spelling
    assert vendors["2025-Q3 S2"] == vendors["2025-Q3 S3"] == "ACME CLOUD B.V."
    row = one(con, "select vendor_concern, vendor_country, provider, provider_concern, provider_country"
                   " from marts.fct_cloud_services where period = '2025-Q2' and service_id = 'S2'")
    assert row == (None, None, "Amazon Web Services", "Amazon", "US")
    row = one(con, "select provider, provider_concern, provider_country"
                   " from marts.fct_cloud_services where period = '2025-Q3' and service_id = 'S2'")
    assert row == ("ACME CLOUD B.V.", None, None)  # empty provider: the vendor's values


def test_location_and_flags(con):
    got = {r["service_id"]: r for r in as_dicts(
        con, "select * from marts.fct_cloud_services where period = '2025-Q2'")}
    assert got["S1"]["location"] == "eea"  # declared nl, countries NL+IE
    assert got["S3"]["location"] == "nl"  # declared unknown, countries NL
    assert got["S4"]["location"] == "non_eea"  # unknown token
    assert (got["S2"]["us_direct"], got["S2"]["us_indirect"]) == (False, True)
    assert got["S3"]["is_foreign_migration"] is True  # unknown vendor country counts as foreign
    assert got["S4"]["is_foreign_migration"] is False  # stopped
    assert got["U3"]["is_foreign_migration"] is True  # reconsidered NULL is not stopped
    flags = ["is_active", "is_public", "is_materieel", "us_direct", "us_indirect", "us_dependent", "in_eer",
             "is_foreign_migration"]
    assert all(r[f] is not None for r in got.values() for f in flags)


ORG_Q2_BZK = dict(
    active_services=5, public_services=4, materieel_services=2, materieel_us_direct=1, materieel_us_indirect=1,
    materieel_us_without_fallback=1, materieel_us_without_exit=0, materieel_us_without_fallback_and_exit=0,
    materieel_us_without_risk_assessment=1, active_us_dependent=3, personal_data_services=3, personal_data_nl=2,
    personal_data_eea=1, personal_data_non_eea=0, personal_data_unknown=0, special_data_outside_eer=0,
    bbn3_public=1, private_or_hybrid_services=1, unknown_type_services=0, materieel_without_risk_assessment=1,
    materieel_big_three=1, public_eer_vendor=1, foreign_migrations=1, reconsidered_services=2,
    annual_cost_public_eur=1500, share_materieel_us=1.0, org_name="Ministerie van Binnenlandse Zaken en Koninkrijksrelaties",
    ministry_code="BZK", org_type="ministerie",
)
ORG_Q2_UWV = dict(
    active_services=1, public_services=1, materieel_services=1, materieel_us_direct=1, materieel_us_indirect=0,
    materieel_us_without_fallback=1, materieel_us_without_exit=1, materieel_us_without_fallback_and_exit=1,
    materieel_us_without_risk_assessment=0, active_us_dependent=1, personal_data_services=1, personal_data_non_eea=1,
    special_data_outside_eer=1, materieel_big_three=1, public_eer_vendor=0, foreign_migrations=1,
    reconsidered_services=0, annual_cost_public_eur=0, share_materieel_us=1.0, org_type="zbo",
)


@pytest.mark.parametrize(("period", "org", "expected"), [
    ("2025-Q2", "BZK", ORG_Q2_BZK),
    ("2025-Q2", "UWV", ORG_Q2_UWV),
    ("2025-Q3", "BZK", dict(materieel_services=4, materieel_us_direct=2, materieel_us_indirect=1,
                            share_materieel_us=0.75, materieel_us_without_exit=1, personal_data_unknown=1,
                            annual_cost_public_eur=1000)),
    ("2025-Q3", "SVB", dict(active_services=0, materieel_services=0, annual_cost_public_eur=0,
                            share_materieel_us=None)),  # nil return
    ("2025-Q2", "DEF", dict(materieel_services=1, annual_cost_public_eur=9999)),  # Defensie is shown
])
def test_org_metrics(con, period, org, expected):
    row = as_dicts(con, "select * from marts.org_metrics where period = ? and org_code = ?", [period, org])
    assert len(row) == 1
    assert {k: row[0][k] for k in expected} == expected


def test_scope_metrics(con):
    got = {(r["period"], r["scope"]): r for r in as_dicts(con, "select * from marts.scope_metrics")}
    assert len(got) == 9
    totaal = got[("2025-Q2", "totaal")]
    # BZK + UWV; Defensie (materieel 1, cost 9999) is in no scope
    assert (totaal["organisations"], totaal["materieel_services"], totaal["annual_cost_public_eur"]) == (2, 3, 1500)
    assert totaal["share_materieel_us"] == 1.0
    assert totaal["share_personal_data_in_eer"] == pytest.approx(3 / 4)
    assert totaal["share_public_eer_vendor"] == pytest.approx(1 / 5)
    assert got[("2025-Q2", "rijksdienst")]["materieel_services"] == 2
    assert got[("2025-Q2", "zbo")]["materieel_services"] == 1
    zbo_q3 = got[("2025-Q3", "zbo")]  # only SVB's nil return
    assert (zbo_q3["organisations"], zbo_q3["materieel_services"]) == (1, 0)
    assert zbo_q3["share_materieel_us"] is None and zbo_q3["share_public_eer_vendor"] is None
    for period, peildatum in (("2025-Q2", dt.date(2025, 6, 30)), ("2025-Q3", dt.date(2025, 9, 30))):
        register = expected_register(peildatum)
        for scope, n in register.items():
            assert got[(period, scope)]["organisations_expected"] == n


def test_vendor_share_and_concentration(con):
    shares = {(r["layer"], r["concern"]): r for r in as_dicts(
        con, "select * from marts.vendor_share where period = '2025-Q2' and scope = 'totaal'")}
    assert {k: v["services"] for k, v in shares.items() if k[0] == "vendor"} == {
        ("vendor", "Microsoft"): 2, ("vendor", "Acme Cloud B.V."): 1, ("vendor", "KPN"): 1, ("vendor", "Alphabet"): 1}
    assert shares[("vendor", "Microsoft")]["share_services"] == pytest.approx(0.4)
    assert shares[("vendor", "Microsoft")]["share_cost"] == pytest.approx(1000 / 1500)
    assert shares[("vendor", "Acme Cloud B.V.")]["country"] is None
    assert shares[("provider", "Amazon")]["services"] == 1
    conc = {(r["period"], r["scope"], r["layer"]): r for r in as_dicts(con, "select * from marts.concentration")}
    v = conc[("2025-Q2", "totaal", "vendor")]
    assert v["hhi"] == pytest.approx(40**2 + 3 * 20**2)
    assert (v["cr1"], v["cr3"], v["top_concern"]) == (pytest.approx(0.4), pytest.approx(0.8), "Microsoft")
    assert v["us_share"] == pytest.approx(3 / 5)
    assert conc[("2025-Q2", "totaal", "provider")]["us_share"] == pytest.approx(4 / 5)
    assert conc[("2025-Q3", "totaal", "vendor")]["hhi"] == pytest.approx(25**2 + 50**2 + 25**2)
    assert conc[("2025-Q3", "totaal", "vendor")]["top_concern"] == "ACME CLOUD B.V."
    empty = conc[("2025-Q3", "zbo", "vendor")]
    assert (empty["hhi"], empty["cr3"], empty["top_concern"]) == (None, None, None)


def test_migrations_and_reconsidered(con):
    assert con.execute("select period, org_code, service_id, vendor_country from marts.foreign_migrations"
                       " order by all").fetchall() == [("2025-Q2", "BZK", "S3", None), ("2025-Q2", "UWV", "U3", "FR")]
    assert con.execute("select service_id, reconsidered, remarks from marts.reconsidered_services"
                       " order by all").fetchall() == [("S3", "continued", "toelichting S3"),
                                                       ("S4", "stopped", "toelichting S4")]


def test_kpi_trend(con):
    got = {(r["period"], r["scope"]): r for r in as_dicts(con, "select * from marts.kpi_trend")}
    q2, q3 = got[("2025-Q2", "totaal")], got[("2025-Q3", "totaal")]
    assert q2["previous_period"] is None and q2["materieel_services_change"] is None  # 2025-Q1 not loaded
    assert q3["previous_period"] == "2025-Q2"
    assert (q3["materieel_services"], q3["materieel_services_change"]) == (4, 1)
    assert q3["share_materieel_us_change"] == pytest.approx(0.75 - 1.0)
    assert q3["hhi_vendor_change"] == pytest.approx(3750 - 2800)
    assert q3["foreign_migrations_change"] == -2
    assert got[("2025-Q3", "zbo")]["hhi_vendor_change"] is None  # no public services in 2025-Q3


def test_organisation_outside_the_register_counts_in_no_scope(con, warehouse):
    # KGG submitted for 2024-Q1, before it existed: shown (org_name unknown) but in no scope figure
    row = one(con, "select org_name, ministry_code, materieel_services from marts.org_metrics"
                   " where period = '2024-Q1' and org_code = 'KGG'")
    assert row == (None, None, 1)
    rows = con.execute("select scope, organisations, materieel_services, organisations_expected"
                       " from marts.scope_metrics where period = '2024-Q1' order by scope").fetchall()
    register = expected_register(dt.date(2024, 3, 31))
    assert rows == [(s, 0, 0, register[s]) for s in ("rijksdienst", "totaal", "zbo")]
    assert one(con, "select hhi from marts.concentration where period = '2024-Q1' and scope = 'totaal'"
                    " and layer = 'vendor'") == (None,)
