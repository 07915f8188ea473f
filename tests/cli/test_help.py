"""Every command explains itself, and help does not pay for heavy imports."""

import subprocess
import sys

import pytest
from click.testing import CliRunner

from wolkenkaart.cli import cli

COMMANDS = sorted(cli.commands)


def test_all_commands_of_the_spec_exist():
    assert set(COMMANDS) >= {"run", "ingest", "build", "check", "report", "overview", "template", "sql", "shell", "demo"}


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help(name):
    command = cli.commands[name]
    assert command.help and len(command.help) > 20, f"{name} has no help text"
    res = CliRunner().invoke(cli, [name, "--help"])
    assert res.exit_code == 0
    for param in command.params:
        if param.name != "help" and not getattr(param, "hidden", False) and param.param_type_name == "option":
            assert param.help, f"{name} --{param.name} has no help text"


def test_help_does_not_import_dbt_or_great_expectations():
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from wolkenkaart.cli import cli\n"
        "r = CliRunner().invoke(cli, ['--help'])\n"
        "assert r.exit_code == 0\n"
        "heavy = [m for m in ('great_expectations', 'dbt.cli.main', 'polars', 'typst') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("period", ["2025-Q5", "2025Q3", "25-Q3", "", "2025-q0"])
def test_bad_period_is_exit_2_one_line(period, tmp_path):
    res = CliRunner().invoke(cli, ["ingest", "--period", period, "--inbox", str(tmp_path), "--warehouse", str(tmp_path / "w.duckdb")])
    assert res.exit_code == 2
    assert "Traceback" not in res.output
    assert "period" in res.output


def test_missing_inbox_is_exit_2(tmp_path):
    res = CliRunner().invoke(cli, ["ingest", "--period", "2025-Q3", "--inbox", str(tmp_path / "nope"), "--warehouse", str(tmp_path / "w.duckdb")])
    assert res.exit_code == 2
    assert "inbox" in res.output
    assert not (tmp_path / "w.duckdb").exists()


def test_unreadable_config_is_exit_2(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("this is = = not toml")
    res = CliRunner().invoke(cli, ["--config", str(cfg), "sql", "select 1"])
    assert res.exit_code == 2 and "config" in res.output


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_takes_warehouse(name):
    """cli.md: every command takes --warehouse FILE."""
    assert "warehouse" in {p.name for p in cli.commands[name].params}


def test_template_accepts_warehouse_without_reading_it(tmp_path):
    out = tmp_path / "t.xlsx"
    res = CliRunner().invoke(cli, ["template", "--warehouse", str(tmp_path / "absent.duckdb"), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert out.stat().st_size > 0
    assert not (tmp_path / "absent.duckdb").exists()


def test_demo_refuses_the_production_warehouse(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(cli, ["demo", "--dir", "demo", "--warehouse", "data/warehouse.duckdb"])
    assert res.exit_code == 2
    assert "production warehouse" in res.output and "Traceback" not in res.output
    assert not (tmp_path / "data").exists() and not (tmp_path / "demo").exists()


def test_demo_refuses_a_dir_holding_the_production_warehouse(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    keep = tmp_path / "data" / "warehouse.duckdb"
    keep.write_bytes(b"not ours to delete")
    res = CliRunner().invoke(cli, ["demo", "--dir", "data"])
    assert res.exit_code == 2 and "--dir" in res.output
    assert keep.read_bytes() == b"not ours to delete"
