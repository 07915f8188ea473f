"""A small, consistent fixture warehouse for the data-quality tests, built with SQL.

Two periods (2025-Q2, 2025-Q3). Files: UWV and BZK accepted in both periods; in 2025-Q3
UWV has one rejected row and a warning, SVB's file is rejected as a whole (its two rows
rejected), UWV's file arrives a second time (duplicate). Marts are computed here with
their own SQL (not the checks' SQL), so the reconciliation is a real comparison.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from ingest.tables import ensure_tables

REPO = Path(__file__).resolve().parents[2]

FILES = [
    # file_id, file_name, org, period, peildatum, status, message, total, accepted, rejected, skipped
    (1, "UWV_2025-Q2.xlsx", "UWV", "2025-Q2", "2025-06-30", "accepted", None, 3, 3, 0, 0),
    (2, "BZK_2025-Q2.xlsx", "BZK", "2025-Q2", "2025-06-30", "accepted", None, 2, 2, 0, 0),
    (3, "UWV_2025-Q3.xlsx", "UWV", "2025-Q3", "2025-09-30", "accepted", None, 5, 3, 1, 1),
    (4, "BZK_2025-Q3.xlsx", "BZK", "2025-Q3", "2025-09-30", "accepted", None, 2, 2, 0, 0),
    (5, "SVB_2025-Q3.xlsx", "SVB", "2025-Q3", "2025-09-30", "rejected",
     "SVB_2025-Q3.xlsx: alle rijen zijn afgewezen; het bestand is niet verwerkt", 2, 0, 2, 0),
    (6, "UWV_2025-Q3 (kopie).xlsx", "UWV", "2025-Q3", "2025-09-30", "duplicate",
     "UWV_2025-Q3 (kopie).xlsx: dit bestand is al eerder ontvangen", 0, 0, 0, 0),
]

# file_id, row, service_id, name, vendor_raw, provider_raw, model, cloud_type, process, location,
# personal_data, bbn, status, reconsidered, start_date, exit, fallback, last_risk, cost
ROWS = [
    (1, 2, "U-1", "Kantoorsuite", "Microsoft", None, "saas", "public", "primary", "eea", "regular", 2,
     "in_use", "no", "2020-01-01", True, False, "2025-01-10", 1000),
    (1, 3, "U-2", "Boekhouding", "Exact", None, "saas", "public", "supporting", "nl", "none", 1,
     "in_use", "no", None, True, True, None, 200),
    (1, 4, "U-3", "Oude opslag", "AWS", None, "iaas", "public", "primary", "eea", "none", 2,
     "in_use", "no", None, False, False, None, 300),
    (2, 2, "B-1", "Samenwerken", "Microsoft", None, "saas", "public", "primary", "eea", "regular", 2,
     "in_use", "no", None, False, False, None, 500),
    (2, 3, "B-2", "Website", "Exact", None, "saas", "private", "supporting", "nl", "none", 1,
     "ended", "no", None, True, True, None, None),
    (3, 2, "U-1", "Kantoorsuite", "Microsoft", None, "saas", "public", "primary", "eea", "regular", 2,
     "in_use", "no", "2020-01-01", True, False, "2025-01-10", 1100),
    (3, 3, "U-2", "Boekhouding", "Exact", None, "saas", "public", "supporting", "nl", "none", 1,
     "in_use", "no", None, True, True, None, 200),
    (3, 5, "U-4", "Zaaksysteem", "Onbekende Leverancier BV", None, "saas", "public", "primary", "nl",
     "special", 3, "planned", None, "2026-01-01", False, False, None, None),
    (4, 2, "B-1", "Samenwerken", "Microsoft", None, "saas", "public", "primary", "eea", "regular", 2,
     "in_use", "no", None, False, False, None, 600),
    (4, 3, "B-3", "Planning", "AWS", None, "paas", "public", "primary", "non_eea", "special", 3,
     "migrating", "no", None, True, False, None, 50),
]

REJECTED = [
    # file_id, sheet, row, column, value, code, message
    (3, "Clouddiensten", 4, "Status", "Actief", "invalid_value",
     "UWV_2025-Q3.xlsx, blad Clouddiensten, rij 4, kolom 'Status': 'Actief' is geen geldige waarde "
     "(kies uit: In gebruik, In migratie, Gepland, Voorgenomen, Beëindigd)"),
    (5, "Clouddiensten", 2, "Dienst-ID", "=HYPERLINK(\"http://x\")", "duplicate_service_id",
     "SVB_2025-Q3.xlsx, blad Clouddiensten, rij 2, kolom 'Dienst-ID': '=HYPERLINK(\"http://x\")' komt meer dan eens voor"),
    (5, "Clouddiensten", 3, "Dienst-ID", "=HYPERLINK(\"http://x\")", "duplicate_service_id",
     "SVB_2025-Q3.xlsx, blad Clouddiensten, rij 3, kolom 'Dienst-ID': '=HYPERLINK(\"http://x\")' komt meer dan eens voor"),
]

WARNINGS = [
    (3, "Clouddiensten", 5, "Leverancier", "Onbekende Leverancier BV", "unknown_vendor",
     "UWV_2025-Q3.xlsx, blad Clouddiensten, rij 5, kolom 'Leverancier': 'Onbekende Leverancier BV' "
     "staat niet in de leverancierslijst"),
    (3, "Clouddiensten", 6, None, None, "row_skipped_empty",
     "UWV_2025-Q3.xlsx, blad Clouddiensten, rij 6: lege rij overgeslagen"),
]

CONTACTS = {
    "UWV": {"contact_name": "Jan <Jansen>", "contact_email": "jan.jansen@uwv.example"},
    "SVB": {"contact_name": "Sara Smit", "contact_email": "s.smit@svb.example"},
    "BZK": {"contact_name": "Bram Bakker", "contact_email": "b.bakker@bzk.example"},
}

MARTS_SQL = """
create schema if not exists marts;
create table marts.fct_cloud_services as
with cur as (
    select * from audit.files where status = 'accepted'
    qualify file_id = max(file_id) over (partition by org_code, period)
),
s as (
    select s.*, cur.peildatum, cur.file_name,
        coalesce(a.vendor, s.vendor_raw) as vendor
    from raw.service_rows as s
    join cur using (file_id)
    left join reference.vendor_aliases as a on lower(a.alias) = lower(s.vendor_raw)
)
select s.period, s.peildatum, s.org_code, o.org_name, o.org_type, o.ministry_code,
    o.in_cloud_policy_scope, o.in_rijksbreed_totals, s.template_version, s.service_id,
    s.service_name, s.vendor_raw, s.vendor, v.concern as vendor_concern, v.country as vendor_country,
    s.provider_raw, s.vendor as provider, v.concern as provider_concern, v.country as provider_country,
    s.service_model, s.cloud_type, s.process, s.location_declared, s.countries,
    s.location_declared as location, s.personal_data, s.bbn, s.status, s.reconsidered, s.start_date,
    s.exit_strategy, s.fallback, s.last_risk_assessment, s.annual_cost_eur,
    s.status in ('in_use', 'migrating') as is_active,
    s.cloud_type = 'public' as is_public,
    s.status in ('in_use', 'migrating') and s.cloud_type = 'public' and s.process = 'primary' as is_materieel,
    coalesce(v.country = 'US', false) as us_direct,
    false as us_indirect,
    coalesce(v.country = 'US', false) as us_dependent,
    s.location_declared in ('nl', 'eea') as in_eer,
    s.status in ('planned', 'intended') and s.cloud_type = 'public'
        and (coalesce(v.country, '') <> 'NL' or s.location_declared <> 'nl') as is_foreign_migration,
    s.file_name as source_file, s.row_number as source_row, s.file_id as submission_id
