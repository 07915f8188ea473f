"""`wolkenkaart sql`: read-only, refuses every kind of write, one clear line."""

import duckdb
import pytest
from click.testing import CliRunner

from wolkenkaart.cli import cli


@pytest.fixture()
def published(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create schema marts; create table marts.org_metrics as select 'UWV' org_code, 3 active_services")
    con.close()
    return path


def invoke(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_select_prints_a_table(published):
    res = invoke("sql", "--warehouse", str(published), "select org_code, active_services from marts.org_metrics")
    assert res.exit_code == 0, res.output
    assert "UWV" in res.output and "active_services" in res.output and "(1 row)" in res.output


def test_csv_output(published):
    res = invoke("sql", "--warehouse", str(published), "--csv", "select * from marts.org_metrics")
    assert res.exit_code == 0
    assert res.output.splitlines() == ["org_code,active_services", "UWV,3"]


@pytest.mark.parametrize(
    "query",
    [
        "insert into marts.org_metrics values ('X', 1)",
        "drop table marts.org_metrics",
        "delete from marts.org_metrics",
        "update marts.org_metrics set active_services = 0",
        "create table marts.x (a int)",
        "attach 'other.duckdb' as o",
        "copy marts.org_metrics to 'leak.csv'",
        "copy (select 1) to 'leak.parquet' (format parquet)",
        "install httpfs",
        "load httpfs",
        "set enable_external_access = true",
        "export database 'dump'",
        "select 1; drop table marts.org_metrics",
        "call pragma_version()",
    ],
)
def test_writes_are_refused(published, query, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(cli, ["sql", "--warehouse", str(published), query])
    assert res.exit_code == 2
    assert "Traceback" not in res.output
    assert len([l for l in res.output.splitlines() if l.strip()]) == 1
    con = duckdb.connect(str(published), read_only=True)
    assert con.execute("select count(*) from marts.org_metrics").fetchone()[0] == 1
    con.close()
    assert not list(tmp_path.glob("leak*")) and not (tmp_path / "dump").exists()


def test_reading_other_files_is_refused(published):
    res = CliRunner().invoke(cli, ["sql", "--warehouse", str(published), "select * from read_csv('/etc/passwd')"])
    assert res.exit_code == 2 and "Permission" in res.output


def test_missing_warehouse_is_one_line(tmp_path):
    res = CliRunner().invoke(cli, ["sql", "--warehouse", str(tmp_path / "nope.duckdb"), "select 1"])
    assert res.exit_code == 2
    assert "no warehouse" in res.output and "Traceback" not in res.output


def test_sql_error_is_one_line(published):
    res = CliRunner().invoke(cli, ["sql", "--warehouse", str(published), "select * from nope"])
    assert res.exit_code == 2 and res.output.startswith("wolkenkaart: SQL error")


def test_shell_reads_and_refuses_writes(published):
    res = CliRunner().invoke(
        cli, ["shell", "--warehouse", str(published)],
        input="select org_code\nfrom marts.org_metrics;\ndrop table marts.org_metrics;\n.quit\n",
    )
    assert res.exit_code == 0
    assert "UWV" in res.output and "refused: DROP" in res.output
    con = duckdb.connect(str(published), read_only=True)
    assert con.execute("select count(*) from marts.org_metrics").fetchone()[0] == 1
    con.close()
