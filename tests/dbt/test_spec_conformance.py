"""Acceptance test of schema marts against ../shared/spec/metrics.md, on a second hand-made
warehouse (one dbt build): vendor resolution and vendors.csv validity on the peildatum, the
location rule, the flags, org/scope metrics, register changes (IND, KADASTER, KGG), vendor
share and concentration, trend and resubmissions. Every expected figure is worked out by hand
from the spec in the comments beside the data."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

import duckdb
import pytest

from dbt_harness import PROJECT_DIR, build_warehouse, dbt_build

NBSP = "\u00a0"

FILES = [
    (1, "IND_2018-Q3.xlsx", "IND", "2018-Q3", "2025.1", "accepted"),
    (2, "IND_2018-Q4.xlsx", "IND", "2018-Q4", "2025.1", "accepted"),
    (3, "SVB_2021-Q2.xlsx", "SVB", "2021-Q2", "2025.1", "accepted"),
    (4, "SVB_2021-Q3.xlsx", "SVB", "2021-Q3", "2025.1", "accepted"),
    (5, "IND_2024-Q2.xlsx", "IND", "2024-Q2", "2025.1", "accepted"),
    (6, "KADASTER_2024-Q2.xlsx", "KADASTER", "2024-Q2", "2025.1", "accepted"),
    (7, "DEF_2024-Q2.xlsx", "DEF", "2024-Q2", "2025.1", "accepted"),
    (8, "IND_2024-Q3.xlsx", "IND", "2024-Q3", "2025.1", "accepted"),
    (9, "KADASTER_2024-Q3.xlsx", "KADASTER", "2024-Q3", "2025.1", "accepted"),
    (10, "KGG_2024-Q3.xlsx", "KGG", "2024-Q3", "2025.1", "accepted"),  # nil return
    (11, "AENM_2024-Q3.xlsx", "AENM", "2024-Q3", "2025.1", "accepted"),  # replaced by 12
    (12, "AENM_2024-Q3_v2.xlsx", "AENM", "2024-Q3", "2025.1", "accepted"),
    (13, "AENM_2024-Q3_v3.xlsx", "AENM", "2024-Q3", "2025.1", "rejected"),
    (14, "DEF_2024-Q3.xlsx", "DEF", "2024-Q3", "2025.1", "accepted"),
    (15, "IND_2024-Q1.xlsx", "IND", "2024-Q1", "2025.1", "rejected"),  # 2024-Q1 is not loaded
    (16, "IND_2024-Q1_b.xlsx", "IND", "2024-Q1", "2025.1", "duplicate"),
    (17, "SVB_2024-Q4.xlsx", "SVB", "2024-Q4", "2025.1", "accepted"),  # nil returns: the year boundary
    (18, "SVB_2025-Q1.xlsx", "SVB", "2025-Q1", "2025.1", "accepted"),
]

# file, row, service_id, vendor_raw, provider_raw, cloud_type, process, location_declared,
# countries, countries_unknown, personal_data, bbn, status, reconsidered, exit, fallback,
# last_risk_assessment, annual_cost_eur
ROWS = [
    # 2018-Q3 (peildatum 2018-09-30): GitHub (from 2018-10-26) and Mendix (from 2018-10-01) have no
    # vendors.csv row yet -> concern/country NULL; LinkedIn (from 2016-12-08) is Microsoft.
    (1, 2, "A1", "GitHub", None, "public", "primary", "nl", None, None, "none", 1, "in_use", "no", True, True, None, None),
    (1, 3, "A2", "Mendix", "GitHub, ", "public", "primary", "nl", None, None, "none", 1, "in_use", "no", True, True, None, None),
    (1, 4, "A3", "LinkedIn", None, "public", "primary", "nl", None, None, "none", 1, "in_use", "no", True, True, None, None),
    # 2018-Q4: both acquired
    (2, 2, "B1", "github inc.", None, "public", "primary", "nl", None, None, "none", 1, "in_use", "no", True, True, None, None),
    (2, 3, "B2", "MENDIX", None, "public", "primary", "nl", None, None, "none", 1, "in_use", "no", True, True, None, None),
    # Slack: Salesforce from 2021-07-21
    (3, 2, "C1", "slack", None, "public", "primary", "nl", None, None, "none", 1, "in_use", "no", True, True, None, None),
    # declared unknown, only an unrecognised token -> non_eea
    (3, 3, "C2", "Hetzner", None, "public", "supporting", "unknown", None, ["Mars"], "regular", 1, "in_use", "no", True, True, None, None),
    (4, 2, "C1", "Slack.", None, "public", "primary", "nl", None, None, "none", 1, "in_use", "no", True, True, None, None),
    # a non-breaking space inside a name (supporting: no effect on the materieel figures)
    (4, 3, "B3", f"Microsoft{NBSP}Azure", None, "public", "supporting", "nl", None, None, "none", 1, "in_use", "no", True, True, None, None),
    # IND 2024-Q2 (ministry JENV)
    (5, 2, "I1", "Zorg Cloud BV", None, "public", "primary", "unknown", ["DE"], [], "special", 2, "in_use", "no", True, True, None, 10),
    (5, 3, "I2", "zorg  cloud bv.", "Amazon Web Services EMEA SARL", "public", "primary", "nl", ["NL"], ["Atlantis"], "special", 1, "in_use", "no", False, False, None, None),
    (5, 4, "I3", "Zorg Cloud BV", "", "public", "supporting", "unknown", None, None, "special", 1, "in_use", "no", True, True, None, 5),
    (5, 5, "I4", "ZORG CLOUD BV", None, "public", "supporting", "nl", [], [], "none", 1, "planned", None, False, False, None, None),
    (5, 6, "I5", "Microsoft  Corporation,", None, "public", "primary", "eea", ["NL", "US"], [], "none", 1, "migrating", "no", False, False, None, Decimal("100.50")),
    (5, 7, "I6", "Microsof", None, "public", "primary", "nl", None, None, "none", 1, "intended", "stopped", False, False, None, None),
    (5, 8, "I7", "TOPdesk", None, "public", "primary", "nl", ["NL"], [], "none", 1, "planned", "continued", False, False, None, None),
    (5, 9, "I8", "TOPdesk", None, "public", "primary", "nl", ["BE"], [], "none", 1, "planned", "no", False, False, None, None),
    (5, 10, "I9", "Visma", None, "public", "supporting", "non_eea", ["NL"], [], "regular", 1, "in_use", "no", True, True, None, None),
    (5, 11, "I10", "Proton", None, "public", "supporting", "eea", None, None, "none", 3, "in_use", "no", True, True, None, 20),
    (5, 12, "I11", "SAP", None, "private", "primary", "nl", None, None, "regular", 3, "in_use", "no", True, True, None, 1000),
    (5, 13, "I12", "Google", None, "unknown", "primary", "eea", None, None, "none", 1, "in_use", "no", True, True, None, None),
    (5, 14, "I13", "AWS", None, "public", "primary", "nl", None, None, "none", 1, "ended", "adjusted", True, True, None, None),
    (5, 15, "I14", "Mendix", "azure", "public", "primary", "nl", None, None, "none", 1, "in_use", "no", True, True, "2024-01-01", 50),
    # KADASTER 2024-Q2 (zbo under BZK)
    (6, 2, "K1", "zorg cloud bv", None, "public", "primary", "nl", None, None, "none", 1, "in_use", "no", True, True, None, 200),
    (6, 3, "K2", "Google", None, "public", "primary", "nl", None, None, "none", 1, "in_use", "no", True, False, None, None),
    # Defensie: in no scope
    (7, 2, "D1", "Google", None, "public", "primary", "nl", None, None, "none", 1, "in_use", "no", True, True, None, 5000),
    # 2024-Q3: IND under AENM, KADASTER under VRO, KGG nil return, AENM resubmitted
    (8, 2, "J1", "Google", None, "public", "primary", "nl", None, None, "none", 1, "in_use", "no", True, True, None, 0),
    (8, 3, "J2", "Beta Host", None, "public", "primary", "nl", None, None, "none", 1, "in_use", "no", True, True, None, None),
    (9, 2, "L1", "beta host", None, "public", "primary", "nl", None, None, "none", 1, "in_use", "no", True, True, None, None),
    (11, 2, "M9", "beta host", None, "public", "primary", "nl", None, None, "none", 1, "in_use", "no", True, True, None, 7),
    (11, 3, "M8", "beta host", None, "public", "primary", "nl", None, None, "none", 1, "in_use", "no", True, True, None, 7),
    (12, 2, "M1", "KPN", None, "public", "primary", "nl", None, None, "none", 1, "in_use", "no", True, True, None, 0),
    (14, 2, "D1", "Oracle", None, "public", "primary", "nl", None, None, "none", 1, "in_use", "no", True, True, None, 9),
]

FLAGS = ["is_active", "is_public", "is_materieel", "us_direct", "us_indirect", "us_dependent", "in_eer",
         "is_foreign_migration"]


@pytest.fixture(scope="module")
def spec_con(tmp_path_factory):
    base = tmp_path_factory.mktemp("spec")
    db = base / "warehouse.duckdb"
    build_warehouse(db, FILES, ROWS)
    result = dbt_build(db, base / "target")
    failed = [f"{r.node.name}: {r.message}" for r in result.results if str(r.status) in ("error", "fail")]
    assert result.success, failed
    c = duckdb.connect(str(db), read_only=True)
    yield c
    c.close()


def rows_of(con, sql, params=()):
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def fct(con, period):
    return {r["service_id"]: r for r in rows_of(
        con, "select * from marts.fct_cloud_services where period = ?", [period])}


def register(peildatum: dt.date) -> dict[str, int]:
    counts = {"rijksdienst": 0, "zbo": 0, "totaal": 0}
    with open(PROJECT_DIR / "seeds" / "organisations.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            start = dt.date.fromisoformat(row["valid_from"])
            end = dt.date.fromisoformat(row["valid_to"]) if row["valid_to"] else None
            if start <= peildatum and (end is None or end > peildatum) and row["in_rijksbreed_totals"] == "true":
                rijk, zbo = row["in_cloud_policy_scope"] == "true", row["org_type"] == "zbo"
                counts["rijksdienst"] += rijk
                counts["zbo"] += zbo
                counts["totaal"] += rijk or zbo
    return counts


def test_every_flag_is_true_or_false(spec_con):
    nulls = spec_con.execute(
        "select count(*) from marts.fct_cloud_services where " + " or ".join(f"{f} is null" for f in FLAGS)
    ).fetchone()[0]
    assert nulls == 0


def test_vendor_validity_on_the_peildatum(spec_con):
    q3 = fct(spec_con, "2018-Q3")
    assert (q3["A1"]["vendor"], q3["A1"]["vendor_concern"], q3["A1"]["vendor_country"]) == ("GitHub", None, None)
    assert (q3["A2"]["vendor"], q3["A2"]["vendor_concern"]) == ("Mendix", None)
    assert (q3["A2"]["provider"], q3["A2"]["provider_concern"], q3["A2"]["provider_country"]) == ("GitHub", None, None)
    assert (q3["A3"]["vendor"], q3["A3"]["vendor_concern"], q3["A3"]["vendor_country"]) == ("LinkedIn", "Microsoft", "US")
    assert [q3[s]["us_direct"] or q3[s]["us_indirect"] for s in ("A1", "A2", "A3")] == [False, False, True]
    q4 = fct(spec_con, "2018-Q4")
    assert (q4["B1"]["vendor"], q4["B1"]["vendor_concern"], q4["B1"]["vendor_country"]) == ("GitHub", "Microsoft", "US")
    assert (q4["B2"]["vendor"], q4["B2"]["vendor_concern"], q4["B2"]["vendor_country"]) == ("Mendix", "Siemens", "DE")
    assert fct(spec_con, "2021-Q2")["C1"]["vendor_concern"] is None
    c2 = fct(spec_con, "2021-Q2")["C2"]
    assert (c2["location"], c2["in_eer"]) == ("non_eea", False)
    c1 = fct(spec_con, "2021-Q3")["C1"]
    assert (c1["vendor"], c1["vendor_concern"], c1["vendor_country"], c1["us_direct"]) == ("Slack", "Salesforce", "US", True)


def test_non_breaking_space_is_white_space_in_the_alias_key(spec_con):
    b3 = fct(spec_con, "2021-Q3")["B3"]
    assert (b3["vendor"], b3["vendor_concern"]) == ("Microsoft", "Microsoft")


def test_vendor_resolution_and_provider(spec_con):
    got = fct(spec_con, "2024-Q2")
    # one unknown vendor for the key 'zorg cloud bv': the spelling used most (2 of 5)
    assert {got[s]["vendor"] for s in ("I1", "I2", "I3", "I4")} == {"Zorg Cloud BV"}
    assert fct(spec_con, "2024-Q2")["I1"]["vendor_concern"] is None
    assert one_value(spec_con, "select vendor from marts.fct_cloud_services where service_id = 'K1'"
                               " and period = '2024-Q2'") == "Zorg Cloud BV"
    assert got["I5"]["vendor"] == "Microsoft"  # double space and trailing comma
    assert (got["I6"]["vendor"], got["I6"]["vendor_concern"]) == ("Microsof", None)  # no fuzzy matching
    assert (got["I2"]["provider"], got["I2"]["provider_concern"], got["I2"]["provider_country"]) == (
        "Amazon Web Services", "Amazon", "US")
    assert (got["I3"]["provider"], got["I3"]["provider_concern"], got["I3"]["provider_country"]) == (
        "Zorg Cloud BV", None, None)  # empty provider: the vendor's values
    assert (got["I14"]["provider"], got["I14"]["provider_country"], got["I14"]["vendor_country"]) == (
        "Microsoft", "US", "DE")
    assert (got["I5"]["provider"], got["I5"]["provider_concern"]) == ("Microsoft", "Microsoft")
    # 2024-Q3: 'Beta Host' 1 x, 'beta host' 1 x in current submissions (the replaced file does not count)
    q3 = fct(spec_con, "2024-Q3")
    assert q3["J2"]["vendor"] == q3["L1"]["vendor"] == "Beta Host"


def one_value(con, sql, params=()):
    rows = con.execute(sql, params).fetchall()
    assert len(rows) == 1, rows
    return rows[0][0]


def test_location_and_flags(spec_con):
    got = fct(spec_con, "2024-Q2")
    expected_location = {"I1": "eea", "I2": "non_eea", "I3": "unknown", "I4": "nl", "I5": "non_eea", "I6": "nl",
                         "I7": "nl", "I8": "eea", "I9": "non_eea", "I10": "eea", "I11": "nl", "I12": "eea"}
    assert {s: got[s]["location"] for s in expected_location} == expected_location
    assert {s: got[s]["in_eer"] for s in ("I1", "I2", "I3", "I4")} == {"I1": True, "I2": False, "I3": False, "I4": True}
    migrations = {s for s, r in got.items() if r["is_foreign_migration"]}
    assert migrations == {"I4", "I8"}
    assert (got["I2"]["us_direct"], got["I2"]["us_indirect"], got["I2"]["us_dependent"]) == (False, True, True)
    assert (got["I5"]["us_direct"], got["I5"]["us_indirect"], got["I5"]["us_dependent"]) == (True, False, True)
    assert (got["I14"]["us_direct"], got["I14"]["us_indirect"]) == (False, True)
    assert got["I5"]["is_materieel"] is True  # migrating counts as active
    assert got["I13"]["is_active"] is False


IND_Q2 = dict(
    org_name="Immigratie- en Naturalisatiedienst", org_type="agentschap", ministry_code="JENV",
    active_services=9, public_services=7, materieel_services=4, materieel_us_direct=1, materieel_us_indirect=2,
    materieel_us_without_fallback=2, materieel_us_without_exit=2, materieel_us_without_fallback_and_exit=2,
    materieel_us_without_risk_assessment=2, active_us_dependent=4, personal_data_services=5, personal_data_nl=1,
    personal_data_eea=1, personal_data_non_eea=2, personal_data_unknown=1, special_data_outside_eer=2,
    bbn3_public=1, private_or_hybrid_services=1, unknown_type_services=1, materieel_without_risk_assessment=3,
    materieel_big_three=1, public_eer_vendor=2, foreign_migrations=2, reconsidered_services=3,
    annual_cost_public_eur=Decimal("185.50"), share_materieel_us=0.75,
)
KADASTER_Q2 = dict(
    org_type="zbo", ministry_code="BZK",
    active_services=2, public_services=2, materieel_services=2, materieel_us_direct=1, materieel_us_indirect=0,
    materieel_us_without_fallback=1, materieel_us_without_exit=0, materieel_us_without_fallback_and_exit=0,
    materieel_us_without_risk_assessment=1, active_us_dependent=1, personal_data_services=0, personal_data_nl=0,
    personal_data_eea=0, personal_data_non_eea=0, personal_data_unknown=0, special_data_outside_eer=0,
    bbn3_public=0, private_or_hybrid_services=0, unknown_type_services=0, materieel_without_risk_assessment=2,
    materieel_big_three=1, public_eer_vendor=0, foreign_migrations=0, reconsidered_services=0,
    annual_cost_public_eur=Decimal("200"), share_materieel_us=0.5,
)
ZERO = {k: 0 for k in IND_Q2 if k not in ("org_name", "org_type", "ministry_code", "share_materieel_us")}


@pytest.mark.parametrize(("period", "org", "expected"), [
    ("2024-Q2", "IND", IND_Q2),
    ("2024-Q2", "KADASTER", KADASTER_Q2),
    ("2024-Q2", "DEF", dict(ministry_code="DEF", materieel_services=1, annual_cost_public_eur=5000)),
    ("2024-Q3", "IND", dict(ministry_code="AENM", materieel_services=2, annual_cost_public_eur=0)),
    ("2024-Q3", "KADASTER", dict(ministry_code="VRO", materieel_services=1)),
    ("2024-Q3", "KGG", dict(ZERO, org_type="ministerie", ministry_code="KGG", share_materieel_us=None)),
    ("2024-Q3", "AENM", dict(ministry_code="AENM", materieel_services=1, annual_cost_public_eur=0)),
])
def test_org_metrics(spec_con, period, org, expected):
    got = rows_of(spec_con, "select * from marts.org_metrics where period = ? and org_code = ?", [period, org])
    assert len(got) == 1
    got = got[0]
    for k, v in expected.items():
        assert got[k] == (pytest.approx(v) if isinstance(v, float) else v), k


def test_resubmissions_and_periods(spec_con):
    keys = spec_con.execute("select period, org_code, count(*) from marts.org_metrics group by all order by 1, 2"
                            ).fetchall()
    assert [(p, o) for p, o, _ in keys] == [
        ("2018-Q3", "IND"), ("2018-Q4", "IND"), ("2021-Q2", "SVB"), ("2021-Q3", "SVB"),
        ("2024-Q2", "DEF"), ("2024-Q2", "IND"), ("2024-Q2", "KADASTER"),
        ("2024-Q3", "AENM"), ("2024-Q3", "DEF"), ("2024-Q3", "IND"), ("2024-Q3", "KADASTER"), ("2024-Q3", "KGG"),
        ("2024-Q4", "SVB"), ("2025-Q1", "SVB")]
    aenm = spec_con.execute("select service_id, submission_id from marts.fct_cloud_services"
                            " where org_code = 'AENM'").fetchall()
    assert aenm == [("M1", 12)]


def test_scope_metrics(spec_con):
    got = {(r["period"], r["scope"]): r for r in rows_of(spec_con, "select * from marts.scope_metrics")}
    assert len(got) == 8 * 3
    q2, q3 = register(dt.date(2024, 6, 30)), register(dt.date(2024, 9, 30))
    for scope in ("rijksdienst", "zbo", "totaal"):
        assert got[("2024-Q2", scope)]["organisations_expected"] == q2[scope]
        assert got[("2024-Q3", scope)]["organisations_expected"] == q3[scope]
    assert q3["rijksdienst"] == q2["rijksdienst"] + 3  # KGG, VRO, AENM
    r, z, t = (got[("2024-Q2", s)] for s in ("rijksdienst", "zbo", "totaal"))
    assert (r["organisations"], z["organisations"], t["organisations"]) == (1, 1, 2)
    for name, value in IND_Q2.items():
        if name in ("org_name", "org_type", "ministry_code", "share_materieel_us"):
            continue
        assert r[name] == value, name
        assert z[name] == KADASTER_Q2[name], name
        assert t[name] == value + KADASTER_Q2[name], name
    assert t["share_materieel_us"] == pytest.approx(4 / 6)
    assert r["share_personal_data_in_eer"] == pytest.approx(2 / 5)
    assert z["share_personal_data_in_eer"] is None  # 0 personal data services
    assert r["share_public_eer_vendor"] == pytest.approx(2 / 7)
    assert t["share_public_eer_vendor"] == pytest.approx(2 / 9)
    r3, z3, t3 = (got[("2024-Q3", s)] for s in ("rijksdienst", "zbo", "totaal"))
    assert (r3["organisations"], z3["organisations"], t3["organisations"]) == (3, 1, 4)  # KGG nil return counts
    assert (r3["materieel_services"], z3["materieel_services"], t3["materieel_services"]) == (3, 1, 4)
    assert t3["annual_cost_public_eur"] == 0
    # Defensie in no figure
    assert t["annual_cost_public_eur"] == Decimal("385.50")


def test_vendor_share(spec_con):
    got = {(r["layer"], r["concern"]): r for r in rows_of(
        spec_con, "select * from marts.vendor_share where period = '2024-Q2' and scope = 'totaal'")}
    vendor = {c: r for (layer, c), r in got.items() if layer == "vendor"}
    assert {c: r["services"] for c, r in vendor.items()} == {
        "Zorg Cloud BV": 4, "Microsoft": 1, "Visma": 1, "Proton": 1, "Siemens": 1, "Alphabet": 1}
    zorg = vendor["Zorg Cloud BV"]
    assert (zorg["organisations"], zorg["annual_cost_eur"], zorg["country"]) == (2, Decimal("215"), None)
    assert zorg["share_services"] == pytest.approx(4 / 9)
    assert zorg["share_cost"] == pytest.approx(215 / 385.5)
    assert vendor["Visma"]["annual_cost_eur"] == 0 and vendor["Visma"]["share_cost"] == 0
    assert (vendor["Siemens"]["country"], vendor["Microsoft"]["country"]) == ("DE", "US")
    provider = {c: r["services"] for (layer, c), r in got.items() if layer == "provider"}
    assert provider == {"Zorg Cloud BV": 3, "Microsoft": 2, "Amazon": 1, "Visma": 1, "Proton": 1, "Alphabet": 1}
    # total cost 0 -> share_cost NULL
    q3 = rows_of(spec_con, "select * from marts.vendor_share where period = '2024-Q3' and scope = 'totaal'")
    assert q3 and all(r["share_cost"] is None for r in q3)
    beta = [r for r in q3 if r["concern"] == "Beta Host" and r["layer"] == "vendor"]
    assert [(r["services"], r["organisations"], r["share_services"]) for r in beta] == [(2, 2, 0.5)]
    # Defensie in no scope
    assert spec_con.execute("select sum(services) from marts.vendor_share where period = '2024-Q3'"
                            " and layer = 'vendor' and scope = 'totaal'").fetchone()[0] == 4


def test_concentration(spec_con):
    got = {(r["period"], r["scope"], r["layer"]): r for r in rows_of(spec_con, "select * from marts.concentration")}
    v = got[("2024-Q2", "totaal", "vendor")]
    assert v["hhi"] == pytest.approx(210000 / 81)
    assert (v["cr1"], v["cr3"], v["us_share"]) == (pytest.approx(4 / 9), pytest.approx(6 / 9), pytest.approx(2 / 9))
    assert v["top_concern"] == "Zorg Cloud BV"
    p = got[("2024-Q2", "totaal", "provider")]
    assert p["hhi"] == pytest.approx(170000 / 81)
    assert (p["cr1"], p["cr3"], p["us_share"]) == (pytest.approx(3 / 9), pytest.approx(6 / 9), pytest.approx(4 / 9))
    r3 = got[("2024-Q3", "rijksdienst", "vendor")]  # Alphabet, Beta Host, KPN: 1 each
    assert r3["top_concern"] == "Alphabet"  # ties: by name
    assert r3["hhi"] == pytest.approx(3 * (100 / 3) ** 2)
    assert (r3["cr1"], r3["cr3"], r3["us_share"]) == (pytest.approx(1 / 3), pytest.approx(1.0), pytest.approx(1 / 3))
    z3 = got[("2024-Q3", "zbo", "vendor")]
    assert (z3["top_concern"], z3["hhi"], z3["cr1"], z3["cr3"], z3["us_share"]) == ("Beta Host", 10000, 1, 1, 0)
    assert got[("2018-Q3", "totaal", "vendor")]["us_share"] == pytest.approx(1 / 3)  # GitHub not yet US


def test_migrations_and_reconsidered(spec_con):
    fm = rows_of(spec_con, "select * from marts.foreign_migrations where period = '2024-Q2' order by service_id")
    assert [(r["service_id"], r["org_code"], r["ministry_code"], r["vendor"], r["vendor_concern"], r["vendor_country"],
             r["status"], r["location"], r["reconsidered"], r["service_model"]) for r in fm] == [
        ("I4", "IND", "JENV", "Zorg Cloud BV", None, None, "planned", "nl", None, "saas"),
        ("I8", "IND", "JENV", "TOPdesk", "TOPdesk", "NL", "planned", "eea", "no", "saas")]
    for col in ("period", "org_code", "ministry_code", "service_id", "service_name", "vendor", "vendor_concern",
                "vendor_country", "service_model", "status", "location", "start_date", "reconsidered"):
        assert col in fm[0]
    rs = rows_of(spec_con, "select * from marts.reconsidered_services where period = '2024-Q2' order by service_id")
    assert [(r["service_id"], r["vendor"], r["status"], r["reconsidered"], r["remarks"]) for r in rs] == [
        ("I13", "Amazon Web Services", "ended", "adjusted", "toelichting I13"),
        ("I6", "Microsof", "intended", "stopped", "toelichting I6"),
        ("I7", "TOPdesk", "planned", "continued", "toelichting I7")]
    assert "service_name" in rs[0]


def test_kpi_trend(spec_con):
    got = {(r["period"], r["scope"]): r for r in rows_of(spec_con, "select * from marts.kpi_trend")}
    assert len(got) == 8 * 3
    q1 = got[("2025-Q1", "zbo")]  # preceding quarter of 2025-Q1 is 2024-Q4
    assert (q1["previous_period"], q1["organisations"], q1["organisations_change"]) == ("2024-Q4", 1, 0)
    assert (q1["materieel_services_change"], q1["share_materieel_us_change"]) == (0, None)
    q4 = got[("2024-Q4", "zbo")]
    assert (q4["previous_period"], q4["organisations_change"], q4["materieel_services_change"]) == ("2024-Q3", 0, -1)
    kpis = ["organisations", "materieel_services", "share_materieel_us", "share_personal_data_in_eer",
            "hhi_vendor", "share_public_eer_vendor", "foreign_migrations"]
    for scope in ("rijksdienst", "zbo", "totaal"):
        for period in ("2018-Q3", "2021-Q2", "2024-Q2"):  # preceding quarter not loaded
            assert all(got[(period, scope)][f"{k}_change"] is None for k in kpis), (period, scope)
    r = got[("2024-Q3", "rijksdienst")]
    assert (r["organisations"], r["organisations_change"]) == (3, 2)
    assert (r["materieel_services"], r["materieel_services_change"]) == (3, -1)
    assert r["share_materieel_us_change"] == pytest.approx(1 / 3 - 0.75)
    assert r["foreign_migrations_change"] == -2
    assert r["hhi_vendor"] == pytest.approx(10000 / 3)
    assert r["share_personal_data_in_eer_change"] is None  # 0 personal data services in 2024-Q3
    r = got[("2018-Q4", "rijksdienst")]  # 2018-Q3: 3 materieel, 1 US (LinkedIn); 2018-Q4: 2 materieel, 1 US (GitHub)
    assert (r["materieel_services_change"], r["share_materieel_us_change"]) == (-1, pytest.approx(1 / 2 - 1 / 3))
    s = got[("2021-Q3", "zbo")]  # Slack becomes Salesforce (US)
    assert s["share_materieel_us_change"] == pytest.approx(1.0)


SPEC_COLUMNS = {
    "fct_cloud_services": """period peildatum org_code org_name org_type ministry_code in_cloud_policy_scope
        in_rijksbreed_totals template_version service_id service_name vendor_raw vendor vendor_concern vendor_country
        provider_raw provider provider_concern provider_country service_model cloud_type process location_declared
        countries location personal_data bbn status reconsidered start_date exit_strategy fallback
        last_risk_assessment annual_cost_eur is_active is_public is_materieel us_direct us_indirect us_dependent
        in_eer is_foreign_migration source_file source_row submission_id""",
    "org_metrics": " ".join(IND_Q2) + " period org_code",
    "scope_metrics": " ".join(k for k in IND_Q2 if k not in ("org_name", "org_type", "ministry_code"))
    + " period scope organisations organisations_expected share_personal_data_in_eer share_public_eer_vendor",
    "vendor_share": "period scope layer concern services share_services organisations annual_cost_eur share_cost country",
    "concentration": "period scope layer hhi cr1 cr3 top_concern us_share",
    "foreign_migrations": """period org_code ministry_code service_id service_name vendor vendor_concern
        vendor_country service_model status location start_date reconsidered""",
    "reconsidered_services": "period org_code service_id service_name vendor status reconsidered remarks",
    "kpi_trend": """period scope organisations materieel_services share_materieel_us share_personal_data_in_eer
        hhi_vendor share_public_eer_vendor foreign_migrations""",
}


@pytest.mark.parametrize("table", sorted(SPEC_COLUMNS))
def test_spec_columns_present(spec_con, table):
    cols = {r[0] for r in spec_con.execute(
        "select column_name from information_schema.columns where table_schema = 'marts' and table_name = ?",
        [table]).fetchall()}
    assert set(SPEC_COLUMNS[table].split()) - cols == set()