from s
join reference.organisations as o
    on o.org_code = s.org_code and o.valid_from <= s.peildatum
    and (o.valid_to is null or o.valid_to > s.peildatum)
left join reference.vendors as v
    on v.vendor = s.vendor and v.valid_from <= s.peildatum and (v.valid_to is null or v.valid_to > s.peildatum);

create table marts.org_metrics as
with cur as (
    select * from audit.files where status = 'accepted'
    qualify file_id = max(file_id) over (partition by org_code, period)
)
select cur.period, cur.org_code, o.org_name, o.org_type, o.ministry_code,
    cast(count(f.service_id) filter (where f.is_active) as bigint) as active_services,
    cast(count(f.service_id) filter (where f.is_active and f.is_public) as bigint) as public_services,
    cast(count(f.service_id) filter (where f.is_materieel) as bigint) as materieel_services,
    cast(count(f.service_id) filter (where f.is_materieel and f.us_direct) as bigint) as materieel_us_direct,
    cast(count(f.service_id) filter (where f.is_materieel and f.us_indirect) as bigint) as materieel_us_indirect,
    cast(count(f.service_id) filter (where f.is_active and f.personal_data <> 'none') as bigint) as personal_data_services,
    cast(count(f.service_id) filter (where f.is_foreign_migration) as bigint) as foreign_migrations,
    coalesce(sum(f.annual_cost_eur) filter (where f.is_active and f.is_public), 0) as annual_cost_public_eur,
    cast(count(f.service_id) filter (where f.is_materieel and f.us_direct) as double)
        / nullif(count(f.service_id) filter (where f.is_materieel), 0) as share_materieel_us
