"""A small fixture warehouse: reference seeds, the `marts` tables of metrics.md computed from a
handful of service rows (with hostile names), and the `rpt_` models of models/reports/ run on it
(their `ref()`s resolved to schema-qualified names)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ("organisations", "countries", "vendors", "vendor_aliases")
NASTY = "=cmd|' /C calc'!A0"
SCRIPT = "<script>alert('x')</script> & co"
TYPST = "*bold* #set page(width: 1cm) $x$ \\ [a] `b` <l> @ref"

# period, org, service_id, service_name, vendor, concern, country, provider_concern, provider_country,
# cloud_type, process, status, location, personal_data, fallback, exit_strategy, risk_date, cost, reconsidered
SERVICES = [
    ("2025-Q3", "BZK", "S1", "Mail", "Microsoft", "Microsoft", "US", None, None, "public", "primary", "in_use", "eea", "regular", False, False, None, 1000000.50, None),
    ("2025-Q3", "BZK", "S2", NASTY, "Leverancier | BV", None, None, "Amazon", "US", "public", "primary", "in_use", "nl", "special", True, False, date(2025, 1, 1), 250.00, None),
    ("2025-Q3", "LOGIUS", "L1", SCRIPT, "Google", "Alphabet", "US", None, None, "public", "primary", "planned", "non_eea", "special", False, True, None, None, "continued"),
    ("2025-Q3", "LOGIUS", "L2", TYPST, "Nextcloud", "Nextcloud", "DE", None, None, "public", "supporting", "in_use", "eea", "none", True, True, None, 10.0, None),
    ("2025-Q3", "BD", "B1", "Aangifte", "Microsoft", "Microsoft", "US", None, None, "public", "primary", "in_use", "unknown", "regular", False, False, None, 5000, "stopped"),
    ("2025-Q3", "UWV", "U1", "-Uitkering", "Salesforce", "Salesforce", "US", None, None, "public", "primary", "migrating", "non_eea", "special", False, False, None, 300, None),
    ("2025-Q3", "KADASTER", "K1", "@Kaart", "Esri", "Esri", "US", None, None, "public", "primary", "intended", "nl", "none", False, False, None, 0, "adjusted"),
    ("2025-Q3", "BZK", "S3", NASTY, TYPST, None, None, None, None, "public", "primary", "planned", "eea", "none", False, False, None, None, "adjusted"),
    ("2025-Q3", "UWV", "U2", "+31 Uitkering", SCRIPT, "Salesforce", "US", None, None, "public", "primary", "intended", "non_eea", "special", False, False, None, None, None),
    ("2025-Q3", "DEF", "D1", "Geheim", "Microsoft", "Microsoft", "US", None, None, "public", "primary", "in_use", "eea", "regular", False, False, None, 99, None),
    ("2025-Q2", "BZK", "S1", "Mail", "Microsoft", "Microsoft", "US", None, None, "public", "primary", "in_use", "eea", "regular", False, False, None, 1000000.50, None),
    ("2025-Q2", "LOGIUS", "L1", SCRIPT, "Google", "Alphabet", "US", None, None, "public", "primary", "planned", "non_eea", "special", False, True, None, None, "continued"),
] + [
    ("2025-Q3", "RWS", f"R{i}", f"Dienst {i}", f"Leverancier {i:02d}", f"Concern {i:02d}", "NL", None, None, "public", "primary", "in_use", "nl", "none", True, True, date(2025, 1, 1), 1, None)
    for i in range(12)
]

FCT_SQL = """
create table marts.fct_cloud_services as
select s.*, '2025-09-30'::date as peildatum, r.org_name, r.org_type, r.ministry_code, r.in_cloud_policy_scope, r.in_rijksbreed_totals,
    'SaaS' as service_model_label, 'saas' as service_model, null::date as start_date, 'Opmerking van Jan Jansen' as remarks,
    coalesce(s.provider_concern, s.vendor_concern) as provider_concern2,
    coalesce(s.provider_country, s.vendor_country) as provider_country2,
    s.status in ('in_use', 'migrating') as is_active,
    s.cloud_type = 'public' as is_public,
    s.status in ('in_use', 'migrating') and s.cloud_type = 'public' and s.process = 'primary' as is_materieel,
    coalesce(s.vendor_country = 'US', false) as us_direct,
    coalesce(s.vendor_country, '') <> 'US' and coalesce(s.provider_country, s.vendor_country, '') = 'US' as us_indirect,
    s.location in ('nl', 'eea') as in_eer,
    s.status in ('planned', 'intended') and coalesce(s.reconsidered, '') <> 'stopped' and s.cloud_type = 'public'
        and (coalesce(s.vendor_country, '') <> 'NL' or s.location <> 'nl') as is_foreign_migration
