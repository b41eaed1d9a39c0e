"""Frontiers and bargaining concepts on the ANAC 2014 nonlinear (hyper-rectangle) domains.

The proof of each concept: its optimum is attained on the Pareto frontier (every concept
here is nondecreasing in each utility), and the frontier is exact, so the concept's value
must equal the best value over the frontier's points.
"""

from __future__ import annotations

import numpy as np
import pytest

from accord.analysis.tables import Tables, compile_scenario
from accord.formats.genius import read_genius_folder
from accord.solve import concepts
from accord.solve.frontier import Frontier, pareto_frontier
from tests.crosscheck.corpus import CORPUS, MISSING, need_corpus

pytestmark = pytest.mark.corpus

DOMAINS = ["10issues", "10issueswithRV", "30issues", "50issues"]
TOL = 1e-9


@pytest.fixture(scope="module", params=DOMAINS if CORPUS is not None else [
    pytest.param(None, marks=pytest.mark.skip(reason=MISSING))])
def domain(request: pytest.FixtureRequest) -> tuple[Tables, Frontier]:
    tables = compile_scenario(read_genius_folder(need_corpus() / "anac/y2014" / request.param))
    front = pareto_frontier(tables)
    assert front.exact
    return tables, front


def rational_front(tables: Tables, front: Frontier) -> tuple[np.ndarray, np.ndarray]:
    d = tables.reservation[0]
    u = front.utilities
    return u[(u >= d - TOL).all(axis=1)], d


def test_welfare_is_the_best_sum_on_the_frontier(domain):
    tables, front = domain
    u, _ = rational_front(tables, front)
    sol = concepts.welfare(tables)
    assert sol.proven
    assert sol.objective == pytest.approx(u.sum(axis=1).max(), abs=TOL)


def test_egalitarian_is_the_best_least_gain_on_the_frontier(domain):
    tables, front = domain
    u, d = rational_front(tables, front)
    sol = concepts.egalitarian(tables)
    assert sol.proven
    assert sol.objective == pytest.approx((u - d).min(axis=1).max(), abs=TOL)


def test_kalai_smorodinsky_is_the_best_ratio_on_the_frontier(domain):
    tables, front = domain
    u, d = rational_front(tables, front)
    sol = concepts.kalai_smorodinsky(tables)
    assert sol.proven
    span = u.max(axis=0) - d
    assert sol.objective == pytest.approx(((u - d) / span).min(axis=1).max(), abs=TOL)


def test_nash_is_the_best_product_on_the_frontier(domain):
    tables, front = domain
    u, d = rational_front(tables, front)
    sol = concepts.nash(tables)
    assert sol.proven
    best = np.prod(u - d, axis=1).max()
    assert sol.objective == pytest.approx(best, rel=1e-9, abs=TOL)


def test_milp_frontier_equals_enumeration_on_10issues():
    tables = compile_scenario(read_genius_folder(need_corpus() / "anac/y2014/10issues"))
    exact = pareto_frontier(tables)
    milp = pareto_frontier(tables, method="epsilon-constraint")
    assert exact.method == "enumeration" and milp.exact
    assert np.allclose(exact.utilities, milp.utilities, atol=TOL)
    # a point costs one solve unless its level has ties (the lexicographic completion)
    assert milp.solves < 2 * len(milp)


def test_concepts_by_milp_equal_enumeration_on_10issues():
    tables = compile_scenario(read_genius_folder(need_corpus() / "anac/y2014/10issueswithRV"))
    for solve in (concepts.welfare, concepts.egalitarian, concepts.kalai_smorodinsky,
                  concepts.nash):
        a, b = solve(tables, method="enumeration"), solve(tables, method="milp")
        assert b.proven and b.solves > 0
        assert a.objective == pytest.approx(b.objective, rel=1e-9, abs=TOL)
