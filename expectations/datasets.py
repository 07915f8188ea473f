"""The DataFrames the Great Expectations suites validate, read from the warehouse with SQL.

Each expectation of a suite names its dataset in `meta.dataset`; the functions here build
those datasets (pandas DataFrames, ordered deterministically). Reconciliations are written
as "differences" tables so the expectation is simply "every difference is 0".

No Great Expectations import here: this module is cheap to import.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from ingest.schema import COLUMNS, CURRENT_TEMPLATE

# --- period arithmetic in SQL (same rules as ingest.periods / macros/periods.sql) ----------


def _peildatum(col: str) -> str:
    return (
        f"last_day(make_date(cast(substr({col}, 1, 4) as integer), "
        f"3 * cast(substr({col}, 7, 1) as integer), 1))"
    )


def _period_index(col: str) -> str:
    """Quarter number since year 0: consecutive quarters differ by 1."""
    return f"(cast(substr({col}, 1, 4) as integer) * 4 + cast(substr({col}, 7, 1) as integer) - 1)"


def _period_start(col: str) -> str:
    return f"make_date(cast(substr({col}, 1, 4) as integer), 3 * cast(substr({col}, 7, 1) as integer) - 2, 1)"


def _in_period(col: str, period: str | None) -> str:
    """SQL condition restricting `col` to the batch period (true for all periods when None)."""
    if period is None:
        return "true"
    return f"{col} = '{_quote(period)}'"


def _quote(text: str) -> str:
    return text.replace("'", "''")


# --- the current submissions --------------------------------------------------------------

CURRENT_FILES = """
    select *
    from audit.files
    where status = 'accepted' and org_code is not null and period is not null
    qualify row_number() over (partition by org_code, period order by file_id desc) = 1
"""

# The register valid on each period's peildatum, with the scope of each organisation.
REGISTER = f"""
    select p.period, o.org_code, o.org_name, o.org_type, o.ministry_code,
        case
            when not o.in_rijksbreed_totals then 'apart'
            when o.in_cloud_policy_scope then 'rijksdienst'
            when o.org_type = 'zbo' then 'zbo'
            else 'apart'
        end as scope
    from periods as p
    join reference.organisations as o
        on o.valid_from <= {_peildatum('p.period')}
        and (o.valid_to is null or o.valid_to > {_peildatum('p.period')})
"""

# Scope membership as in marts.scope_metrics: `totaal` = rijksdienst + zbo.
SCOPE_MEMBERS = """
    select period, scope, org_code from register where scope in ('rijksdienst', 'zbo')
    union all
    select period, 'totaal', org_code from register where scope in ('rijksdienst', 'zbo')
