"""`wolkenkaart run` end to end on a small inbox: publish, block, override, refuse."""

import json
import shutil

import duckdb
import pytest
from click.testing import CliRunner

from wolkenkaart import dbt, pipeline
from wolkenkaart.cli import cli
from wolkenkaart.errors import ChecksFailed
from wolkenkaart.pipeline import Settings, run_batch

from conftest import SAMPLE_INBOX

FILES = ["UWV_2025-Q3.xlsx", "SVB_2025-Q3_v2.xlsx", "SZW_2025-Q3.xlsx", "BD_2025-Q3.xlsx"]


@pytest.fixture()
def inbox(tmp_path):
    box = tmp_path / "inbox"
    box.mkdir()
    for name in FILES:
        shutil.copy(SAMPLE_INBOX / "2025-Q3" / name, box / name)
    return box


def figures(path):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("select * from marts.org_metrics order by all").fetchall()
    finally:
        con.close()


@pytest.fixture()
def corrupt_build(monkeypatch):
    """The real dbt build, then a scope total that no longer equals its organisations."""
    real_build = dbt.build

    def build(database):
        real_build(database)
        con = duckdb.connect(str(database))
        con.execute("update marts.scope_metrics set active_services = active_services + 1 where scope = 'totaal'")
        con.close()

    monkeypatch.setattr(pipeline.dbt, "build", build)


def test_blocking_failure_publishes_nothing_then_override_publishes(tmp_path, inbox, corrupt_build):
    settings = Settings(warehouse=tmp_path / "w.duckdb", formats=("md", "csv"))
    out = tmp_path / "out"
    with pytest.raises(ChecksFailed, match="scope"):
        run_batch("2025-Q3", inbox, out, settings)
    assert not settings.warehouse.exists()  # nothing published
    assert (out / "kwaliteit" / "datakwaliteit.json").exists()  # written in every case
    assert sorted(p.stem for p in (out / "feedback").glob("*.html")) == ["BD", "SVB", "SZW", "UWV"]
    assert not (out / "kamerbrief").exists()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["outcome"] == "blocked" and manifest["blocking_failures"]

    summary = run_batch("2025-Q3", inbox, out, settings, allow_failed_checks=True)
    assert summary.outcome == "published_with_failed_checks"
    assert settings.warehouse.exists()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["allow_failed_checks"] is True
    table = "".join(p.read_text() for p in (out / "kamerbrief").glob("tabel-1-*.md"))
    assert "--allow-failed-checks" in table


def test_run_publishes_and_rerun_is_identical(tmp_path, inbox):
    settings = Settings(warehouse=tmp_path / "w.duckdb", formats=("md", "csv", "html"))
    out = tmp_path / "out"
    run_batch("2025-Q3", inbox, out, settings)
    first = figures(settings.warehouse)
    tables = {p.name: p.read_bytes() for p in (out / "kamerbrief").iterdir()}
    assert len(first) == 4 and tables
    manifest = json.loads((out / "manifest.json").read_text())
    assert {f["file_name"] for f in manifest["input_files"]} == set(FILES)
    assert all(len(f["sha256"]) == 64 for f in manifest["output_files"])
    assert manifest["outcome"] == "published"

    run_batch("2025-Q3", inbox, out, settings)  # same bytes again: duplicates, same figures
    assert figures(settings.warehouse) == first
    assert {p.name: p.read_bytes() for p in (out / "kamerbrief").iterdir()} == tables
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    statuses = con.execute("select status, count(*) from audit.files group by 1 order by 1").fetchall()
    runs = con.execute("select count(*) from audit.batch_runs where outcome = 'published'").fetchone()[0]
    con.close()
    assert statuses == [("accepted", 4), ("duplicate", 4)]
    assert runs == 2


def test_all_files_rejected_publishes_nothing(tmp_path):
    box = tmp_path / "inbox"
    box.mkdir()
    (box / "UWV_2025-Q3.xlsx").write_bytes(b"not a workbook")
    res = CliRunner().invoke(cli, ["run", "--period", "2025-Q3", "--inbox", str(box), "--warehouse", str(tmp_path / "w.duckdb")])
    assert res.exit_code == 1
    assert "no accepted submission" in res.output and "Traceback" not in res.output
    assert not (tmp_path / "w.duckdb").exists()


def test_empty_inbox_is_a_usage_error(tmp_path):
    box = tmp_path / "inbox"
    box.mkdir()
    res = CliRunner().invoke(cli, ["run", "--period", "2025-Q3", "--inbox", str(box), "--warehouse", str(tmp_path / "w.duckdb")])
    assert res.exit_code == 2 and "holds no files" in res.output


def test_demo_into_a_named_warehouse(inbox, tmp_path, monkeypatch):
    """`demo --warehouse FILE`: the whole demo lands there; the production default is untouched."""
    monkeypatch.chdir(tmp_path)
    sample = tmp_path / "sample"
    sample.mkdir()
    shutil.copytree(inbox, sample / "2025-Q3")
    target = tmp_path / "elsewhere" / "demo.duckdb"
    res = CliRunner().invoke(cli, ["demo", "--dir", "demo", "--sample", str(sample), "--warehouse", str(target)])
    assert res.exit_code == 0, res.output
    assert len(figures(target)) > 0
    assert (tmp_path / "demo" / "reports" / "2025-Q3" / "manifest.json").is_file()
    assert (tmp_path / "demo" / "reports" / "2025" / "jaaroverzicht.html").is_file()
    assert not (tmp_path / "data").exists() and not (tmp_path / "demo" / "warehouse.duckdb").exists()
    first = figures(target)
    again = CliRunner().invoke(cli, ["demo", "--dir", "demo", "--sample", str(sample), "--warehouse", str(target)])
    assert again.exit_code == 0, again.output
    assert "duplicate" not in again.output  # started from nothing again, not on top of the first demo
    assert figures(target) == first
