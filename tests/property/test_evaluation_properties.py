"""Invariants of evaluation, checked on random scenarios against the scalar reference."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.analysis import reference
from accord.analysis.evaluate import evaluate_packages, evaluate_plan
from accord.analysis.tables import compile_scenario
from accord.model import EPS, Form, Plan, Scenario

from .strategies import scenarios

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def all_packages(s: Scenario) -> np.ndarray:
    return np.array(list(itertools.product(*[range(i.size) for i in s.issues])), dtype=np.int64)


@SETTINGS
@given(scenarios())
def test_utilities_stay_in_unit_interval(s: Scenario) -> None:
    u = compile_scenario(s).utilities(all_packages(s))
    assert (u >= -1e-12).all() and (u <= 1 + 1e-12).all()


@SETTINGS
@given(scenarios())
def test_batch_equals_one_by_one_and_the_reference(s: Scenario) -> None:
    tables = compile_scenario(s)
    pk = all_packages(s)
    batch = evaluate_packages(s, tables, pk)
    for row, k in zip(pk, range(len(pk)), strict=True):
        single = evaluate_packages(s, tables, row[None, :])
        assert np.array_equal(single.utilities[0], batch.utilities[k])
        assert np.array_equal(single.acceptable[0], batch.acceptable[k])
        assert single.ratified[0] == batch.ratified[k]
        choices = s.plan_from_indices(row).choices
        ref = [reference.utility(s, p, choices) for p in s.party_ids]
        np.testing.assert_allclose(batch.utilities[k], ref, atol=1e-12)
        assert bool(tables.admissible(row[None, :])[0]) == reference.admissible(s, choices)


def _rescale(s: Scenario, party: str, factor: float) -> Scenario:
    prefs = dict(s.preferences)
    prefs[party] = prefs[party].rescaled(factor)
    return Scenario(s.id, s.title, s.parties, s.issues, prefs, s.constraints,
                    s.ratification, s.plans)


@SETTINGS
@given(scenarios(forms=(Form.SCORES,)), st.floats(0.001, 1000.0), st.data())
def test_rescaling_a_score_sheet_changes_no_acceptance_or_ranking(
    s: Scenario, factor: float, data: st.DataObject
) -> None:
    party = data.draw(st.sampled_from(s.party_ids))
    scaled = _rescale(s, party, factor)
    pk = all_packages(s)
    before = evaluate_packages(s, compile_scenario(s), pk)
    after = evaluate_packages(scaled, compile_scenario(scaled), pk)
    assert np.array_equal(before.acceptable, after.acceptable)
    assert np.array_equal(before.ratified, after.ratified)
    k = s.party_index(party)
    u0, u1 = before.utilities[:, k], after.utilities[:, k]
    np.testing.assert_allclose(u0, u1, atol=1e-9)
    # every strict ranking (beyond tolerance) is preserved
    strict = u0[:, None] > u0[None, :] + EPS
    assert (u1[:, None] > u1[None, :])[strict].all()


@SETTINGS
@given(scenarios(max_issues=3))
def test_not_dominated_means_no_admissible_package_dominates(s: Scenario) -> None:
    tables = compile_scenario(s)
    ev = evaluate_plan(s, s.plans[0], tables)
    pk = all_packages(s)
    u = tables.utilities(pk)
    target = np.array([o.utility for o in ev.parties])
    ok = tables.admissible(pk)
    dominating = ok & (u >= target - EPS).all(axis=1) & (u > target + EPS).any(axis=1)
    assert ev.pareto_dominated == bool(dominating.any())
    if ev.dominance.by is not None:
        assert dominating[np.flatnonzero((pk == np.array(ev.dominance.by)).all(axis=1))[0]]


@SETTINGS
@given(scenarios(max_issues=3))
def test_the_apis_dominance_is_the_brute_force_answer(s: Scenario) -> None:
    """``accord.evaluate`` decides dominance on the shared frontier enumeration: the same
    answer, and a dominating package with the same largest total gain, as walking every
    package (:func:`accord.analysis.dominance.dominance`), for each plan and for no deal."""
    from accord.app import api

    tables = compile_scenario(s)
    plans = [*s.plans, Plan("nothing", {}, no_deal=True)]
    got = api.evaluate(s, plans).plans
    for plan, ev in zip(plans, got, strict=True):
        brute = evaluate_plan(s, plan, tables)
        assert ev.dominance.method == brute.dominance.method == "enumeration"
        assert ev.pareto_dominated == brute.pareto_dominated
        if brute.dominance.gains is not None:
            assert ev.dominance.gains is not None and ev.dominance.by is not None
            assert sum(ev.dominance.gains) == pytest.approx(sum(brute.dominance.gains),
                                                            abs=1e-9)
            target = np.array([o.utility for o in ev.parties])
            u = tables.utilities(np.array([ev.dominance.by]))[0]
            assert bool(tables.admissible(np.array([ev.dominance.by]))[0])
            np.testing.assert_allclose(u - target, ev.dominance.gains, atol=1e-12)


@SETTINGS
@given(scenarios())
def test_scalar_forms_equal_the_batch_forms_exactly(s: Scenario) -> None:
    """The one-package paths of the numeric core (negotiation's hot path) are bit-identical."""
    tables = compile_scenario(s)
    problem = tables.problem(0)
    pk = all_packages(s)
    u = problem.evaluate(pk)
    ok = problem.allowed[problem.layout.flat(pk)].all(axis=1)
    for k, row in enumerate(pk):
        package = tuple(int(x) for x in row)
        for p in range(problem.n_parties):
            assert problem.utility_of(package, p) == u[k, p]
        assert problem.crosses_red_line(package) == (not ok[k])
        for link in tables.links:
            assert link.violated_by(package) == bool(link.violated(row[None, :])[0])