from services s join marts.rpt_register_base r using (period, org_code)
"""

ORG_METRICS_SQL = """
create table marts.org_metrics as
select period, org_code, any_value(org_name) as org_name, any_value(org_type) as org_type, any_value(ministry_code) as ministry_code,
    any_value(in_cloud_policy_scope) as in_cloud_policy_scope, any_value(in_rijksbreed_totals) as in_rijksbreed_totals,
    count(*) filter (is_active) as active_services,
    count(*) filter (is_active and is_public) as public_services,
    count(*) filter (is_materieel) as materieel_services,
    count(*) filter (is_materieel and us_direct) as materieel_us_direct,
    count(*) filter (is_materieel and us_indirect) as materieel_us_indirect,
    count(*) filter (is_materieel and (us_direct or us_indirect) and not fallback) as materieel_us_without_fallback,
    count(*) filter (is_materieel and (us_direct or us_indirect) and not exit_strategy) as materieel_us_without_exit,
    count(*) filter (is_materieel and (us_direct or us_indirect) and not fallback and not exit_strategy) as materieel_us_without_fallback_and_exit,
    count(*) filter (is_materieel and (us_direct or us_indirect) and last_risk_assessment is null) as materieel_us_without_risk_assessment,
    count(*) filter (is_active and (us_direct or us_indirect)) as active_us_dependent,
    count(*) filter (is_active and personal_data <> 'none') as personal_data_services,
    count(*) filter (is_active and personal_data <> 'none' and location = 'nl') as personal_data_nl,
    count(*) filter (is_active and personal_data <> 'none' and location = 'eea') as personal_data_eea,
    count(*) filter (is_active and personal_data <> 'none' and location = 'non_eea') as personal_data_non_eea,
    count(*) filter (is_active and personal_data <> 'none' and location = 'unknown') as personal_data_unknown,
    count(*) filter (is_active and personal_data = 'special' and location in ('non_eea', 'unknown')) as special_data_outside_eer,
    count(*) filter (is_active and is_public and vendor_country in ('NL', 'DE')) as public_eer_vendor,
    count(*) filter (is_foreign_migration) as foreign_migrations,
    coalesce(sum(annual_cost_eur) filter (is_active and is_public), 0) as annual_cost_public_eur