"""


def _existing_columns(con, table: str) -> dict[str, str]:
    """column -> data type of marts.<table> (empty when the table does not exist)."""
    rows = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = 'marts' and table_name = ? order by ordinal_position",
        [table],
    ).fetchall()
    return dict(rows)


def _marts_tables(con) -> list[str]:
    rows = con.execute(
        "select distinct table_name from information_schema.columns "
        "where table_schema = 'marts' and column_name = 'period' order by table_name"
    ).fetchall()
    return [r[0] for r in rows]


def _df(con, sql: str) -> pd.DataFrame:
    return con.sql(sql).df()


# --- columns of the aggregate marts -------------------------------------------------------

# Key of one row of each aggregate mart besides `period` (for reporting a failing value).
AGGREGATE_KEYS = {
    "org_metrics": "org_code",
    "scope_metrics": "scope",
    "vendor_share": "scope || '/' || layer || '/' || coalesce(concern, '')",
    "concentration": "scope || '/' || layer",
    "kpi_trend": "scope",
}
_NUMERIC = ("INTEGER", "BIGINT", "HUGEINT", "SMALLINT", "TINYINT", "UBIGINT", "UINTEGER", "DOUBLE", "FLOAT")
_SHARE_NAMES = ("cr1", "cr3", "us_share")
_CHANGE_MARKERS = ("change", "delta", "diff", "previous", "prev_")


def _is_numeric(data_type: str) -> bool:
    return data_type.upper().startswith(_NUMERIC) or data_type.upper().startswith("DECIMAL")


def _is_change(column: str) -> bool:
    return any(m in column for m in _CHANGE_MARKERS)


def is_share(column: str) -> bool:
    return column.startswith("share_") or column in _SHARE_NAMES


def count_columns(con, table: str) -> list[str]:
    """The counts (and amounts) of an aggregate mart: numeric, not a share, not a change."""
    return [
        c
        for c, t in _existing_columns(con, table).items()
        if _is_numeric(t) and not is_share(c) and not _is_change(c) and c != "hhi"
    ]


def _long(con, kind: str) -> pd.DataFrame:
    parts = []
    for table, key in AGGREGATE_KEYS.items():
        cols = _existing_columns(con, table)
        if kind == "share":
            wanted = [c for c, t in cols.items() if _is_numeric(t) and is_share(c) and not _is_change(c)]
        else:
            wanted = count_columns(con, table)
        parts += [
            f"select '{table}' as table_name, period, {key} as row_key, '{c}' as column_name, "
            f"cast({c} as double) as value from marts.{table}"
            for c in wanted
        ]
    if not parts:
        return pd.DataFrame(columns=["table_name", "period", "row_key", "column_name", "value"])
    sql = " union all ".join(parts)
    return _df(con, f"select * from ({sql}) order by all")


def counts(con, period: str | None) -> pd.DataFrame:
    """Every count of the aggregate marts, one row per figure."""
    return _long(con, "count")


def shares(con, period: str | None) -> pd.DataFrame:
    """Every share (fraction) of the marts, one row per figure."""
    return _long(con, "share")


# --- reconciliation -----------------------------------------------------------------------

# org_metrics recounted over fct_cloud_services (metrics.md, one condition per column).
_US = "(f.us_direct or f.us_indirect)"
RECOUNT = {
    "active_services": "f.is_active",
    "public_services": "f.is_active and f.is_public",
    "materieel_services": "f.is_materieel",
    "materieel_us_direct": "f.is_materieel and f.us_direct",
    "materieel_us_indirect": "f.is_materieel and f.us_indirect",
    "materieel_us_without_fallback": f"f.is_materieel and {_US} and not f.fallback",
    "materieel_us_without_exit": f"f.is_materieel and {_US} and not f.exit_strategy",
    "materieel_us_without_fallback_and_exit": f"f.is_materieel and {_US} and not f.fallback and not f.exit_strategy",
    "materieel_us_without_risk_assessment": f"f.is_materieel and {_US} and f.last_risk_assessment is null",
    "active_us_dependent": f"f.is_active and {_US}",
    "personal_data_services": "f.is_active and f.personal_data <> 'none'",
    "personal_data_nl": "f.is_active and f.personal_data <> 'none' and f.location = 'nl'",
    "personal_data_eea": "f.is_active and f.personal_data <> 'none' and f.location = 'eea'",
    "personal_data_non_eea": "f.is_active and f.personal_data <> 'none' and f.location = 'non_eea'",
    "personal_data_unknown": "f.is_active and f.personal_data <> 'none' and f.location = 'unknown'",
    "special_data_outside_eer": "f.is_active and f.personal_data = 'special' and f.location in ('non_eea', 'unknown')",
    "bbn3_public": "f.is_active and f.is_public and f.bbn = 3",
    "private_or_hybrid_services": "f.is_active and f.cloud_type in ('private', 'hybrid', 'community', 'government')",
    "unknown_type_services": "f.is_active and f.cloud_type = 'unknown'",
    "materieel_without_risk_assessment": "f.is_materieel and f.last_risk_assessment is null",
    "materieel_big_three": "f.is_materieel and f.vendor_concern in ('Microsoft', 'Amazon', 'Alphabet')",
    "public_eer_vendor": (
        "f.is_active and f.is_public and f.vendor_country in "
        "(select iso2 from reference.countries where in_eer)"
    ),
    "foreign_migrations": "f.is_foreign_migration",
    "reconsidered_services": "f.reconsidered is not null and f.reconsidered <> 'no'",
}
COST_COLUMN = "annual_cost_public_eur"


def org_recount(con, period: str | None) -> pd.DataFrame:
    """org_metrics against a recount over fct_cloud_services: one row per (period, org, column)."""
    have = _existing_columns(con, "org_metrics")
    if not have or not _existing_columns(con, "fct_cloud_services"):
        return pd.DataFrame(columns=["period", "org_code", "column_name", "published", "recount", "difference"])
    recount = [f"count(*) filter (where {cond}) as {col}" for col, cond in RECOUNT.items() if col in have]
    if COST_COLUMN in have:
        recount.append(
            f"coalesce(sum(f.annual_cost_eur) filter (where f.is_active and f.is_public), 0) as {COST_COLUMN}"
        )
    cols = [c for c in (*RECOUNT, COST_COLUMN) if c in have]
    parts = [
        f"select coalesce(m.period, r.period) as period, coalesce(m.org_code, r.org_code) as org_code, "
        f"'{c}' as column_name, cast(m.{c} as double) as published, "
        f"cast(coalesce(r.{c}, 0) as double) as recount from m full join r using (period, org_code)"
        for c in cols
    ]
    sql = f"""
        with m as (select * from marts.org_metrics),
        r as (
            select f.period, f.org_code, {", ".join(recount)}
            from marts.fct_cloud_services as f
            group by all
        ),
        long as ({" union all ".join(parts)})
        select *, round(coalesce(published, -1) - recount, 2) as difference
        from long order by all
    """
    return _df(con, sql)


def scope_reconciliation(con, period: str | None) -> pd.DataFrame:
    """scope_metrics against the sum of their organisations' org_metrics (one row per figure)."""
    scope_cols = _existing_columns(con, "scope_metrics")
    org_cols = set(count_columns(con, "org_metrics"))
    cols = [c for c in count_columns(con, "scope_metrics") if c in org_cols]
    if not scope_cols:
        return pd.DataFrame(columns=["period", "scope", "column_name", "published", "sum_of_organisations", "difference"])
    sums = [f"sum(m.{c}) as {c}" for c in cols]
    sums.append("count(m.org_code) as organisations")
    sums.append("count(*) as organisations_expected")
    cols += [c for c in ("organisations", "organisations_expected") if c in scope_cols]
    parts = [
        f"select coalesce(s.period, t.period) as period, coalesce(s.scope, t.scope) as scope, "
        f"'{c}' as column_name, cast(s.{c} as double) as published, "
        f"cast(coalesce(t.{c}, 0) as double) as sum_of_organisations from s full join t using (period, scope)"
        for c in cols
    ]
    sql = f"""
        with periods as (select distinct period from marts.scope_metrics
                         union select distinct period from marts.org_metrics),
        register as ({REGISTER}),
        members as ({SCOPE_MEMBERS}),
        t as (
            select x.period, x.scope, {", ".join(sums)}
            from members as x
            left join marts.org_metrics as m on m.period = x.period and m.org_code = x.org_code
            group by all
        ),
        s as (select * from marts.scope_metrics),
        long as ({" union all ".join(parts)})
        select *, round(coalesce(published, -1) - sum_of_organisations, 2) as difference
        from long order by all
    """
    return _df(con, sql)


