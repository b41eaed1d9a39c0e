"""The Pareto frontier: enumeration, epsilon-constraint and weighted sums against brute force."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.solve.frontier import Frontier, pareto_frontier
from tests.solve.strategies import SETTINGS, TOL, Brute, brute, random_tables, rational, scenarios


def check_frontier(b: Brute, front: Frontier, *, ir: bool = False, complete: bool = True):
    """Properties every frontier has; ``complete`` adds 'every package lies below it'."""
    u = rational(b) if ir else b.adm_utilities
    f = front.utilities
    assert (len(f) == 0) == (len(u) == 0) or not complete
    if not len(f):
        return
    assert np.allclose(b.tables.utilities(front.packages), f, atol=1e-12)
    assert b.tables.admissible(front.packages).all()
    # no frontier point dominates another
    ge = (f[:, None, :] >= f[None, :, :] - TOL).all(axis=2)
    gt = (f[:, None, :] > f[None, :, :] + TOL).any(axis=2)
    assert not (ge & gt).any()
    # no admissible package dominates a frontier point
    ge = (u[:, None, :] >= f[None, :, :] - TOL).all(axis=2)
    gt = (u[:, None, :] > f[None, :, :] + TOL).any(axis=2)
    assert not (ge & gt).any()
    if complete:
        # every admissible package is on or below the frontier
        assert (f[None, :, :] >= u[:, None, :] - TOL).all(axis=2).any(axis=1).all()


@SETTINGS
@given(scenarios(max_parties=4, max_issues=5), st.booleans())
def test_enumerated_frontier(scenario, ir):
    b = brute(scenario)
    front = pareto_frontier(b.tables, individually_rational=ir)
    assert front.exact and front.method == "enumeration"
    check_frontier(b, front, ir=ir)


@SETTINGS
@given(scenarios(max_parties=3, max_issues=4))
def test_keep_all_lists_every_package_of_each_vector(scenario):
    b = brute(scenario)
    front = pareto_frontier(b.tables, keep="all")
    check_frontier(b, front)
    u, pk = b.adm_utilities, b.adm_packages
    if len(u):
        near = (np.abs(u[:, None, :] - front.utilities[None]) <= TOL).all(axis=2).any(axis=1)
        assert sorted(map(tuple, pk[near])) == sorted(map(tuple, front.packages))


@SETTINGS
@given(scenarios(min_parties=2, max_parties=3, max_issues=4), st.booleans())
def test_epsilon_constraint_equals_enumeration(scenario, ir):
    b = brute(scenario)
    front = pareto_frontier(b.tables, method="epsilon-constraint", individually_rational=ir)
    assert front.exact
    check_frontier(b, front, ir=ir)
    exact = pareto_frontier(b.tables, individually_rational=ir)
    assert len(front) == len(exact)


@SETTINGS
@given(scenarios(min_parties=2, max_parties=4, max_issues=4))
def test_weighted_sums_find_only_pareto_optimal_points(scenario):
    b = brute(scenario)
    front = pareto_frontier(b.tables, method="weighted-sums", max_weights=12)
    assert not front.exact
    check_frontier(b, front, complete=False)


def test_epsilon_constraint_beyond_enumeration_limit():
    tables = random_tables(np.random.default_rng(3), n_issues=8, n_options=4, n_parties=2,
                           n_terms=6, n_links=3, red_lines=1)
    exact = pareto_frontier(tables)
    milp = pareto_frontier(tables, limit=10)
    assert milp.method == "epsilon-constraint" and milp.exact
    assert np.allclose(np.unique(exact.utilities, axis=0), np.unique(milp.utilities, axis=0),
                       atol=1e-9)


def test_three_parties_by_milp_equal_enumeration():
    tables = random_tables(np.random.default_rng(5), n_issues=5, n_options=3, n_parties=3,
                           n_terms=6, n_links=2)
    exact = pareto_frontier(tables)
    milp = pareto_frontier(tables, method="epsilon-constraint")
    assert milp.exact
    assert np.allclose(exact.utilities, milp.utilities, atol=1e-9)


def test_bad_method():
    tables = random_tables(np.random.default_rng(1), n_issues=2, n_options=2, n_parties=4)
    with pytest.raises(ValueError, match="at most 3 parties"):
        pareto_frontier(tables, method="epsilon-constraint")
