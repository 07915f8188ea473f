"""dbt keeps its partial-parse state per warehouse: switching between warehouses (production,
demo, a bench's) must not make every build parse the whole project again."""

from __future__ import annotations

import os
import time

from wolkenkaart import dbt


def test_one_target_folder_per_warehouse_and_reference(tmp_path, monkeypatch):
    monkeypatch.setenv("WOLKENKAART_DBT_TARGET", str(tmp_path / "t"))
    a, b = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    assert dbt.target_dir(a) == dbt.target_dir(tmp_path / "." / "a.duckdb")
    assert dbt.target_dir(a) != dbt.target_dir(b)
    assert dbt.target_dir(a).parent == tmp_path / "t" == dbt.target_dir()
    monkeypatch.delenv("WOLKENKAART_REFERENCE_DIR", raising=False)
    default = dbt.target_dir(a)
    monkeypatch.setenv("WOLKENKAART_REFERENCE_DIR", "data/sample")  # another (in-project) folder
    assert dbt.target_dir(a) != default


def test_switching_warehouses_keeps_the_partial_parse(tmp_path, monkeypatch):
    monkeypatch.setenv("WOLKENKAART_DBT_TARGET", str(tmp_path / "t"))
    a, b = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    for db in (a, b, a):
        dbt.invoke(["parse"], db)
    log = (dbt.target_dir(a) / "logs" / "dbt.log").read_text(encoding="utf-8")
    # the first parse of a finds no saved state; the second, after b, finds a's own
    assert log.count("Unable to do partial parsing") == 1, log[-2000:]


def test_old_target_folders_are_pruned(tmp_path, monkeypatch):
    """Beyond the KEPT_TARGETS most recent folders, those unused for PRUNE_AFTER_S go; a folder
    used lately stays (a build may still be running there)."""
    monkeypatch.setenv("WOLKENKAART_DBT_TARGET", str(tmp_path / "t"))
    now = time.time()
    folders = []
    for i in range(dbt.KEPT_TARGETS + 4):
        f = dbt.target_dir(tmp_path / f"w{i}.duckdb")
        f.mkdir(parents=True)
        age = 60 + i if i < dbt.KEPT_TARGETS + 2 else dbt.PRUNE_AFTER_S + 60 + i
        os.utime(f, (now - age, now - age))
        folders.append(f)
    dbt._prune_targets(folders[0])
    kept = {p.name for p in (tmp_path / "t").iterdir()}
    assert kept == {f.name for f in folders[: dbt.KEPT_TARGETS + 2]}