def mart_periods(con, period: str | None) -> pd.DataFrame:
    """Every period that occurs in any mart, and whether a current submission is behind it."""
    tables = _marts_tables(con)
    if not tables:
        return pd.DataFrame(columns=["period", "has_current_submission"])
    union = " union ".join(f"select distinct period from marts.{t}" for t in tables)
    sql = f"""
        with p as ({union}), current_files as ({CURRENT_FILES})
        select p.period, exists (select 1 from current_files c where c.period = p.period) as has_current_submission
        from p where p.period is not null order by p.period
    """
    return _df(con, sql)


def file_reconciliation(con, period: str | None) -> pd.DataFrame:
    """Per current submission: submitted rows against rows in fct_cloud_services + rejected rows."""
    if not _existing_columns(con, "fct_cloud_services"):
        return pd.DataFrame(columns=["file_id", "file_name", "org_code", "period", "rows_unaccounted", "accepted_minus_fct"])
    sql = f"""
        with current_files as ({CURRENT_FILES}),
        fct as (select submission_id as file_id, count(*) as fct_rows
                from marts.fct_cloud_services group by all),
        rejected as (select file_id, count(distinct (sheet, row_number)) as rejected_rows
                     from audit.rejected_rows group by all)
        select c.file_id, c.file_name, c.org_code, c.period,
            c.rows_total - c.rows_skipped as submitted_rows,
            coalesce(fct.fct_rows, 0) as fct_rows,
            coalesce(rejected.rejected_rows, 0) as rejected_rows,
            c.rows_accepted,
            c.rows_total - c.rows_skipped - coalesce(fct.fct_rows, 0) - coalesce(rejected.rejected_rows, 0)
                as rows_unaccounted,
            c.rows_accepted - coalesce(fct.fct_rows, 0) as accepted_minus_fct
        from current_files as c
        left join fct using (file_id)
        left join rejected using (file_id)
        order by c.period, c.org_code
    """
    return _df(con, sql)


