"""Two-level ratification in every exact engine, against an independent brute force.

The brute force below shares no code with the engine: plain Python utilities from the
preferences, ``itertools.product`` over the space, and the definition of a gate (a
constituent consulted on a package must accept it, else the package is out).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.analysis.tables import Tables, compile_scenario
from accord.model import (
    Constituent,
    Constraint,
    Form,
    Preferences,
    Scenario,
    Selector,
    Term,
    fixed,
)
from accord.solve import concepts
from accord.solve.concepts import THRESHOLD
from accord.solve.errors import NoAgreementError
from accord.solve.frontier import pareto_frontier
from accord.solve.improve import post_settlement
from accord.solve.zopa import zopa
from tests.solve.strategies import SETTINGS, random_scenario, scenarios
from tests.solve.test_concepts import CONCEPTS, reference

TOL = 1e-9


def _utility(s: Scenario, column: str, choices: dict[str, str]) -> float:
    """A column's normalised utility, straight from the definitions."""
    prefs = s.preferences[column]

    def value(issue: str, option: str) -> float:
        return prefs.values.get(issue, {}).get(option, fixed(0.0)).value

    terms = sum(t.value.value for t in prefs.terms if t.holds(choices))
    if prefs.form is Form.WEIGHTS:
        total = sum(max(w.value, 0.0) for w in prefs.weights.values())
        u = sum(max(w.value, 0.0) / total * value(i, choices[i])
                for i, w in prefs.weights.items()) + terms
        low, span = 0.0, 1.0
    else:
        u = sum(value(i.id, choices[i.id]) for i in s.issues) + terms
        if prefs.scale is not None:
            low, span = 0.0, prefs.scale.value
        else:
            low = sum(min(value(i.id, o.id) for o in i.options) for i in s.issues)
            high = sum(max(value(i.id, o.id) for o in i.options) for i in s.issues)
            low += sum(min(t.value.value, 0.0) for t in prefs.terms)
            high += sum(max(t.value.value, 0.0) for t in prefs.terms)
            span = high - low if high > low else 1.0
    u = (u - low) / span
    if prefs.clipped:
        u = min(1.0, max(0.0, u))
    return u


def _reservation(s: Scenario, column: str) -> float:
    prefs = s.preferences[column]
    if prefs.form is Form.WEIGHTS:
        return prefs.reservation.value
    return _res_scores(s, prefs)


def _res_scores(s: Scenario, prefs: Preferences) -> float:
    if prefs.scale is not None:
        return prefs.reservation.value / prefs.scale.value
    vals = prefs.values
    low = sum(min(vals[i.id][o.id].value for o in i.options) for i in s.issues)
    high = sum(max(vals[i.id][o.id].value for o in i.options) for i in s.issues)
    low += sum(min(t.value.value, 0.0) for t in prefs.terms)
    high += sum(max(t.value.value, 0.0) for t in prefs.terms)
    span = high - low if high > low else 1.0
    return (prefs.reservation.value - low) / span


@dataclass(frozen=True)
class Truth:
    """Every package, the parties' utilities and whether it is admissible (gates too)."""

    tables: Tables
    packages: np.ndarray
    utilities: np.ndarray
    admissible: np.ndarray
    accepts: np.ndarray  # (m, P): each party (with its consulted constituents) accepts
    reservation: np.ndarray


def truth(s: Scenario) -> Truth:
    tables = compile_scenario(s)
    rows, utils, adm, acc = [], [], [], []
    res = np.array([_reservation(s, p) for p in s.party_ids])
    gate_res = {c.id: _reservation(s, c.id) for c in s.constituents}
    for combo in itertools.product(*[range(i.size) for i in s.issues]):
        choices = {i.id: i.options[k].id for i, k in zip(s.issues, combo, strict=True)}
        u = [_utility(s, p, choices) for p in s.party_ids]
        crossed = {p: any(choices[i] == o for i, o in s.preferences[p].red_lines)
                   for p in (*s.party_ids, *s.constituent_ids)}
        broken = any(_broken(c, choices) for c in s.constraints)
        ok = not broken and not any(crossed[p] for p in s.party_ids)
        veto = dict.fromkeys(s.party_ids, False)
        for c in s.constituents:
            consulted = not c.consulted_when or any(choices[i] == o
                                                    for i, o in c.consulted_when)
            agrees = _utility(s, c.id, choices) >= gate_res[c.id] - TOL and not crossed[c.id]
            if consulted and not agrees:
                ok = False
                veto[c.parent] = True
        rows.append(combo)
        utils.append(u)
        adm.append(ok)
        acc.append([u[k] >= res[k] - TOL and not crossed[p] and not veto[p]
                    for k, p in enumerate(s.party_ids)])
    return Truth(tables, np.array(rows, dtype=np.int64), np.array(utils), np.array(adm),
                 np.array(acc), res)