from cur
join reference.organisations as o on o.org_code = cur.org_code
left join marts.fct_cloud_services as f on f.period = cur.period and f.org_code = cur.org_code
group by all;

create table marts.scope_metrics as
with periods as (select distinct period from marts.org_metrics),
reg as (
    select p.period, o.org_code,
        case when o.in_cloud_policy_scope then 'rijksdienst' when o.org_type = 'zbo' then 'zbo' end as scope
    from periods as p join reference.organisations as o
        on o.valid_from <= last_day(make_date(cast(left(p.period, 4) as int), 3 * cast(right(p.period, 1) as int), 1))
        and (o.valid_to is null
             or o.valid_to > last_day(make_date(cast(left(p.period, 4) as int), 3 * cast(right(p.period, 1) as int), 1)))
    where o.in_rijksbreed_totals
),
scoped as (
    select period, scope, org_code from reg where scope is not null
    union all select period, 'totaal', org_code from reg where scope is not null
)
select x.period, x.scope,
    cast(count(m.org_code) as bigint) as organisations,
    cast(count(*) as bigint) as organisations_expected,
    cast(coalesce(sum(m.active_services), 0) as bigint) as active_services,
    cast(coalesce(sum(m.public_services), 0) as bigint) as public_services,
    cast(coalesce(sum(m.materieel_services), 0) as bigint) as materieel_services,
    cast(coalesce(sum(m.materieel_us_direct), 0) as bigint) as materieel_us_direct,
    cast(coalesce(sum(m.materieel_us_indirect), 0) as bigint) as materieel_us_indirect,
    cast(coalesce(sum(m.personal_data_services), 0) as bigint) as personal_data_services,
    cast(coalesce(sum(m.foreign_migrations), 0) as bigint) as foreign_migrations,
    coalesce(sum(m.annual_cost_public_eur), 0) as annual_cost_public_eur,
    cast(sum(m.materieel_us_direct) as double) / nullif(sum(m.materieel_services), 0) as share_materieel_us
from scoped as x
left join marts.org_metrics as m on m.period = x.period and m.org_code = x.org_code
group by all;

