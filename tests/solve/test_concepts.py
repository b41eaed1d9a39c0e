"""Solution concepts: enumeration and MILP against brute-force optima."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.model import ACTIVE
from accord.solve import concepts
from accord.solve.errors import NoAgreementError
from tests.solve.strategies import SETTINGS, brute, random_tables, rational, scenarios

CONCEPTS = ["welfare", "egalitarian", "kalai_smorodinsky", "nash"]


def reference(u: np.ndarray, d: np.ndarray, name: str) -> float:
    """The concept's optimal objective over individually rational utilities ``u``."""
    g = u - d
    if name == "welfare":
        return float(u.sum(axis=1).max())
    if name == "egalitarian":
        return float(g.min(axis=1).max())
    rng = u.max(axis=0) - d
    active = rng > ACTIVE
    if not active.any():
        return 0.0
    if name == "kalai_smorodinsky":
        return float((g[:, active] / rng[active]).min(axis=1).max())
    return float(np.prod(np.maximum(g, 0.0)[:, active], axis=1).max())


def check(b, name: str, method: str, d: np.ndarray | None = None) -> None:
    d = b.tables.reservation[0] if d is None else d
    u = rational(b, d)
    solve = getattr(concepts, name)
    if not len(u):
        with pytest.raises(NoAgreementError):
            solve(b.tables, method=method, disagreement=d)
        return
    sol = solve(b.tables, method=method, disagreement=d)
    assert sol.method == method
    assert sol.proven, sol
    assert abs(sol.objective - reference(u, d, name)) <= 1e-9, (sol, reference(u, d, name))
    assert np.allclose(b.tables.utilities(sol.package[None, :])[0], sol.utilities, atol=1e-12)
    assert b.tables.admissible(sol.package[None, :])[0]
    assert (sol.utilities >= d - 2e-9).all()
    assert np.allclose(sol.gains, sol.utilities - d)


@SETTINGS
@given(scenarios(max_parties=4, max_issues=5), st.sampled_from(CONCEPTS))
def test_enumeration_reaches_the_brute_force_optimum(scenario, name):
    check(brute(scenario), name, "enumeration")


@SETTINGS
@given(scenarios(max_parties=4, max_issues=5), st.sampled_from(CONCEPTS))
def test_milp_agrees_with_enumeration(scenario, name):
    check(brute(scenario), name, "milp")


@SETTINGS
@given(scenarios(min_parties=2, max_parties=3, max_issues=4), st.sampled_from(CONCEPTS),
       st.lists(st.integers(0, 4), min_size=3, max_size=3))
def test_custom_disagreement_point(scenario, name, tenths):
    b = brute(scenario)
    d = np.asarray(tenths[: b.tables.n_parties], dtype=float) / 10
    check(b, name, "enumeration", d)
    check(b, name, "milp", d)


@pytest.mark.parametrize("name", CONCEPTS)
def test_concepts_are_pareto_optimal_on_a_larger_space(name):
    tables = random_tables(np.random.default_rng(11), n_issues=7, n_options=3, n_parties=3,
                           n_terms=9, n_links=3, red_lines=1, reservation=0.2)
    enum = getattr(concepts, name)(tables, method="enumeration")
    milp = getattr(concepts, name)(tables, method="milp")
    assert milp.proven and abs(enum.objective - milp.objective) <= 1e-9
    from accord.solve.frontier import pareto_frontier

    front = pareto_frontier(tables).utilities
    for sol in (enum, milp):
        better = (front >= sol.utilities - 1e-12).all(axis=1) & \
            (front > sol.utilities + 1e-9).any(axis=1)
        assert not better.any()


def test_exclude_gives_the_next_best():
    tables = random_tables(np.random.default_rng(2), n_issues=4, n_options=3, n_parties=2)
    first = concepts.welfare(tables, method="milp")
    second = concepts.welfare(tables, method="milp", exclude=[first.package])
    enum = concepts.welfare(tables, method="enumeration", exclude=[first.package])
    assert not np.array_equal(first.package, second.package)
    assert second.objective <= first.objective + 1e-12
    assert abs(second.objective - enum.objective) <= 1e-9


def test_no_agreement_is_a_value_error():
    tables = random_tables(np.random.default_rng(0), n_issues=3, n_options=2, n_parties=2,
                           reservation=2.0)
    for method in ("enumeration", "milp"):
        with pytest.raises(ValueError, match="disagreement"):
            concepts.nash(tables, method=method)


@SETTINGS
@given(scenarios(max_parties=3, max_issues=4), st.data(), st.sampled_from(["enumeration",
                                                                           "milp"]))
def test_nash_and_ks_ignore_positive_affine_rescaling(scenario, data, method):
    import dataclasses

    from accord.analysis.problem import Interaction, as_problem

    problem = as_problem(brute(scenario).tables)
    if problem.clip.any():
        return  # clipping into [0, 1] is not affine-invariant
    n = problem.n_parties
    a = np.asarray(data.draw(st.lists(st.integers(1, 6), min_size=n, max_size=n))) / 2
    b = np.asarray(data.draw(st.lists(st.integers(-4, 4), min_size=n, max_size=n))) / 4
    scaled = dataclasses.replace(
        problem, util=problem.util * a, base=problem.base * a + b,
        reservation=problem.reservation * a + b,
        interactions=tuple(Interaction(t.issues, t.masks, t.values * a)
                           for t in problem.interactions))
    try:
        before = concepts.nash(problem, method=method)
    except NoAgreementError:
        with pytest.raises(NoAgreementError):
            concepts.nash(scaled, method=method)
        return
    after = concepts.nash(scaled, method=method)
    # the product runs over the parties able to gain; each factor scales by its a_p
    ratio = float(np.prod(a[before.gains > 1e-12])) if before.objective > 0 else 1.0
    assert abs(after.objective - before.objective * ratio) <= 1e-9 * max(1.0, ratio)
    ks_before = concepts.kalai_smorodinsky(problem, method=method)
    ks_after = concepts.kalai_smorodinsky(scaled, method=method)
    assert abs(ks_before.objective - ks_after.objective) <= 1e-9
