"""The dbt models and an independent plain-Python computation agree on the sample data."""

import math

import duckdb
import pytest

from crosscheck.independent_metrics import COUNTS, compute

SHARES = ["share_materieel_us"]
SCOPE_SHARES = ["share_materieel_us", "share_personal_data_in_eer", "share_public_eer_vendor"]


@pytest.fixture(scope="module")
def both(sample_batch):
    con = duckdb.connect(str(sample_batch["warehouse"]), read_only=True)
    try:
        mine_orgs, mine_scopes = compute(con)
        cols = ["period", "org_code", *COUNTS, "annual_cost_public_eur", *SHARES]
        theirs_orgs = {
            (r[0], r[1]): dict(zip(cols[2:], r[2:]))
            for r in con.execute(f"select {', '.join(cols)} from marts.org_metrics").fetchall()
        }
        scols = ["period", "scope", *COUNTS, "annual_cost_public_eur", "organisations", "organisations_expected", *SCOPE_SHARES]
        theirs_scopes = {
            (r[0], r[1]): dict(zip(scols[2:], r[2:]))
            for r in con.execute(f"select {', '.join(scols)} from marts.scope_metrics").fetchall()
        }
    finally:
        con.close()
    return mine_orgs, mine_scopes, theirs_orgs, theirs_scopes


def same(a, b):
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


def test_same_organisations(both):
    mine, _, theirs, _ = both
    assert set(mine) == set(theirs)
    assert len(mine) >= 20  # the sample has about 30 organisations per period


def differences(mine: dict, theirs: dict) -> list:
    return [
        (key, col, mine[key][col], theirs[key][col])
        for key in mine
        for col in mine[key]
        if not same(mine[key][col], theirs[key][col])
    ]


def test_org_metrics_agree(both):
    mine, _, theirs, _ = both
    assert differences(mine, theirs) == []


def test_scope_metrics_agree(both):
    _, mine, _, theirs = both
    assert set(mine) == set(theirs)
    assert differences(mine, theirs) == []


def test_sample_exercises_the_metrics(both):
    """The comparison means something only if the sample has non-zero figures."""
    mine, _, _, _ = both
    totals = {c: sum(v[c] for v in mine.values()) for c in COUNTS}
    for col in ("materieel_services", "materieel_us_direct", "materieel_us_indirect", "foreign_migrations",
                "reconsidered_services", "personal_data_non_eea", "active_us_dependent"):
        assert totals[col] > 0, col