def _broken(c: Constraint, choices: dict[str, str]) -> bool:
    a = choices[c.if_.issue] in c.if_.options
    b = choices[c.then.issue] in c.then.options
    return a and b if c.kind.value == "excludes" else a and not b


@st.composite
def two_level(draw: st.DrawFn) -> Scenario:
    """A random scenario of 2-4 parties with 1-2 constituents (some always consulted)."""
    base = draw(scenarios(min_parties=2, max_parties=4, max_issues=5, max_options=3))
    opts = {i.id: [o.id for o in i.options] for i in base.issues}
    constituents, prefs = [], dict(base.preferences)
    for k in range(draw(st.integers(1, 2))):
        cid = f"K{k}"
        parent = draw(st.sampled_from(base.party_ids))
        when: set[tuple[str, str]] = set()
        if draw(st.booleans()):
            for _ in range(draw(st.integers(1, 3))):
                i = draw(st.sampled_from(list(opts)))
                when.add((i, draw(st.sampled_from(opts[i]))))
        constituents.append(Constituent(cid, parent, consulted_when=frozenset(when)))
        red = set()
        if draw(st.integers(0, 3)) == 0:
            i = draw(st.sampled_from(list(opts)))
            red.add((i, draw(st.sampled_from(opts[i]))))
        form = draw(st.sampled_from(["weights", "weights-clip", "scores"]))
        if form == "scores":
            prefs[cid] = Preferences(
                cid, Form.SCORES,
                {i: {o: fixed(draw(st.integers(-3, 6))) for o in os} for i, os in opts.items()},
                reservation=fixed(draw(st.integers(-2, 10))), red_lines=frozenset(red))
            continue
        weights = {i: fixed(draw(st.integers(0, 3))) for i in opts}
        if all(w.value == 0 for w in weights.values()):
            weights[next(iter(opts))] = fixed(1)
        terms: tuple[Term, ...] = ()
        if form == "weights-clip" and len(opts) >= 2:
            a, b = draw(st.permutations(list(opts)))[:2]
            terms = (Term((Selector(a, frozenset({opts[a][0]})),
                           Selector(b, frozenset({opts[b][-1]}))),
                          fixed(draw(st.sampled_from([-0.3, 0.2])))),)
        prefs[cid] = Preferences(
            cid, Form.WEIGHTS,
            {i: {o: fixed(draw(st.integers(0, 4)) / 4) for o in os} for i, os in opts.items()},
            weights, reservation=fixed(draw(st.integers(0, 8)) / 10),
            red_lines=frozenset(red), terms=terms, saturate=form == "weights-clip")
    return replace(base, preferences=prefs, constituents=tuple(constituents))


def _check_truth(t: Truth) -> None:
    # the engine's own utilities and admissibility agree with the plain definitions
    assert np.allclose(t.tables.utilities(t.packages), t.utilities, atol=1e-12)
    assert (t.tables.admissible(t.packages) == t.admissible).all()
    assert (t.tables.acceptance(t.packages) == t.accepts).all()


@SETTINGS
@given(two_level())
def test_zopa_counts_and_acceptance_match_brute_force(s: Scenario) -> None:
    t = truth(s)
    _check_truth(t)
    z = zopa(t.tables, method="enumeration")
    accepted = (t.utilities >= t.reservation - TOL).all(axis=1) & t.admissible
    assert (z.admissible, z.accepted, z.ratified) == (
        int(t.admissible.sum()), int(accepted.sum()), int(accepted.sum()))


# threshold 0: the solver works on the dominated-option reduction of the space
@pytest.mark.parametrize("threshold", [THRESHOLD, 0], ids=["whole-space", "reduced-space"])
@SETTINGS
@given(two_level(), st.sampled_from(CONCEPTS), st.sampled_from(["enumeration", "milp"]))
def test_every_concept_matches_brute_force(threshold: int, s: Scenario, name: str,
                                           method: str) -> None:
    t = truth(s)
    d = t.reservation
    u = t.utilities[t.admissible]
    u = u[(u >= d - TOL).all(axis=1)]
    solve = getattr(concepts, name)
    if not len(u):
        with pytest.raises(NoAgreementError):
            solve(t.tables, method=method, threshold=threshold)
        return
    sol = solve(t.tables, method=method, threshold=threshold)
    assert sol.proven, sol
    assert abs(sol.objective - reference(u, d, name)) <= 1e-9
    k = int(np.flatnonzero((t.packages == sol.package).all(axis=1))[0])
    assert t.admissible[k]


