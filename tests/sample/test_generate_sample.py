"""The sample generator: deterministic, committed output up to date, every input form used,
and expected.json agreeing with what it wrote (and with the real ingest)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from ingest import schema

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"


def _load_generator():
    spec = importlib.util.spec_from_file_location("generate_sample", REPO / "tools" / "generate_sample.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("generate_sample", module)
    spec.loader.exec_module(module)
    return module


gen = _load_generator()


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("sample-a")
    expected = gen.generate(root / "inbox")
    return root, expected


def test_two_runs_give_identical_bytes(generated, tmp_path):
    first, _ = generated
    gen.generate(tmp_path / "inbox")
    a, b = _tree(first), _tree(tmp_path)
    assert a.keys() == b.keys()
    assert [name for name in a if a[name] != b[name]] == []


def test_committed_sample_is_the_generators_output(generated):
    fresh, committed = _tree(generated[0]), _tree(SAMPLE)
    assert fresh.keys() == committed.keys(), "run tools/generate_sample.py and commit data/sample"
    assert [name for name in fresh if fresh[name] != committed[name]] == []


def test_every_synonym_of_every_coded_column_is_used(generated):
    coverage = generated[1]["_coverage"]
    missing = {}
    for version in schema.TEMPLATE_VERSIONS:
        for col in schema.COLUMNS[version]:
            if col.codes is None:
                continue
            want = {schema.fold(text) for inputs in col.codes.synonyms.values() for text in inputs}
            gap = want - coverage.get(f"{version}:{col.name}", set())
            if gap:
                missing[f"{version}:{col.header}"] = sorted(gap)
    assert missing == {}


def test_every_date_and_amount_form_is_used(generated):
    coverage = generated[1]["_coverage"]
    assert coverage["dates"] >= {"cell", "serial", "iso", "dmy", "dmy0", "slash", "dutch", "year", "quarter",
                                 "year-quarter"}
    assert coverage["amounts"] >= {"number", "plain", "dots", "nl", "euro", "en"}


def test_expected_json_lists_exactly_the_files_written():
    expected = json.loads((SAMPLE / "expected.json").read_text(encoding="utf-8"))
    for period, block in expected["periods"].items():
        on_disk = sorted(p.name for p in (SAMPLE / "inbox" / period).iterdir())
        assert sorted(block["files"]) == on_disk
        for name, f in block["files"].items():
            assert f["status"] in ("accepted", "rejected"), name
            if f["status"] == "accepted":
                assert f["rows_total"] == f["rows_accepted"] + f["rows_rejected"] + f["rows_skipped"], name
                assert f["rows_accepted"] > 0 or f["rows_total"] == 0, name
            else:
                assert f["reason"], name


def test_sample_shape_matches_the_brief():
    expected = json.loads((SAMPLE / "expected.json").read_text(encoding="utf-8"))
    q2, q3 = expected["periods"]["2025-Q2"], expected["periods"]["2025-Q3"]
    assert 25 <= len(q2["organisations_with_submission"]) <= 35
    assert "DEF" in q2["organisations_with_submission"] and "DEF" in q3["organisations_with_submission"]
    assert q2["organisations_without_submission"] and q3["organisations_without_submission"]
    formats = {f["format"] for b in (q2, q3) for f in b["files"].values()}
    assert {"xlsx", "ods", "csv", "xls", "pdf", "docx"} <= formats
    versions = {p: {f.get("template_version") for f in b["files"].values()} for p, b in expected["periods"].items()}
    assert "2024.1" in versions["2025-Q2"] and "2024.1" not in versions["2025-Q3"]
    acm = [f for n, f in q3["files"].items() if n.startswith("ACM_")]
    assert len(acm) == 2 and all(f["status"] == "rejected" for f in acm)
    assert "ACM" in q2["organisations_with_submission"]
    size = sum(p.stat().st_size for p in SAMPLE.rglob("*") if p.is_file())
    assert size < 3 * 2**20


def test_service_ids_stay_stable_across_quarters():
    import random

    for org in ("BD", "UWV", "SVB", "DEF"):
        q2 = gen.build_q2(org, random.Random(f"{gen.SEED}-{org}"))
        q3 = gen.evolve(q2, org, random.Random(f"{gen.SEED}-{org}-q3"))
        ids2 = {s.service_id for s in q2 if s.status != "ended"}
        ids3 = {s.service_id for s in q3}
        assert ids2 <= ids3, org  # nothing disappears silently (ended ones are listed first)
        assert ids3 - ids2, org  # and some are new


def test_contacts_are_fictional_and_listed():
    lines = (SAMPLE / "contacts.txt").read_text(encoding="utf-8").splitlines()
    emails = [line for line in lines if "@" in line]
    names = [line for line in lines if "@" not in line]
    assert len(names) >= 25 and len(emails) == len(names)
    assert all(e.endswith("@example.nl") for e in emails)


def test_ingest_agrees_with_expected_json():
    """The real ingest over the committed sample gives the statuses and row counts of expected.json."""
    duckdb = pytest.importorskip("duckdb")
    load = pytest.importorskip("ingest.load")
    expected = json.loads((SAMPLE / "expected.json").read_text(encoding="utf-8"))
    con = duckdb.connect()
    try:
        wrong = []
        for period, block in expected["periods"].items():
            load.ingest_inbox(con, SAMPLE / "inbox" / period, period, f"test-{period}")
            got = {r[0]: r[1:] for r in con.execute(
                "select file_name, status, rows_total, rows_accepted, rows_rejected, rows_skipped "
                "from audit.files where run_id = ?", [f"test-{period}"]).fetchall()}
            for name, f in block["files"].items():
                want = (f["status"], f.get("rows_total"), f.get("rows_accepted"), f.get("rows_rejected"),
                        f.get("rows_skipped"))
                have = got.get(name)
                if have is None or have[0] != want[0] or (want[1] is not None and tuple(have[1:]) != want[1:]):
                    wrong.append((period, name, want, have))
            rejected_rows = {(r[0], r[1]) for r in con.execute(
                "select f.file_name, r.row_number from audit.rejected_rows r join audit.files f using (file_id) "
                "where f.run_id = ?", [f"test-{period}"]).fetchall()}
            for name, f in block["files"].items():
                for row in f.get("rows", []):
                    if row["outcome"] == "rejected" and (name, row["row"]) not in rejected_rows:
                        wrong.append((period, name, "row", row["row"], "not rejected"))
        assert wrong == []
    finally:
        con.close()


def test_what_organisations_told_parliament():
    import random

    for org in ("SZW", "SVB"):
        q2 = gen.build_q2(org, random.Random(f"{gen.SEED}-{org}"))
        q3 = gen.evolve(q2, org, random.Random(f"{gen.SEED}-{org}-q3"))
        for svc in q2 + q3:
            us = schema.fold(svc.vendor) in gen.US_VENDORS
            if org == "SZW":
                assert not us, svc  # nothing directly at a US vendor ...
            else:
                assert not (us and svc.cloud == "public" and svc.personal == "special"), svc
    szw = gen.build_q2("SZW", random.Random(f"{gen.SEED}-SZW"))
    hosted_in_us = [s for s in szw if s.cloud == "public" and schema.fold(s.provider) in gen.US_VENDORS]
    assert len(hosted_in_us) >= 10  # ... but about ten SaaS applications hosted on US clouds
    uwv = {s.status for s in gen.build_q2("UWV", random.Random(f"{gen.SEED}-UWV"))}
    assert {"migrating", "intended"} <= uwv


def test_contacts_txt_lists_every_contact_in_the_workbooks():
    fastexcel = pytest.importorskip("fastexcel")
    listed = set((SAMPLE / "contacts.txt").read_text(encoding="utf-8").splitlines())
    keys = {"contactpersoon", "e-mail"}
    found = set()
    for path in sorted(SAMPLE.rglob("*")):
        if path.suffix not in (".xlsx", ".xls", ".ods") or path.stat().st_size == 0:
            continue
        try:
            book = fastexcel.read_excel(str(path))
        except Exception:  # the deliberately corrupt file
            continue
        if schema.SHEET_ORG not in book.sheet_names:
            continue
        frame = book.load_sheet(schema.SHEET_ORG, header_row=None).to_polars()
        for key, value in zip(frame[:, 0].to_list(), frame[:, 1].to_list()):
            if key and schema.fold(str(key)) in keys:
                found.add(str(value))
    assert len(found) >= 50
    assert found <= listed


def test_quarter_over_quarter_warnings_are_exactly_the_deliberate_ones():
    """Read back with the real ingest: per organisation with an accepted file in both quarters, a
    Dienst-ID keeps its canonical vendor and a service leaves only as ended, except for the
    cases expected.json lists under `quality`."""
    duckdb = pytest.importorskip("duckdb")
    load = pytest.importorskip("ingest.load")
    expected = json.loads((SAMPLE / "expected.json").read_text(encoding="utf-8"))["quality"]["2025-Q3"]
    con = duckdb.connect()
    try:
        rows = {}
        for period in ("2025-Q2", "2025-Q3"):
            load.ingest_inbox(con, SAMPLE / "inbox" / period, period, f"q-{period}")
            rows[period] = {}
            for org, sid, vendor_raw, status in con.execute(
                    "select r.org_code, r.service_id, r.vendor_raw, r.status from raw.service_rows r "
                    "join audit.files f using (file_id) where f.run_id = ? and f.status = 'accepted'",
                    [f"q-{period}"]).fetchall():
                rows[period].setdefault(org, {})[sid.strip().lower()] = (
                    sid.strip(), gen.CANONICAL.get(gen.alias_key(vendor_raw)), status)
    finally:
        con.close()
    changes, gone = [], []
    for org in sorted(rows["2025-Q2"].keys() & rows["2025-Q3"].keys()):
        before, now = rows["2025-Q2"][org], rows["2025-Q3"][org]
        for key, (sid, vendor, status) in before.items():
            if key in now and now[key][1] != vendor:
                changes.append((org, now[key][0], vendor, now[key][1]))
            elif key not in now and status != "ended":
                gone.append((org, sid))
    assert len(changes) == 2 and len(gone) == 3
    assert changes == [(c["org_code"], c["service_id"], c["previous_vendor"], c["vendor"])
                       for c in expected["vendor_changes"]]
    assert gone == [(d["org_code"], d["service_id"]) for d in expected["silent_disappearances"]]
