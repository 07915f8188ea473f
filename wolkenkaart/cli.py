"""`wolkenkaart`: the command line (options only; the work is in pipeline.py and the packages)."""

from __future__ import annotations

import functools
import logging
import shutil
import sys
import tomllib
from pathlib import Path

import click

from wolkenkaart.errors import BuildFailed, ChecksFailed, UsageError
from wolkenkaart.pipeline import Settings

log = logging.getLogger("wolkenkaart")
DEFAULT_WAREHOUSE = Path("data/warehouse.duckdb")
CONFIG_KEYS = {"warehouse", "max_file_mb", "max_unpacked_mb", "change_threshold", "formats", "inbox_root", "out_root"}


def load_config(path: Path | None) -> dict:
    """Optional TOML config (`wolkenkaart.toml` in the working folder, or --config)."""
    if path is None:
        path = Path("wolkenkaart.toml")
        if not path.exists():
            return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"cannot read config file {path}: {exc}") from None
    unknown = set(data) - CONFIG_KEYS
    if unknown:
        raise UsageError(f"config file {path}: unknown setting(s) {', '.join(sorted(unknown))}")
    return data


def settings_from(ctx: click.Context, warehouse: Path | None) -> Settings:
    cfg = ctx.obj["config"]
    settings = Settings(warehouse=Path(warehouse or cfg.get("warehouse", DEFAULT_WAREHOUSE)))
    for key in ("max_file_mb", "max_unpacked_mb", "change_threshold"):
        if key in cfg:
            setattr(settings, key, float(cfg[key]))
    if "formats" in cfg:
        settings.formats = tuple(cfg["formats"])
    return settings


def parse_formats(text: str | None, settings: Settings) -> tuple[str, ...]:
    from reports import ALL_FORMATS

    if not text:
        return settings.formats
    formats = tuple(f.strip().lower().lstrip(".") for f in text.split(",") if f.strip())
    bad = [f for f in formats if f not in ALL_FORMATS]
    if bad:
        raise UsageError(f"unknown format(s) {', '.join(bad)}; choose from {','.join(ALL_FORMATS)}")
    return formats