@SETTINGS
@given(two_level(), st.sampled_from(["enumeration", "epsilon-constraint", "weighted-sums"]))
def test_frontier_matches_brute_force(s: Scenario, method: str) -> None:
    t = truth(s)
    u = t.utilities[t.admissible]
    if method == "epsilon-constraint" and u.shape[1] > 3:
        method = "weighted-sums"
    front = pareto_frontier(t.tables, method=method)
    dominated = np.array([((u >= v - TOL).all(axis=1) & (u > v + TOL).any(axis=1)).any()
                          for v in u], dtype=bool)
    truth_front = np.unique(np.round(u[~dominated], 9), axis=0)
    got = np.unique(np.round(front.utilities, 9), axis=0)
    for pk in front.packages:
        k = int(np.flatnonzero((t.packages == pk).all(axis=1))[0])
        assert t.admissible[k]
    if method == "weighted-sums":
        # supported points only: a subset of the true frontier
        assert all((np.abs(truth_front - g).max(axis=1) <= 1e-8).any() for g in got)
    else:
        assert got.shape == truth_front.shape and np.allclose(got, truth_front, atol=1e-8)


@SETTINGS
@given(two_level(), st.data(), st.sampled_from(["enumeration", "milp"]))
def test_post_settlement_matches_brute_force(s: Scenario, data: st.DataObject,
                                             method: str) -> None:
    t = truth(s)
    k = data.draw(st.integers(0, len(t.packages) - 1))
    ut = t.utilities[k]
    u = t.utilities[t.admissible]
    improving = (u >= ut - TOL).all(axis=1) & ((u - ut).max(axis=1) >= TOL)
    res = post_settlement(t.tables, t.packages[k], method=method)
    assert res.proven
    assert res.pareto_optimal == (not improving.any())
    if method == "enumeration":
        assert res.count == int(improving.sum())
    for imp in res.improvements:
        j = int(np.flatnonzero((t.packages == imp.package).all(axis=1))[0])
        assert t.admissible[j] and improving[np.flatnonzero(t.admissible) == j].any()


@pytest.mark.parametrize("seed", range(6))
def test_seeded_larger_scenarios(seed: int) -> None:
    rng = np.random.default_rng(seed)
    base = random_scenario(rng, n_issues=int(rng.integers(3, 7)), n_options=(2, 3),
                           n_parties=int(rng.integers(2, 5)), n_terms=4, n_links=1,
                           red_lines=1, reservation=0.3)
    opts = {i.id: [o.id for o in i.options] for i in base.issues}
    prefs = dict(base.preferences)
    constituents = []
    for k in range(int(rng.integers(1, 3))):
        cid = f"K{k}"
        issue = str(rng.choice(list(opts)))
        when = frozenset() if k == 0 and seed % 2 else frozenset(
            {(issue, str(rng.choice(opts[issue])))})
        constituents.append(Constituent(cid, str(rng.choice(base.party_ids)),
                                        consulted_when=when))
        prefs[cid] = Preferences(
            cid, Form.WEIGHTS,
            {i: {o: fixed(float(rng.random())) for o in os} for i, os in opts.items()},
            {i: fixed(float(rng.uniform(0.5, 1.5))) for i in opts},
            reservation=fixed(0.5))
    s = replace(base, preferences=prefs, constituents=tuple(constituents))
    t = truth(s)
    _check_truth(t)
    d = t.reservation
    u = t.utilities[t.admissible]
    u = u[(u >= d - TOL).all(axis=1)]
    for name in CONCEPTS:
        for method in ("enumeration", "milp"):
            if not len(u):
                with pytest.raises(NoAgreementError):
                    getattr(concepts, name)(t.tables, method=method)
                continue
            sol = getattr(concepts, name)(t.tables, method=method)
            assert sol.proven and abs(sol.objective - reference(u, d, name)) <= 1e-9


def test_meet_in_the_middle_refuses_gates_and_auto_stays_exact() -> None:
    rng = np.random.default_rng(3)
    base = random_scenario(rng, n_issues=4, n_options=3, n_parties=1, reservation=0.4)
    opts = {i.id: [o.id for o in i.options] for i in base.issues}
    prefs = dict(base.preferences)
    prefs["K"] = Preferences("K", Form.WEIGHTS,
                             {i: {o: fixed(float(rng.random())) for o in os}
                              for i, os in opts.items()},
                             {i: fixed(1.0) for i in opts}, reservation=fixed(0.5))
    s = replace(base, preferences=prefs, constituents=(Constituent("K", "P0"),))
    t = truth(s)
    with pytest.raises(ValueError, match="constituent"):
        zopa(t.tables, method="dynamic-programming")
    z = zopa(t.tables, limit=10)  # beyond the limit: sampled, never the unsafe shortcut
    assert z.method == "monte-carlo"
    exact = zopa(t.tables)
    accepted = (t.utilities >= t.reservation - TOL).all(axis=1) & t.admissible
    assert exact.accepted == int(accepted.sum())


