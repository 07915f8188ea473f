"""The quality report: Dutch, deterministic, complete."""

from __future__ import annotations

import json

import pytest

from reports.quality_report import write_quality_report


def test_report_is_byte_identical(consistent_report, tmp_path):
    a = write_quality_report(consistent_report, tmp_path / "a")
    b = write_quality_report(consistent_report, tmp_path / "b")
    assert [p.name for p in a] == ["datakwaliteit.html", "datakwaliteit.json"]
    assert all(p.parent.name == "kwaliteit" for p in a)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]


def test_report_is_deterministic_across_runs(fixture_warehouse, consistent_report, tmp_path):
    import duckdb

    from expectations.run import run_checks

    con = duckdb.connect(str(fixture_warehouse), read_only=True)
    try:
        again = run_checks(con, "2025-Q3")
    finally:
        con.close()
    a = write_quality_report(consistent_report, tmp_path / "a")
    b = write_quality_report(again, tmp_path / "b")
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]


def test_json_content(consistent_report, tmp_path):
    paths = write_quality_report(consistent_report, tmp_path)
    data = json.loads(paths[1].read_text(encoding="utf-8"))
    assert data["periode"] == "2025-Q3"
    s = data["samenvatting"]
    assert s["publicatie_toegestaan"] is True and s["blokkerend_mislukt"] == []
    assert s["controles"] == len(consistent_report.results)
    warned = {w["controle"] for w in s["waarschuwingen"]}
    assert "marts.no_files_rejected" in warned and "marts.vendor_known" in warned
    checks = {c["controle"]: c for suite in data["suites"] for c in suite["controles"]}
    assert checks["shares_between_0_and_1"]["ernst"] == "blokkerend" and checks["shares_between_0_and_1"]["geslaagd"]
    assert checks["vendor_known"]["afwijkende_rijen"][0]["service_id"] == "U-4"
    (v,) = data["volledigheid"]
    assert [o["org_code"] for o in v["bestand_afgewezen"]] == ["SVB"]
    missing = {o["org_code"] for o in v["geen_aanlevering"]}
    assert "AZ" in missing and not {"SVB", "UWV", "BZK"} & missing
    zbo = next(p for p in v["per_scope"] if p["scope"] == "zbo")
    assert zbo["organisaties_met_cijfers"] == 1
    assert data["herzieningen"] == []


def test_blocking_failure_and_escaping_in_html(consistent_report, tmp_path):
    from dataclasses import replace

    from expectations.run import CheckResult

    bad = CheckResult("marts", "shares_between_0_and_1", "blocking", False, "Elk aandeel ligt tussen 0 en 1",
                      [1.2], [{"row_key": "<script>x</script>", "value": 1.2}])
    report = replace(consistent_report, results=[bad, *consistent_report.results[1:]])
    html_path, json_path = write_quality_report(report, tmp_path)
    html = html_path.read_text(encoding="utf-8")
    assert "publicatie geweigerd" in html and "<script>" not in html and "&lt;script&gt;" in html
    assert json.loads(json_path.read_text(encoding="utf-8"))["samenvatting"]["publicatie_toegestaan"] is False
    assert '<html lang="nl">' in html and "<caption>" in html


@pytest.mark.parametrize("data", [
    [], {}, [[]], [{}], {"a": []}, "tekst", 5, None, [1, 2.5, float("nan"), float("inf"), True, None, "x", -0.0],
    {1: "a", 2: "b"}, {"z": {1: [1, {"a": 2}]}}, [{"a": 1}, {"a": {"b": [1, {}]}}], [{"a": 1}, {"b": 1}],
    ("t", 1), {"%s": 1, "é\"\n\t<>&": [{"x": -0.0, "%d": "%s"}]}, [{"k": float("inf")}, {"k": True}],
    [{"a": [{"b": 1}, {"b": 2}]}, {"a": []}], [{"b": 1, "a": "x"}, {"a": None, "b": 2.25}], [{"a": 1}, 3],
])
def test_json_writer_writes_what_json_dumps_writes(data):
    from reports.quality_report import _json

    assert _json(data) == json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)


def test_json_of_the_report_is_what_json_dumps_writes(consistent_report, bad_rows_report):
    from reports.quality_report import _json, report_dict

    for report in (consistent_report, bad_rows_report[0]):
        data = report_dict(report)
        assert _json(data) == json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