# --- completeness and plausibility (per batch period) ---------------------------------------


def completeness(con, period: str | None) -> pd.DataFrame:
    """Every organisation of the register per period: did it send anything, is it in the figures."""
    periods = (
        f"select '{_quote(period)}' as period"
        if period
        else "select distinct period from marts.org_metrics union select distinct period from audit.files "
        "where period is not null"
    )
    has_marts = bool(_existing_columns(con, "org_metrics"))
    figures = "marts.org_metrics" if has_marts else "(select null::varchar as period, null::varchar as org_code)"
    sql = f"""
        with periods as ({periods}),
        register as ({REGISTER}),
        files as (select period, org_code,
                    count(*) filter (where status = 'rejected') as files_rejected,
                    count(*) as files_received
                  from audit.files where org_code is not null group by all)
        select r.period, r.scope, r.ministry_code, r.org_code, r.org_name,
            coalesce(f.files_received, 0) as files_received,
            coalesce(f.files_rejected, 0) as files_rejected,
            m.org_code is not null as has_figures
        from register as r
        left join files as f using (period, org_code)
        left join {figures} as m on m.period = r.period and m.org_code = r.org_code
        order by r.period, r.scope, r.ministry_code, r.org_code
    """
    return _df(con, sql)


def received_files(con, period: str | None) -> pd.DataFrame:
    """The files received for the period (also those whose period could not be read, when
    they came in a run for this period)."""
    where = "true"
    if period is not None:
        p = _quote(period)
        where = f"""period = '{p}' or (period is null and run_id in (
            select run_id from audit.files where period = '{p}'
            union select run_id from audit.batch_runs where period = '{p}'))"""
    sql = f"""
        select file_id, file_name, org_code, period, status, message
        from audit.files where {where}
        order by file_id
    """
    return _df(con, sql)


def _keys(table: str, keys: list[str]):
    def build(con, period: str | None) -> pd.DataFrame:
        if not _existing_columns(con, table):
            return pd.DataFrame(columns=keys)
        return _df(con, f"select {', '.join(keys)} from marts.{table} order by all")

    build.__doc__ = f"The key columns of marts.{table}."
    return build


