"""The benchmark at a tiny size, so it cannot rot: the generator writes valid, deterministic
submissions and every reader counts exactly the rows generated. No timing is asserted."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from bench import generate, run
from ingest import schema

FILES, ROWS = 3, 20


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> generate.Generated:
    root = tmp_path_factory.mktemp("bench") / "read"
    return generate.generate(root, files=FILES, rows=ROWS, last_period="2025-Q1", workers=1)


@pytest.fixture(scope="module")
def compared(tiny, tmp_path_factory) -> dict:
    scratch = tmp_path_factory.mktemp("scratch")
    return run.compare_readers([tiny.inbox(p) for p in tiny.periods], 1, scratch)


def test_plan_spreads_files_over_quarters_of_real_organisations(tmp_path):
    codes = generate.org_codes()
    assert len(codes) == len(set(codes))  # the register's history rows give no duplicate files
    gen = generate.plan(tmp_path, files=len(codes) + 2, rows=5, last_period="2025-Q1")
    assert gen.periods == ["2024-Q4", "2025-Q1"]
    assert gen.rows == (len(codes) + 2) * 5
    assert len({f.path for f in gen.files}) == len(gen.files)
    assert all(f.path.name == f"{f.org_code}_{f.period}.xlsx" and f.path.parent.name == f.period for f in gen.files)


@pytest.mark.parametrize(("period", "n", "expected"),
                         [("2025-Q1", -1, "2024-Q4"), ("2025-Q4", 1, "2026-Q1"), ("2025-Q3", -20, "2020-Q3")])
def test_add_quarters(period, n, expected):
    assert generate.add_quarters(period, n) == expected


def test_generated_files_follow_the_template(tiny):
    import fastexcel

    assert tiny.rows == FILES * ROWS and len(tiny.files) == FILES
    reader = fastexcel.read_excel(str(tiny.files[0].path))
    assert reader.sheet_names == [schema.SHEET_ORG, schema.SHEET_SERVICES]
    services = reader.load_sheet(schema.SHEET_SERVICES, header_row=None, dtypes="string").to_polars()
    header = services.row(0)
    assert [schema.header_key(h) for h in header] == [schema.header_key(c.header)
                                                      for c in schema.COLUMNS[schema.CURRENT_TEMPLATE]]
    assert services.height == ROWS + 1


def test_generation_is_deterministic(tiny, tmp_path):
    spec = tiny.files[0]
    again = generate.write_file(generate.FileSpec(tmp_path / spec.path.name, spec.org_code, spec.period,
                                                  spec.rows, spec.seed))
    other = generate.write_file(generate.FileSpec(tmp_path / "other.xlsx", spec.org_code, spec.period,
                                                  spec.rows, spec.seed + 1))
    assert sha(again) == sha(spec.path)
    assert sha(other) != sha(spec.path)


def test_every_reader_counts_every_generated_row(compared, tiny):
    readers = compared["readers"]
    assert set(readers) == {"project", "floor", "baseline"}
    for kind, result in readers.items():
        assert "error" not in result, (kind, result)
        assert result["rows"] == tiny.rows, kind
        assert result["seconds"] > 0 and result["cpu_s"] > 0 and result["peak_rss_mb"] > 0
    assert compared["ratios"]["project_over_floor"] > 0
    assert compared["ratios"]["baseline_over_project"] > 0


def test_project_ingest_accepts_the_generated_files(tiny, tmp_path):
    import duckdb

    from bench import readers

    db = tmp_path / "w.duckdb"
    assert readers.project([tiny.inbox(p) for p in tiny.periods], database=db) == tiny.rows
    con = duckdb.connect(str(db), read_only=True)
    try:
        statuses = con.execute("select status, count(*) from audit.files group by all").fetchall()
        accepted = con.execute("select count(*) from raw.service_rows").fetchone()[0]
    finally:
        con.close()
    assert statuses == [("accepted", FILES)]
    assert 0 < accepted <= tiny.rows  # a few generated rows carry an invalid value on purpose


def test_report_shows_ratios_and_errors(compared):
    result = {"size": "tiny", "files": FILES, "rows_per_file": ROWS, "rows": FILES * ROWS,
              "machine": run.machine(), "compare": compared,
              "run": {"rows": 60, "files": 3, "empty_inbox": {"exit": 2, "error": "Error: no inbox"},
                      "first": {"exit": 0, "wall_s": 1.0, "peak_rss_mb": 10.0, "steps_s": {"ingest": 0.5}}}}
    text = run.report(result)
    assert "(a)/(b) = " in text and "(c)/(a) = " in text
    assert "error: Error: no inbox" in text
    assert "| full run | 0 | 1.0 | – | 10 | 0.5 | – | – | – | – | – | 0.5 |" in text


def test_step_split_from_the_log():
    log = ("09:01:02 ingest …\n09:01:03 ingest done in 1.5 s\ndbt build done in 12.0 s\n"
           "quality report and feedback done in 0.25 s\nsomething else done in 9 s\n")
    assert {m[1]: float(m[2]) for m in run._STEP_DONE.finditer(log)} == {
        "ingest": 1.5, "dbt build": 12.0, "quality report and feedback": 0.25}


def test_parse_time_v():
    text = ("\tCommand being timed: \"x\"\n\tMaximum resident set size (kbytes): 204800\n"
            "\tUser time (seconds): 3.50\n\tSystem time (seconds): 0.25\n"
            "\tElapsed (wall clock) time (h:mm:ss or m:ss): 1:02.50\n")
    assert run._parse_time_v(text) == {"peak_rss_mb": 200.0, "wall_s": 62.5, "cpu_s": 3.75}
    assert run._parse_time_v("Command exited with non-zero status 2\n") == {}


def test_run_on_a_missing_inbox_reports_the_error(tmp_path):
    result = run.wolkenkaart_run(tmp_path / "missing", tmp_path / "w.duckdb", tmp_path / "out")
    assert result["exit"] == 2
    assert result["error"] and "Traceback" not in result["error"]
    assert result["steps_s"] == {}


def test_register_adds_synthetic_organisations_the_ingest_accepts(tmp_path, monkeypatch):
    import duckdb

    from bench import readers
    from ingest.reference import ENV

    real = generate.org_codes()
    register = tmp_path / "register"
    codes = generate.write_register(register, len(real) + 3)
    assert codes == real + ["SYN0001", "SYN0002", "SYN0003"]
    assert sorted(p.name for p in register.iterdir()) == sorted(p.name for p in generate.SEEDS.iterdir())
    assert generate.write_register(tmp_path / "again", len(real) + 3) == codes  # deterministic
    assert sha(tmp_path / "again" / "organisations.csv") == sha(register / "organisations.csv")
    gen = generate.generate(tmp_path / "run", files=3, rows=5, last_period="2025-Q3", workers=1, orgs=codes[-3:])
    assert gen.periods == ["2025-Q3"] and [f.org_code for f in gen.files] == codes[-3:]
    inbox = [gen.inbox("2025-Q3")]

    def statuses(db: Path) -> list:
        readers.project(inbox, database=db)
        con = duckdb.connect(str(db), read_only=True)
        try:
            return con.execute("select status, count(*) from audit.files group by all").fetchall()
        finally:
            con.close()

    monkeypatch.delenv(ENV, raising=False)
    assert statuses(tmp_path / "seeds.duckdb") == [("rejected", 3)]
    monkeypatch.setenv(ENV, str(register))
    assert statuses(tmp_path / "register.duckdb") == [("accepted", 3)]


@pytest.fixture
def in_project():
    """A scratch folder inside the project (bench/out/, git-ignored): dbt needs the reference
    folder there (ingest.reference.dbt_seed_path)."""
    import shutil
    import uuid

    root = run.OUT / f"smoke-{uuid.uuid4().hex[:8]}"
    root.mkdir(parents=True)
    yield root
    shutil.rmtree(root, ignore_errors=True)


def test_full_run_with_a_register_of_more_organisations(in_project):
    """The whole batch (dbt seeds and tests included) on 41 organisations, one row each."""
    orgs = run.RUN_ORGS + 2
    result = run.full_run(in_project, orgs, "csv", 1, orgs=orgs)
    register = in_project / f"register-{orgs}"
    assert (result["organisations"], result["files"], result["rows"]) == (orgs, orgs, orgs)
    assert result["register"] == str(register.resolve())
    for key in ("empty_inbox_first", "empty_inbox", "first", "resubmission"):
        assert result[key]["exit"] == 0, (key, result[key].get("error"))
    assert result["resubmission"]["files_by_status"] == {"accepted": 1, "duplicate": orgs - 1}
    assert (register / "organisations.csv").read_text(encoding="utf-8").endswith(
        ",".join(generate.synthetic_row(2)) + "\n")  # dbt left the register as written


def test_run_with_a_register_outside_the_project_stops_before_dbt(tmp_path):
    register = tmp_path / "register"
    generate.write_register(register, run.RUN_ORGS + 1)
    before = (register / "organisations.csv").read_bytes()
    inbox = tmp_path / "inbox"
    generate.write_file(generate.FileSpec(inbox / "SYN0001_2025-Q3.xlsx", "SYN0001", "2025-Q3", 1, 0))
    result = run.wolkenkaart_run(inbox, tmp_path / "w.duckdb", tmp_path / "out", formats="csv",
                                 env={"WOLKENKAART_REFERENCE_DIR": str(register)})
    assert result["exit"] != 0 and "must lie inside the project" in result["error"]
    assert (register / "organisations.csv").read_bytes() == before


def test_history_run_measures_the_same_quarter_on_a_growing_history(in_project):
    """--history: the last full quarter, run on warehouses holding 0 and 1 earlier quarters."""
    import duckdb

    spec = run.Size(2 * run.RUN_ORGS, 1)
    result = run.history_run(in_project, spec, 1, "csv", 1)
    assert (result["period"], result["rows"]) == ("2025-Q3", run.RUN_ORGS)
    assert [(r["quarters"], r["history_rows"], r["exit"]) for r in result["runs"]] == [
        (0, 0, 0), (1, run.RUN_ORGS, 0)]
    con = duckdb.connect(str(in_project / "work-history" / "history-1.duckdb"), read_only=True)
    try:
        periods = con.execute("select distinct period from marts.org_metrics order by 1").fetchall()
    finally:
        con.close()
    assert periods == [("2025-Q2",), ("2025-Q3",)]
    text = run.report({"size": "tiny", "rows": 0, "files": 0, "rows_per_file": 0, "machine": run.machine(),
                       "history": result})
    assert "| 1 | 39 | 0 |" in text


def test_read_comparison_on_the_national_shape_knows_every_organisation(in_project):
    """The readers compare on one quarter with one file per organisation; beyond the 39 real
    ones the project's ingest gets the synthetic register, so every file is accepted."""
    import duckdb

    n = run.RUN_ORGS + 2
    gen, env = run.organisations_set(in_project, n, 2, 1)
    assert gen.periods == [run.PERIOD] and len(gen.files) == n
    compared = run.compare_readers([gen.inbox(run.PERIOD)], 1, in_project / "scratch", ("floor", "project"), env)
    assert {k: r["rows"] for k, r in compared["readers"].items()} == {"floor": 2 * n, "project": 2 * n}
    con = duckdb.connect(str(in_project / "scratch" / "project.duckdb"), read_only=True)
    try:
        assert con.execute("select status, count(*) from audit.files group by 1").fetchall() == [("accepted", n)]
    finally:
        con.close()