def handle_errors(fn):
    """User errors: one line on stderr and the exit status of the spec, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (UsageError, ChecksFailed, BuildFailed) as exc:
            for f in getattr(exc, "files", ()):
                click.echo(f"  {f.status:9} {f.message or f.file_name}", err=True)
            click.echo(f"wolkenkaart: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("wolkenkaart: interrupted; the published warehouse is unchanged", err=True)
            sys.exit(130)

    return wrapper


warehouse_option = click.option(
    "--warehouse", type=click.Path(path_type=Path, dir_okay=False),
    help="The DuckDB warehouse file [default: data/warehouse.duckdb].",
)
period_option = click.option("--period", required=True, help="The quarter, YYYY-Qn (e.g. 2025-Q3).")


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--config", type=click.Path(path_type=Path, dir_okay=False),
              help="TOML config file [default: ./wolkenkaart.toml if present]; flags win over it.")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only warnings and errors.")
@click.version_option(package_name="wolkenkaart")
@click.pass_context
def cli(ctx: click.Context, config: Path | None, verbose: int, quiet: bool) -> None:
    """wolkenkaart — the quarterly cloud-use batch of CIO Rijk.

    Ingests the departmental spreadsheets, builds the rijksbrede metrics with dbt on DuckDB,
    checks the data quality and writes the Kamerbrief tables, the annual overview and the
    feedback files. See docs/cli.md.
    """
    level = logging.WARNING if quiet else (logging.DEBUG if verbose > 1 else logging.INFO)
    # Our own progress at INFO; libraries (GX, dbt, fonts) only speak up with -vv.
    logging.basicConfig(level=logging.DEBUG if verbose > 1 else logging.WARNING, format="%(message)s", stream=sys.stderr)
    ours = ("wolkenkaart", "ingest", "reports", "expectations")
    for name in ours:
        logging.getLogger(name).setLevel(level)
    if verbose < 2:  # libraries that set INFO on their own loggers (GX) stay quiet
        for handler in logging.root.handlers:
            handler.addFilter(lambda r: r.levelno >= logging.WARNING or r.name.split(".")[0] in ours)
    ctx.ensure_object(dict)
    try:
        ctx.obj["config"] = load_config(config)
    except UsageError as exc:
        click.echo(f"wolkenkaart: {exc}", err=True)
        sys.exit(2)


def default_inbox(ctx, period: str) -> Path:
    return Path(ctx.obj["config"].get("inbox_root", "data/inbox")) / period


def default_out(ctx, period: str) -> Path:
    return Path(ctx.obj["config"].get("out_root", "data/reports")) / period


def print_run(summary) -> None:
    files = summary.files
    by_status: dict[str, int] = {}
    for f in files:
        by_status[f.status] = by_status.get(f.status, 0) + 1
    rows = sum(f.rows_accepted or 0 for f in files)
    rejected = sum(f.rows_rejected or 0 for f in files)
    parts = ", ".join(f"{n} {s}" for s, n in sorted(by_status.items())) or "none"
    click.echo(f"{summary.period}: {len(files)} file(s) ({parts}); {rows} service rows accepted, {rejected} rejected")
    for f in files:
        if f.status != "accepted" or f.message:
            click.echo(f"  {f.status:9} {f.message or f.file_name}")
    if summary.timings:
        click.echo("timings: " + ", ".join(f"{k} {v:.1f} s" for k, v in summary.timings.items()))


@cli.command()
@period_option
@click.option("--inbox", type=click.Path(path_type=Path, file_okay=False), help="Folder with the submissions [default: data/inbox/<period>].")
@warehouse_option
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), help="Output folder [default: data/reports/<period>].")
@click.option("--formats", help="Comma-separated Kamerbrief formats [default: all: odt,docx,pdf,html,md,csv,xlsx,ods].")
@click.option("--allow-failed-checks", is_flag=True, help="Publish even when blocking data-quality checks fail (recorded in the manifest and the colophon).")
@click.pass_context
@handle_errors
def run(ctx, period, inbox, warehouse, out, formats, allow_failed_checks):
    """The quarterly batch: ingest → dbt build → checks → reports and feedback → publish."""
    from wolkenkaart.pipeline import run_batch

    settings = settings_from(ctx, warehouse)
    summary = run_batch(
        period, inbox or default_inbox(ctx, period), out or default_out(ctx, period), settings,
        allow_failed_checks=allow_failed_checks, formats=parse_formats(formats, settings),
    )
    print_run(summary)
    click.echo(f"published {settings.warehouse}; {len(summary.outputs)} report files in {out or default_out(ctx, period)}")


@cli.command()
@period_option
@click.option("--inbox", type=click.Path(path_type=Path, file_okay=False), help="Folder with the submissions [default: data/inbox/<period>].")
@warehouse_option
@click.pass_context
@handle_errors
def ingest(ctx, period, inbox, warehouse):
    """Ingest only: read the inbox into the raw and audit tables."""
    from wolkenkaart.pipeline import ingest_only

    summary = ingest_only(period, inbox or default_inbox(ctx, period), settings_from(ctx, warehouse))
    print_run(summary)


@cli.command()
@warehouse_option
@click.pass_context
@handle_errors
def build(ctx, warehouse):
    """dbt models and dbt tests only (on a copy, swapped in when they pass)."""
    from wolkenkaart.pipeline import build_only

    summary = build_only(settings_from(ctx, warehouse))
    click.echo("dbt build passed; " + ", ".join(f"{k} {v:.1f} s" for k, v in summary.timings.items()))


@cli.command()
@click.option("--period", help="The quarter to check [default: the latest in the warehouse].")
@warehouse_option
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), help="Output folder [default: data/reports/<period>].")
@click.pass_context
@handle_errors
def check(ctx, period, warehouse, out):
    """The Great Expectations suites only: prints a summary, writes kwaliteit/datakwaliteit.{html,json}."""
    from wolkenkaart.pipeline import check_only, check_period, latest_period

    settings = settings_from(ctx, warehouse)
    period = check_period(period) if period else latest_period(settings)
    report = check_only(period, out or default_out(ctx, period), settings)
    failed = [r for r in report.results if not r.success]
    click.echo(f"{len(report.results)} checks, {len(failed)} failed ({len(report.blocking_failures)} blocking)")
    for r in failed:
        click.echo(f"  {r.severity:8} {r.suite}.{r.expectation}: {r.description_nl}")
    if report.blocking_failures:
        sys.exit(1)


@cli.command()
@period_option
@warehouse_option
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), help="Output folder [default: data/reports/<period>].")
@click.option("--formats", help="Comma-separated formats [default: odt,docx,pdf,html,md,csv,xlsx,ods].")
@click.option("--allow-failed-checks", is_flag=True, help="Write the tables even when blocking checks fail (recorded).")
@click.pass_context
@handle_errors
def report(ctx, period, warehouse, out, formats, allow_failed_checks):
    """Kamerbrief tables and feedback files for one period."""
    from wolkenkaart.pipeline import report_only

    settings = settings_from(ctx, warehouse)
    outputs = report_only(period, out or default_out(ctx, period), settings,
                          formats=parse_formats(formats, settings), allow_failed_checks=allow_failed_checks)
    click.echo(f"{len(outputs)} files written to {out or default_out(ctx, period)}")


@cli.command()
@click.option("--year", required=True, type=click.IntRange(2000, 2100), help="The year, e.g. 2025.")
@warehouse_option
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), help="Output folder [default: data/reports/<year>].")
@click.option("--allow-failed-checks", is_flag=True, help="Write the overview even when blocking checks fail.")
@click.pass_context
@handle_errors
def overview(ctx, year, warehouse, out, allow_failed_checks):
    """The annual overview (jaaroverzicht.html and .pdf)."""
    from wolkenkaart.pipeline import overview_only

    out = out or Path(ctx.obj["config"].get("out_root", "data/reports")) / str(year)
    paths = overview_only(year, out, settings_from(ctx, warehouse), allow_failed_checks=allow_failed_checks)
    for p in paths:
        click.echo(str(p))


@cli.command()
@click.option("--version", "version", default="2025.1", show_default=True, type=click.Choice(["2024.1", "2025.1"]), help="Template version.")
@click.option("--period", help="Pre-fill Periode and Peildatum (YYYY-Qn).")
@click.option("--org", "org_code", help="Pre-fill Organisatiecode and Organisatie.")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="Output file [default: uitvraag-<version>[-ORG][-PERIOD].xlsx].")
@click.option("--warehouse", type=click.Path(path_type=Path, dir_okay=False),
              help="Accepted like every command; not read: the template comes from the reference data.")
@handle_errors
def template(version, period, org_code, out, warehouse):
    """Write the empty uitvraag workbook (instructions sheet, drop-down lists)."""
    from ingest.template import write_template

    if out is None:
        out = Path("-".join(["uitvraag", version, *(x for x in (org_code, period) if x)]) + ".xlsx")
    try:
        path = write_template(out, version=version, period=period, org_code=org_code)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    click.echo(str(path))


@cli.command()
@click.argument("query")
@warehouse_option
@click.option("--csv", "as_csv", is_flag=True, help="Write the result as CSV instead of a table.")
@click.option("--max-rows", default=200, show_default=True, help="Rows shown in table output (CSV has all).")
@click.pass_context
@handle_errors
def sql(ctx, query, warehouse, as_csv, max_rows):
    """Read-only SQL on the published warehouse (writes are refused)."""
    from wolkenkaart.sqlshell import run_query

    run_query(settings_from(ctx, warehouse).warehouse, query, as_csv=as_csv, max_rows=max_rows, out=sys.stdout)


@cli.command()
@warehouse_option
@click.pass_context
@handle_errors
def shell(ctx, warehouse):
    """An interactive read-only SQL prompt on the published warehouse."""
    from wolkenkaart.sqlshell import interactive

    interactive(settings_from(ctx, warehouse).warehouse)


@cli.command()
@click.option("--dir", "demo_dir", default="data/demo", show_default=True, type=click.Path(path_type=Path, file_okay=False), help="Where the demo warehouse and reports go.")
@click.option("--sample", type=click.Path(path_type=Path, file_okay=False), help="The sample inbox, one folder per period [default: data/sample/inbox of the installation].")
@click.option("--warehouse", type=click.Path(path_type=Path, dir_okay=False),
              help="The demo warehouse [default: <dir>/warehouse.duckdb]; never the production one.")
@click.pass_context
@handle_errors
def demo(ctx, demo_dir, sample, warehouse):
    """The whole batch on the bundled sample data, into its own warehouse (never the production one)."""
    from wolkenkaart.dbt import PROJECT_DIR
    from wolkenkaart.pipeline import overview_only, run_batch

    sample = sample or PROJECT_DIR / "data" / "sample" / "inbox"
    if not sample.is_dir():
        raise UsageError(f"no sample data at {sample} (pass --sample DIR)")
    periods = sorted(p.name for p in sample.iterdir() if p.is_dir())
    production = settings_from(ctx, None).warehouse
    if warehouse is not None and warehouse.resolve() == production.resolve():
        raise UsageError(f"the demo never writes to the production warehouse {production}: pass another --warehouse")
    if production.resolve().is_relative_to(demo_dir.resolve()):
        raise UsageError(f"--dir {demo_dir} holds the production warehouse {production}: the demo empties its folder, pass another --dir")
    if demo_dir.exists():
        shutil.rmtree(demo_dir)
    if warehouse is not None and warehouse.parent.is_dir():  # the demo starts from nothing there too
        from wolkenkaart import warehouse as wh

        with wh.exclusive_lock(warehouse):
            for path in (warehouse, warehouse.with_name(warehouse.name + ".wal"), wh.contacts_path(warehouse)):
                path.unlink(missing_ok=True)
    settings = Settings(warehouse=warehouse or demo_dir / "warehouse.duckdb")
    for period in periods:
        summary = run_batch(period, sample / period, demo_dir / "reports" / period, settings)
        print_run(summary)
    years = sorted({p[:4] for p in periods})
    for year in years:
        for path in overview_only(int(year), demo_dir / "reports" / year, settings):
            click.echo(str(path))
    click.echo(f"demo warehouse: {settings.warehouse}; reports: {demo_dir / 'reports'}")
    click.echo(f"try: wolkenkaart sql --warehouse {settings.warehouse} \"select * from marts.scope_metrics\"")


def main() -> None:
    cli(prog_name="wolkenkaart")


if __name__ == "__main__":
    main()