def active_change(con, period: str | None) -> pd.DataFrame:
    """Active-service count per organisation against the preceding quarter."""
    if not _existing_columns(con, "org_metrics"):
        return pd.DataFrame(columns=["period", "org_code", "relative_change"])
    sql = f"""
        select cur.period, prev.period as previous_period, cur.org_code,
            prev.active_services as previous_active_services, cur.active_services,
            abs(cur.active_services - prev.active_services) / greatest(prev.active_services, 1)
                as relative_change
        from marts.org_metrics as cur
        join marts.org_metrics as prev
            on prev.org_code = cur.org_code
            and {_period_index('prev.period')} = {_period_index('cur.period')} - 1
        where {_in_period('cur.period', period)}
        order by cur.period, cur.org_code
    """
    return _df(con, sql)


def _service_pairs(period: str | None) -> str:
    """Services of the preceding quarter joined to the same organisation's current services."""
    return f"""
        with cur_orgs as (select distinct period, org_code from marts.org_metrics),
        prev as (
            select c.period, f.period as previous_period, f.org_code, f.service_id, f.service_name,
                f.status as previous_status, f.vendor as previous_vendor,
                lower(trim(f.service_id)) as service_key
            from marts.fct_cloud_services as f
            join cur_orgs as c on c.org_code = f.org_code
                and {_period_index('f.period')} = {_period_index('c.period')} - 1
            where {_in_period('c.period', period)}
        ),
        cur as (
            select period, org_code, vendor, lower(trim(service_id)) as service_key
            from marts.fct_cloud_services
        )
    """


def disappeared_services(con, period: str | None) -> pd.DataFrame:
    """Services of the preceding quarter not marked `ended`: are they still reported?"""
    if not _existing_columns(con, "fct_cloud_services"):
        return pd.DataFrame(columns=["period", "org_code", "service_id", "still_reported"])
    sql = f"""
        {_service_pairs(period)}
        select prev.period, prev.previous_period, prev.org_code, prev.service_id, prev.service_name,
            prev.previous_status, cur.service_key is not null as still_reported
        from prev left join cur using (period, org_code, service_key)
        where prev.previous_status <> 'ended'
        order by all
    """
    return _df(con, sql)


def vendor_changes(con, period: str | None) -> pd.DataFrame:
    """Services reported in both quarters: vendor then and now."""
    if not _existing_columns(con, "fct_cloud_services"):
        return pd.DataFrame(columns=["period", "org_code", "service_id", "previous_vendor", "vendor"])
    sql = f"""
        {_service_pairs(period)}
        select prev.period, prev.org_code, prev.service_id, prev.service_name,
            prev.previous_vendor, cur.vendor
        from prev join cur using (period, org_code, service_key)
        order by all
    """
    return _df(con, sql)


def unknown_vendors(con, period: str | None) -> pd.DataFrame:
    """Every service of the period with whether its vendor and provider are in the reference data."""
    if not _existing_columns(con, "fct_cloud_services"):
        return pd.DataFrame(columns=["period", "org_code", "vendor_known", "provider_known"])
    sql = f"""
        select period, org_code, service_id, service_name, vendor, provider_raw,
            vendor_country is not null as vendor_known,
            (provider_raw is null or provider_country is not null) as provider_known
        from marts.fct_cloud_services
        where {_in_period('period', period)}
        order by period, org_code, service_id
    """
    return _df(con, sql)


def ingest_warnings(con, period: str | None) -> pd.DataFrame:
    """Every ingest warning of the period's files."""
    sql = f"""
        select f.period, f.org_code, f.file_name, w.sheet, w.row_number, w."column", w.value, w.code, w.message
        from audit.warnings as w join audit.files as f using (file_id)
        where {_in_period('f.period', period)}
        order by f.file_id, w.sheet, w.row_number nulls first, w."column", w.code, w.message
    """
    return _df(con, sql)


# --- the submitted rows ---------------------------------------------------------------------