create table marts.concentration as
select period, 'totaal' as scope, 'vendor' as layer,
    max(n) / sum(n) as cr1, cast(count(*) as bigint) as concerns
from (select period, coalesce(vendor_concern, vendor) as concern, count(*) as n
      from marts.fct_cloud_services where is_active and is_public group by all)
group by all;
"""


def build_warehouse(path: Path) -> None:
    con = duckdb.connect(str(path))
    try:
        ensure_tables(con)
        con.execute("create schema reference")
        for seed in ("organisations", "vendors", "vendor_aliases", "countries"):
            con.execute(
                f"create table reference.{seed} as select * from read_csv(?, header = true, "
                "types = {'valid_from': 'DATE', 'valid_to': 'DATE'})"
                if seed in ("organisations", "vendors")
                else f"create table reference.{seed} as select * from read_csv(?, header = true)",
                [str(REPO / "seeds" / f"{seed}.csv")],
            )
        for f in FILES:
            con.execute(
                "insert into audit.files values (?, ?, ?, 100, timestamp '2025-10-01 09:00', 'run-1', ?, ?, ?, "
                "'2025.1', ?, ?, ?, ?, ?, ?)",
                [f[0], f[1], f"sha{f[0]}", *f[2:]],
            )
        con.execute(
            "insert into audit.batch_runs (run_id, command, period, started_at) "
            "values ('run-1', 'run', '2025-Q3', timestamp '2025-10-01 09:00')"
        )
        for r in ROWS:
            file_id = r[0]
            org, period = next((f[2], f[3]) for f in FILES if f[0] == file_id)
            con.execute(
                "insert into raw.service_rows values (?, 'Clouddiensten', ?, ?, ?, '2025.1', ?, ?, ?, ?, ?, ?, ?, ?, "
                "null, [], ?, ?, ?, ?, ?, ?, ?, ?, ?, null)",
                [file_id, r[1], org, period, *r[2:10], r[10], r[11], r[12], r[13], r[14], r[15], r[16], r[17], r[18]],
            )
        for table, rows in (("rejected_rows", REJECTED), ("warnings", WARNINGS)):
            for r in rows:
                con.execute(f"insert into audit.{table} values (?, ?, ?, ?, ?, ?, ?, ['a', 'b'])", list(r))
        con.execute(MARTS_SQL)
    finally:
        con.close()


@pytest.fixture(scope="session")
def fixture_warehouse(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("quality") / "warehouse.duckdb"
    build_warehouse(path)
    return path


@pytest.fixture(scope="session")
def consistent_report(fixture_warehouse):
    """run_checks on the consistent warehouse for 2025-Q3 (shared: GX runs take a second)."""
    from expectations.run import run_checks

    con = duckdb.connect(str(fixture_warehouse), read_only=True)
    try:
        return run_checks(con, "2025-Q3")
    finally:
        con.close()


@pytest.fixture
def warehouse_copy(fixture_warehouse, tmp_path) -> Path:
    """A private, writable copy of the fixture warehouse (to break deliberately)."""
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(fixture_warehouse, copy)
    return copy


@pytest.fixture(scope="session")
def contacts() -> dict[str, dict]:
    return CONTACTS


@pytest.fixture(scope="session")
def bad_rows_report(fixture_warehouse, tmp_path_factory):
    """A warehouse whose UWV 2025-Q3 row 3 has a bad status, a negative amount and an absurd
    start date (ingest should never let these through): (report, warehouse path)."""
    from expectations.run import run_checks

    path = tmp_path_factory.mktemp("bad-rows") / "warehouse.duckdb"
    shutil.copy(fixture_warehouse, path)
    con = duckdb.connect(str(path))
    try:
        con.execute(
            "update raw.service_rows set status = 'actief', annual_cost_eur = -5, start_date = date '1899-05-01' "
            "where file_id = 3 and service_id = 'U-2'"
        )
        return run_checks(con, "2025-Q3"), path
    finally:
        con.close()
