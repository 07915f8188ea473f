"""DDL of the tables ingest writes (the contract dbt reads; see docs/design.md)."""

from __future__ import annotations

# audit.rejected_rows and audit.warnings have the same shape: one record per problem.
ROW_PROBLEM = """
    file_id bigint not null,
    sheet varchar,
    row_number integer,
    "column" varchar,
    value varchar,
    code varchar not null,
    message varchar not null,
    raw_row varchar[]
"""

DDL = """
create schema if not exists raw;
create schema if not exists audit;

create table if not exists audit.files (
    file_id bigint primary key,
    file_name varchar not null,
    sha256 varchar not null,
    bytes bigint not null,
    received_at timestamp not null,
    run_id varchar not null,
    org_code varchar,
    period varchar,
    peildatum date,
    template_version varchar,
    status varchar not null check (status in ('accepted', 'rejected', 'duplicate')),
    message varchar,
    rows_total integer not null default 0,
    rows_accepted integer not null default 0,
    rows_rejected integer not null default 0,
    rows_skipped integer not null default 0
);

create table if not exists audit.rejected_rows ({ROW_PROBLEM});

create table if not exists audit.warnings ({ROW_PROBLEM});

create table if not exists audit.batch_runs (
    run_id varchar primary key,
    command varchar not null,
    period varchar,
    started_at timestamp not null,
    ended_at timestamp,
    package_version varchar,
    dbt_version varchar,
    git_commit varchar,
    files_received integer,
    files_accepted integer,
    files_rejected integer,
    files_duplicate integer,
    rows_accepted integer,
    rows_rejected integer,
    outcome varchar
);

create table if not exists raw.raw_rows (
    file_id bigint not null,
    sheet varchar not null,
    row_number integer not null,
    cells varchar[] not null
);

create table if not exists raw.service_rows (
    file_id bigint not null,
    sheet varchar not null,
    row_number integer not null,
    org_code varchar not null,
    period varchar not null,
    template_version varchar not null,
    service_id varchar not null,
    service_name varchar not null,
    vendor_raw varchar not null,
    provider_raw varchar,
    service_model varchar not null,
    cloud_type varchar not null,
    process varchar not null,
    location_declared varchar not null,
    countries varchar[],
    countries_unknown varchar[],
    personal_data varchar not null,
    bbn integer not null,
    status varchar not null,
    reconsidered varchar,
    start_date date,
    exit_strategy boolean not null,
    fallback boolean not null,
    last_risk_assessment date,
    annual_cost_eur decimal(18, 2),
    remarks varchar
);
""".replace("{ROW_PROBLEM}", ROW_PROBLEM)


def ensure_tables(con) -> None:
    """Create the raw and audit tables if they do not exist yet (idempotent)."""
    con.execute(DDL)
