"""wolkenkaart.dbt.build loads the seeds only when the warehouse (a copy of the published one)
does not already hold them loaded and tested from the same inputs."""

from __future__ import annotations

import shutil

import duckdb

from dbt_harness import FILES, PROJECT_DIR, ROWS, build_warehouse

from wolkenkaart import dbt


def kinds(result) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in result.result.results:
        kind = r.node.unique_id.split(".")[0]
        if kind == "test" and any(p.startswith("seed.") for p in r.node.depends_on.nodes) and not any(
                p.startswith("model.") for p in r.node.depends_on.nodes):
            kind = "seed test"
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def test_unchanged_seeds_are_not_loaded_again(warehouse, tmp_path, monkeypatch):
    # the target folder of the session's first build: partial parsing is reused
    monkeypatch.setenv("WOLKENKAART_DBT_TARGET", str(warehouse.parent / "target"))
    monkeypatch.delenv("WOLKENKAART_REFERENCE_DIR", raising=False)
    db = tmp_path / "w.duckdb"
    build_warehouse(db, FILES, ROWS)
    fingerprint = dbt.seeds_fingerprint()
    assert not dbt.seeds_loaded(db, fingerprint)

    first = kinds(dbt.build(db))
    assert first["seed"] == 4 and first["seed test"] > 0
    assert dbt.seeds_loaded(db, fingerprint)
    with duckdb.connect(str(db), read_only=True) as con:
        before = con.execute("select * from marts.org_metrics order by all").fetchall()

    second = kinds(dbt.build(db))
    assert "seed" not in second and "seed test" not in second
    assert second["model"] == first["model"]
    assert second["test"] == first["test"]  # model tests that also read a seed still run
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select * from marts.org_metrics order by all").fetchall() == before
        assert con.execute("select count(*) from reference.organisations").fetchone()[0] > 0
    assert dbt.seeds_loaded(db, fingerprint)

    # a missing seed table, or a mark from other inputs: load them again
    with duckdb.connect(str(db)) as con:
        con.execute("comment on table reference.countries is 'wolkenkaart seeds 0000'")
    assert not dbt.seeds_loaded(db, fingerprint)
    with duckdb.connect(str(db)) as con:
        con.execute(f"comment on table reference.countries is '{dbt.SEEDS_MARK}{fingerprint}'")
        con.execute("drop table reference.vendors cascade")
    assert not dbt.seeds_loaded(db, fingerprint)


def test_the_fingerprint_follows_every_reference_file(tmp_path, monkeypatch):
    folder = tmp_path / "reference"
    shutil.copytree(PROJECT_DIR / "seeds", folder)
    monkeypatch.setenv("WOLKENKAART_REFERENCE_DIR", str(folder))
    original = dbt.seeds_fingerprint()
    assert dbt.seeds_fingerprint() == original
    for name in ("vendors.csv", "_seeds.yml"):
        path = folder / name
        text = path.read_text(encoding="utf-8")
        path.write_text(text + "\n", encoding="utf-8")
        assert dbt.seeds_fingerprint() != original, name
        path.write_text(text, encoding="utf-8")
        assert dbt.seeds_fingerprint() == original
    monkeypatch.delenv("WOLKENKAART_REFERENCE_DIR")
    assert dbt.seeds_fingerprint() == original  # same bytes in the repository's seeds/
    assert not dbt.seeds_loaded(tmp_path / "missing.duckdb", original)
