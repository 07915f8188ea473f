"""WOLKENKAART_REFERENCE_DIR: the ingest reads its reference data from that folder (one place,
ingest.reference.reference_dir), so a register with other organisations can be used."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingest import reference, values
from ingest_files import org_sheet, run, service, workbook, write_book

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture
def extended(tmp_path: Path) -> Path:
    """A copy of seeds/ whose organisations.csv also holds SYN0001 (and countries.csv Atlantis)."""
    ref = tmp_path / "reference"
    shutil.copytree(SEEDS, ref)
    with open(ref / "organisations.csv", "a", encoding="utf-8") as f:
        f.write("SYN0001,Synthetische organisatie 0001,agentschap,BZK,true,true,1900-01-01,\n")
    with open(ref / "countries.csv", "a", encoding="utf-8") as f:
        f.write("XA,Atlantis,Atlantis,false\n")
    return ref


def test_reference_dir_defaults_to_the_seeds(monkeypatch, tmp_path):
    monkeypatch.delenv(reference.ENV, raising=False)
    assert reference.reference_dir() == SEEDS
    monkeypatch.setenv(reference.ENV, str(tmp_path))
    assert reference.reference_dir() == tmp_path
    monkeypatch.setenv(reference.ENV, "seeds")  # relative: to the repository, as dbt reads it
    assert reference.reference_dir() == SEEDS


def test_dbt_gets_the_folder_relative_to_the_project(monkeypatch, tmp_path):
    monkeypatch.delenv(reference.ENV, raising=False)
    assert reference.dbt_seed_path() == "seeds"
    monkeypatch.setenv(reference.ENV, str(SEEDS.parent / "bench" / "out" / "register"))
    assert reference.dbt_seed_path() == "bench/out/register"
    monkeypatch.setenv(reference.ENV, str(tmp_path))  # dbt would write its run output into it
    with pytest.raises(ValueError, match="inside the project"):
        reference.dbt_seed_path()


@pytest.mark.parametrize("use_extended", [True, False])
def test_org_code_only_in_the_reference_folder(con, inbox, monkeypatch, extended, use_extended):
    if use_extended:
        monkeypatch.setenv(reference.ENV, str(extended))
    else:
        monkeypatch.delenv(reference.ENV, raising=False)
    write_book(inbox / "SYN0001_2025-Q3.xlsx", workbook([service(1)], org=org_sheet(org="SYN0001")))
    result = run(con, inbox)
    (f,) = result.files
    if use_extended:
        assert (f.status, f.org_code, f.rows_accepted) == ("accepted", "SYN0001", 1)
    else:
        assert f.status == "rejected" and "Organisatiecode 'SYN0001' is onbekend" in f.message


def test_country_lookup_follows_the_reference_folder(monkeypatch, extended):
    monkeypatch.delenv(reference.ENV, raising=False)
    assert values.countries_value("Atlantis") == ([], ["Atlantis"])
    monkeypatch.setenv(reference.ENV, str(extended))
    assert values.countries_value("Atlantis") == (["XA"], [])
    monkeypatch.delenv(reference.ENV)
    assert values.countries_value("Atlantis") == ([], ["Atlantis"])  # the cache is per folder