from marts.fct_cloud_services group by all
"""


def _counts(prefix: str = "") -> str:
    cols = [
        "active_services", "public_services", "materieel_services", "materieel_us_direct", "materieel_us_indirect",
        "materieel_us_without_fallback", "materieel_us_without_exit", "materieel_us_without_fallback_and_exit",
        "materieel_us_without_risk_assessment", "active_us_dependent", "personal_data_services", "personal_data_nl",
        "personal_data_eea", "personal_data_non_eea", "personal_data_unknown", "special_data_outside_eer",
        "public_eer_vendor", "foreign_migrations", "annual_cost_public_eur",
    ]
    return ", ".join(f"sum({c}) as {c}" for c in cols)


def build_fixture_warehouse(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute("create schema reference; create schema marts")
    for seed in SEEDS:
        con.execute(f"create table reference.{seed} as select * from read_csv('{ROOT / 'seeds' / (seed + '.csv')}', header=true)")
    con.execute(
        "create table services (period varchar, org_code varchar, service_id varchar, service_name varchar, vendor varchar,"
        " vendor_concern varchar, vendor_country varchar, provider_concern varchar, provider_country varchar, cloud_type varchar,"
        " process varchar, status varchar, location varchar, personal_data varchar, fallback boolean, exit_strategy boolean,"
        " last_risk_assessment date, annual_cost_eur decimal(18,2), reconsidered varchar)"
    )
    con.executemany("insert into services values (" + ", ".join(["?"] * 19) + ")", SERVICES)
    con.execute("create table marts.scope_metrics as select distinct period, 'totaal' as scope from services")
    con.execute("create table marts.org_metrics (period varchar, org_code varchar)")
    run_model(con, "rpt_register", name="rpt_register_base")
    con.execute(FCT_SQL)
    con.execute("alter table marts.fct_cloud_services drop column provider_concern; alter table marts.fct_cloud_services drop column provider_country")
    con.execute("alter table marts.fct_cloud_services rename provider_concern2 to provider_concern; alter table marts.fct_cloud_services rename provider_country2 to provider_country")
    con.execute("alter table marts.fct_cloud_services add column provider varchar; update marts.fct_cloud_services set provider = coalesce(provider_concern, vendor)")
    con.execute("drop table marts.org_metrics")
    con.execute(ORG_METRICS_SQL)
    con.execute("drop table marts.scope_metrics")
    con.execute(
        f"""create table marts.scope_metrics as
        with s as (
          select period, 'rijksdienst' as scope, * exclude (period) from marts.org_metrics where in_cloud_policy_scope and in_rijksbreed_totals
          union all select period, 'zbo', * exclude (period) from marts.org_metrics where org_type = 'zbo' and in_rijksbreed_totals
          union all select period, 'totaal', * exclude (period) from marts.org_metrics where in_rijksbreed_totals)
        select period, scope, count(*) as organisations,
            case scope when 'rijksdienst' then 25 when 'zbo' then 13 else 38 end as organisations_expected, {_counts()},
            (sum(materieel_us_direct) + sum(materieel_us_indirect)) / nullif(sum(materieel_services), 0) as share_materieel_us,
            (sum(personal_data_nl) + sum(personal_data_eea)) / nullif(sum(personal_data_services), 0) as share_personal_data_in_eer,
            sum(public_eer_vendor) / nullif(sum(public_services), 0) as share_public_eer_vendor
        from s group by all"""
    )
    con.execute(
        """create table marts.vendor_share as
        with l as (
          select period, 'totaal' as scope, 'vendor' as layer, coalesce(vendor_concern, vendor) as concern, vendor_country as country, org_code, annual_cost_eur
          from marts.fct_cloud_services where is_active and is_public and in_rijksbreed_totals
          union all
          select period, 'totaal', 'provider', coalesce(provider_concern, provider), provider_country, org_code, annual_cost_eur
          from marts.fct_cloud_services where is_active and is_public and in_rijksbreed_totals),
        g as (select period, scope, layer, concern, any_value(country) as country, count(*) as services, count(distinct org_code) as organisations,
              coalesce(sum(annual_cost_eur), 0) as annual_cost_eur from l group by all)
        select *, services / sum(services) over w as share_services, annual_cost_eur / nullif(sum(annual_cost_eur) over w, 0) as share_cost
        from g window w as (partition by period, scope, layer)"""
    )
    con.execute(
        """create table marts.concentration as
        select period, scope, layer, sum(power(100 * share_services, 2)) as hhi,
            max(share_services) as cr1, 0.5 as cr3, 'Microsoft' as top_concern, 0.5 as us_share
        from marts.vendor_share group by all"""
    )
    con.execute(
        """create table marts.foreign_migrations as
        select period, org_code, ministry_code, service_id, service_name, vendor, vendor_concern, vendor_country, service_model,
            status, location, start_date, reconsidered from marts.fct_cloud_services where is_foreign_migration"""
    )
    con.execute(
        """create table marts.reconsidered_services as
        select period, org_code, service_id, service_name, vendor, status, reconsidered, remarks
        from marts.fct_cloud_services where reconsidered is not null and reconsidered <> 'no'"""
    )
    con.execute(
        """create table marts.kpi_trend as
        select s.period, s.scope, s.organisations, s.materieel_services, s.share_materieel_us, s.share_personal_data_in_eer,
            c.hhi as hhi_vendor, s.share_public_eer_vendor, s.foreign_migrations
        from marts.scope_metrics s left join marts.concentration c on c.period = s.period and c.scope = s.scope and c.layer = 'vendor'"""
    )
    kpis = ["materieel_services", "share_materieel_us", "share_personal_data_in_eer", "hhi_vendor", "share_public_eer_vendor", "foreign_migrations"]
    con.execute(
        "create or replace table marts.kpi_trend as select t.*, "
        + ", ".join(f"t.{k} - p.{k} as {k}_change" for k in kpis)
        + " from marts.kpi_trend t left join marts.kpi_trend p on p.scope = t.scope and p.period = (case when t.period = '2025-Q3' then '2025-Q2' end)"
    )
    for model in MODEL_ORDER:
        run_model(con, model)
    con.close()


MODEL_ORDER = (
    "rpt_register", "rpt_org_rows", "rpt_tabel_1_materieel", "rpt_tabel_2_persoonsgegevens", "rpt_tabel_3_leveranciers",
    "rpt_tabel_4_migraties", "rpt_tabel_5_heroverwogen", "rpt_tabel_6_continuiteit", "rpt_tabel_7_kerncijfers",
)


def run_model(con, model: str, name: str | None = None) -> None:
    """Render a models/reports model the way dbt would for this fixture: the project's macros
    (periods.sql) available, ref() to schema-qualified names."""
    import jinja2

    def ref(target: str) -> str:
        return f"reference.{target}" if target in SEEDS else f"marts.{target}"

    macros = (ROOT / "macros" / "periods.sql").read_text(encoding="utf-8")
    source = (ROOT / "models" / "reports" / f"{model}.sql").read_text(encoding="utf-8")
    sql = jinja2.Environment().from_string(macros + source).render(ref=ref)
    con.execute(f"create or replace table marts.{name or model} as {sql}")


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("wh") / "warehouse.duckdb"
    build_fixture_warehouse(path)
    return path


@pytest.fixture(scope="session")
def con(warehouse):
    c = duckdb.connect(str(warehouse), read_only=True)
    yield c
    c.close()


DEFINITION_NAMES = ("materieel", "eer", "us_direct", "us_indirect", "us_dependent", "concentration", "foreign_migration", "continuity", "geen_opgave", "defensie_exclusion")


@pytest.fixture(scope="session")
def definitions_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("docs") / "definitions.md"
    path.write_text(
        "\n".join(f"{{% docs {n} %}}\nDefinitie van **{n}**: zie `{n}`.\n{{% enddocs %}}\n" for n in DEFINITION_NAMES),
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="session")
def definitions(definitions_file):
    from reports.tables import load_definitions

    return load_definitions(definitions_file)


@pytest.fixture(scope="session")
def tables(con, definitions):
    from reports.tables import build_tables

    return build_tables(con, "2025-Q3", definitions)