@SETTINGS
@given(two_level(), st.data())
def test_evaluation_acceptance_and_blocking_match_brute_force(s: Scenario,
                                                              data: st.DataObject) -> None:
    from accord.analysis.evaluate import evaluate_plan

    t = truth(s)
    k = data.draw(st.integers(0, len(t.packages) - 1))
    plan = s.plan_from_indices(t.packages[k])
    choices = dict(plan.choices)
    e = evaluate_plan(s, plan, t.tables)
    expected_blocking = []
    for j, pid in enumerate(s.party_ids):
        own = t.utilities[k, j] >= t.reservation[j] - TOL and not any(
            choices[i] == o for i, o in s.preferences[pid].red_lines)
        vetoes = [f"{pid}/{c.id}" for c in s.constituents if c.parent == pid
                  and (not c.consulted_when or any(choices[i] == o for i, o in c.consulted_when))
                  and not (_utility(s, c.id, choices) >= _reservation(s, c.id) - TOL
                           and not any(choices[i] == o for i, o in s.preferences[c.id].red_lines))]
        out = e.outcome(pid)
        assert out.acceptable == bool(t.accepts[k, j]) == (own and not vetoes)
        assert list(out.vetoed_by) == vetoes
        if not out.acceptable:  # unanimity: every refusing party blocks
            expected_blocking += ([pid] if not own else []) + vetoes
    broken = any(_broken(c, choices) for c in s.constraints)
    assert e.ratified == (bool(t.accepts[k].all()) and not broken)
    assert list(e.blocking_parties) == ([] if e.ratified else expected_blocking)
    for c in e.constituents:
        assert c.utility == pytest.approx(_utility(s, c.constituent, choices), abs=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_monte_carlo_zopa_honours_gates(seed: int) -> None:
    rng = np.random.default_rng(seed)
    base = random_scenario(rng, n_issues=5, n_options=3, n_parties=2, reservation=0.3)
    opts = {i.id: [o.id for o in i.options] for i in base.issues}
    prefs = dict(base.preferences)
    prefs["K"] = Preferences("K", Form.WEIGHTS,
                             {i: {o: fixed(float(rng.random())) for o in os}
                              for i, os in opts.items()},
                             {i: fixed(1.0) for i in opts}, reservation=fixed(0.5))
    s = replace(base, preferences=prefs, constituents=(Constituent(
        "K", "P1", consulted_when=frozenset({("i0", "o0"), ("i1", "o1")})),))
    t = truth(s)
    accepted = (t.utilities >= t.reservation - TOL).all(axis=1) & t.admissible
    mc = zopa(t.tables, method="monte-carlo", samples=20_000, rng=np.random.default_rng(1))
    lo, hi = mc.intervals["admissible"]
    assert lo <= t.admissible.sum() <= hi
    lo, hi = mc.intervals["accepted"]
    assert lo <= accepted.sum() <= hi
    # the gate matters here: some packages are out only because K refuses
    plain = compile_scenario(replace(s, constituents=(),
                                     preferences=dict(base.preferences)))
    assert int(plain.admissible(t.packages).sum()) > int(t.admissible.sum())


def _pareto(u: np.ndarray) -> np.ndarray:
    dominated = np.array([((u >= v - TOL).all(axis=1) & (u > v + TOL).any(axis=1)).any()
                          for v in u], dtype=bool)
    return np.unique(np.round(u[~dominated], 9), axis=0)


@SETTINGS
@given(two_level())
def test_dominated_option_reduction_keeps_the_frontier_and_every_gate(s: Scenario) -> None:
    from accord.solve.enumerate import admissible_block
    from accord.solve.reduce import compact, without_dominated

    t = truth(s)
    small = compact(without_dominated(t.tables.problem(0)))
    assert small.problem.gates is not None
    block = admissible_block(small.problem)
    packages = small.expand(small.problem.layout.decode(block.ids))
    rows = [int(np.flatnonzero((t.packages == p).all(axis=1))[0]) for p in packages]
    # the compact problem's admissible packages are admissible, with the same utilities
    assert t.admissible[rows].all()
    assert np.allclose(block.utilities, t.utilities[rows], atol=1e-12)
    # and they reach every Pareto-optimal vector of the whole space
    full = t.utilities[t.admissible]
    if len(full):
        assert np.array_equal(_pareto(block.utilities), _pareto(full))
    else:
        assert len(block) == 0


@SETTINGS
@given(two_level(), st.data())
def test_a_restricted_view_keeps_every_gate(s: Scenario, data: st.DataObject) -> None:
    t = truth(s)
    n = len(s.parties)
    keep = sorted(data.draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=n)))
    r = t.tables.restrict(keep)
    assert (r.admissible(t.packages) == t.admissible).all()
    # a kept party still answers for its own constituents, and only for them
    assert (r.vetoes(t.packages) == t.tables.vetoes(t.packages)[:, keep]).all()
