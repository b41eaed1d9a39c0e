"""Zone of possible agreement: exact counts against brute force, estimates with intervals."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.solve.zopa import unanimity, zopa
from tests.solve.strategies import SETTINGS, brute, random_tables, scenarios


def at_least_two(accept: np.ndarray) -> np.ndarray:
    return accept.sum(axis=1) >= 2


@SETTINGS
@given(scenarios(max_parties=4, max_issues=5), st.sampled_from([None, at_least_two]))
def test_exact_count_equals_brute_force(scenario, rule):
    b = brute(scenario)
    accept = b.adm_utilities >= b.tables.reservation[0] - 1e-9
    z = zopa(b.tables, rule=rule)
    assert z.exact and z.method == "enumeration"
    assert z.space == len(b.packages)
    assert z.admissible == len(b.adm_utilities)
    assert z.accepted == int(accept.all(axis=1).sum())
    assert z.ratified == int((rule or unanimity)(accept).sum())


@SETTINGS
@given(scenarios(max_parties=1, max_issues=5))
def test_meet_in_the_middle_for_one_party(scenario):
    b = brute(scenario)
    try:
        z = zopa(b.tables, method="dynamic-programming")
    except ValueError:
        return  # a term or linkage spans every split
    accept = b.adm_utilities >= b.tables.reservation[0] - 1e-9
    assert z.exact
    assert z.admissible == len(b.adm_utilities)
    assert z.accepted == int(accept.all(axis=1).sum()) == z.ratified


def test_monte_carlo_interval_covers_the_truth():
    tables = random_tables(np.random.default_rng(8), n_issues=8, n_options=4, n_parties=3,
                           n_links=4, red_lines=1, reservation=0.45)
    exact = zopa(tables)
    est = zopa(tables, method="monte-carlo", samples=100_000, rng=np.random.default_rng(1))
    assert not est.exact and est.samples == 100_000
    for name in ("admissible", "accepted", "ratified"):
        lo, hi = est.intervals[name]
        assert lo <= getattr(exact, name) <= hi
    again = zopa(tables, method="monte-carlo", samples=100_000, rng=np.random.default_rng(1))
    assert again.accepted == est.accepted


def test_auto_picks_dynamic_programming_for_one_large_additive_party():
    tables = random_tables(np.random.default_rng(9), n_issues=14, n_options=4, n_parties=1,
                           reservation=0.55)
    z = zopa(tables, limit=10**5)
    assert z.method == "dynamic-programming" and z.exact
    small = zopa(tables)
    assert (small.admissible, small.accepted) == (z.admissible, z.accepted)


def test_dynamic_programming_refuses_two_parties():
    tables = random_tables(np.random.default_rng(9), n_issues=4, n_options=2, n_parties=2)
    with pytest.raises(ValueError):
        zopa(tables, method="dynamic-programming")