def submission_rows(con, period: str | None) -> pd.DataFrame:
    """The accepted rows of the current submissions (with the peildatum and the period's bounds)."""
    # every normalised column but the country lists (no expectation is about them)
    select = ", ".join(f"s.{c.name}" for c in COLUMNS[CURRENT_TEMPLATE] if c.kind != "countries")
    sql = f"""
        with current_files as ({CURRENT_FILES})
        select s.file_id, f.file_name, s.org_code, s.period, s.template_version, s.sheet, s.row_number,
            f.peildatum,
            {_period_start('s.period')} as period_start,
            {_peildatum('s.period')} as period_end,
            lower(trim(s.service_id)) as service_key,
            {select}
        from raw.service_rows as s
        join current_files as f using (file_id)
        where {_in_period('s.period', period)}
        order by s.file_id, s.sheet, s.row_number
    """
    return _df(con, sql)


# --- restatements -----------------------------------------------------------------------------

_RESTATED_TABLES = {"org_metrics": "org_code", "scope_metrics": "scope"}
RESTATEMENT_COLUMNS = ["table_name", "period", "row_key", "column_name", "old_value", "new_value"]


def _figures(con, table: str, key: str, exclude_period: str | None) -> pd.DataFrame:
    cols = _existing_columns(con, table)
    numeric = [c for c, t in cols.items() if _is_numeric(t)]
    if not numeric:
        return pd.DataFrame(columns=["period", "row_key", "column_name", "value"])
    where = f"where period <> '{_quote(exclude_period)}'" if exclude_period else ""
    df = _df(con, f"select period, {key} as row_key, {', '.join(numeric)} from marts.{table} {where}")
    long = df.melt(id_vars=["period", "row_key"], var_name="column_name", value_name="value")
    long["value"] = pd.to_numeric(long["value"], errors="coerce").astype("float64")
    return long


def restatements(old_con, new_con, period: str | None = None) -> pd.DataFrame:
    """Every figure of org_metrics / scope_metrics of an earlier period (not `period`) that
    differs between the previously published warehouse and the new build: one row per figure.
    A period that is new in this build is not a restatement."""
    if old_con is None:
        return pd.DataFrame(columns=RESTATEMENT_COLUMNS)
    frames = []
    for table, key in _RESTATED_TABLES.items():
        old = _figures(old_con, table, key, period)
        new = _figures(new_con, table, key, period)
        if old.empty:
            continue
        both = old.merge(new, on=["period", "row_key", "column_name"], how="outer", suffixes=("_old", "_new"))
        both = both[both["period"].isin(set(old["period"]))]
        o, n = both["value_old"], both["value_new"]
        changed = (o.isna() != n.isna()) | ((o - n).abs() > 1e-9)
        part = both[changed].rename(columns={"value_old": "old_value", "value_new": "new_value"})
        part.insert(0, "table_name", table)
        frames.append(part[RESTATEMENT_COLUMNS])
    if not frames:
        return pd.DataFrame(columns=RESTATEMENT_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(RESTATEMENT_COLUMNS[:4], kind="stable").reset_index(drop=True)


# name -> builder(con, period); the suites' `meta.dataset` refers to these names.
DATASETS: dict[str, Callable[[object, str | None], pd.DataFrame]] = {
    "submission_rows": submission_rows,
    "org_metrics_keys": _keys("org_metrics", ["period", "org_code"]),
    "scope_metrics_keys": _keys("scope_metrics", ["period", "scope"]),
    "fct_keys": _keys("fct_cloud_services", ["period", "org_code", "service_id"]),
    "counts": counts,
    "shares": shares,
    "scope_reconciliation": scope_reconciliation,
    "org_recount": org_recount,
    "mart_periods": mart_periods,
    "file_reconciliation": file_reconciliation,
    "completeness": completeness,
    "received_files": received_files,
    "active_change": active_change,
    "disappeared_services": disappeared_services,
    "vendor_changes": vendor_changes,
    "unknown_vendors": unknown_vendors,
    "ingest_warnings": ingest_warnings,
}
