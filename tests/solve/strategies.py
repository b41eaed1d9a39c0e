"""Hypothesis generators of small random scenarios with red lines, linkages and terms."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from accord.analysis.tables import Tables, compile_scenario
from accord.model import (
    Constraint,
    Form,
    Issue,
    LinkKind,
    Option,
    Party,
    Preferences,
    Scenario,
    Selector,
    Term,
    fixed,
)

#: Settings of the property tests: reproducible examples, no deadline (MILP solves vary).
SETTINGS = settings(max_examples=50, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
TOL = 1e-9


def _subset(draw: st.DrawFn, ids: list[str], *, proper: bool = False) -> frozenset[str]:
    hi = len(ids) - 1 if proper and len(ids) > 1 else len(ids)
    k = draw(st.integers(1, max(1, hi)))
    return frozenset(draw(st.permutations(ids))[:k])


@st.composite
def scenarios(draw: st.DrawFn, max_parties: int = 3, max_issues: int = 4,
              max_options: int = 4, min_parties: int = 1) -> Scenario:
    n_parties = draw(st.integers(min_parties, max_parties))
    n_issues = draw(st.integers(1, max_issues))
    issues = []
    for i in range(n_issues):
        k = draw(st.integers(1, max_options))
        issues.append(Issue(f"i{i}", f"issue {i}", tuple(Option(f"o{j}") for j in range(k))))
    parties = tuple(Party(f"P{p}") for p in range(n_parties))
    opts = {iss.id: [o.id for o in iss.options] for iss in issues}

    def terms() -> tuple[Term, ...]:
        out = []
        for _ in range(draw(st.integers(0, 3))):
            k = draw(st.integers(1, min(3, n_issues)))
            chosen = draw(st.permutations([iss.id for iss in issues]))[:k]
            conds = tuple(Selector(i, _subset(draw, opts[i])) for i in chosen)
            value = draw(st.sampled_from([-3, -2, -1, 1, 2, 3]))
            out.append((conds, value))
        return tuple(Term(c, fixed(v)) for c, v in out)

    prefs = {}
    for party in parties:
        red = set()
        for iss in issues:
            if len(iss.options) > 1 and draw(st.integers(0, 9)) == 0:
                red.add((iss.id, draw(st.sampled_from(opts[iss.id]))))
        form = draw(st.sampled_from(["weights", "weights-clip", "scores", "scores-clip"]))
        if form.startswith("weights"):
            weights = {iss.id: fixed(draw(st.integers(0, 4))) for iss in issues}
            if all(w.value == 0 for w in weights.values()):
                weights[issues[0].id] = fixed(1)
            values = {iss.id: {o: fixed(draw(st.integers(0, 4)) / 4) for o in opts[iss.id]}
                      for iss in issues}
            t: tuple[Term, ...] = ()
            if form == "weights-clip":
                t = tuple(Term(x.conditions, fixed(x.value.value / 10)) for x in terms())
            prefs[party.id] = Preferences(
                party.id, Form.WEIGHTS, values, weights,
                reservation=fixed(draw(st.integers(0, 5)) / 10), red_lines=frozenset(red),
                terms=t, saturate=form == "weights-clip")
        else:
            values = {iss.id: {o: fixed(draw(st.integers(-3, 6))) for o in opts[iss.id]}
                      for iss in issues}
            clip = form == "scores-clip"
            prefs[party.id] = Preferences(
                party.id, Form.SCORES, values, reservation=fixed(draw(st.integers(-4, 8))),
                red_lines=frozenset(red), terms=terms(),
                scale=fixed(draw(st.integers(3, 12))) if clip else None, saturate=clip)
    constraints = []
    if n_issues >= 2:
        for k in range(draw(st.integers(0, 2))):
            a, b = draw(st.permutations([iss.id for iss in issues]))[:2]
            kind = draw(st.sampled_from(list(LinkKind)))
            constraints.append(Constraint(
                f"c{k}", kind, Selector(a, _subset(draw, opts[a], proper=True)),
                Selector(b, _subset(draw, opts[b], proper=True))))
    return Scenario("random", "random", parties, tuple(issues), prefs, tuple(constraints))


@dataclass(frozen=True)
class Brute:
    """Every package of a small scenario, with utilities and admissibility."""

    tables: Tables
    packages: np.ndarray
    utilities: np.ndarray
    admissible: np.ndarray

    @property
    def adm_utilities(self) -> np.ndarray:
        return self.utilities[self.admissible]

    @property
    def adm_packages(self) -> np.ndarray:
        return self.packages[self.admissible]


def brute(scenario: Scenario) -> Brute:
    tables = compile_scenario(scenario)
    sizes = [iss.size for iss in scenario.issues]
    packages = np.array(list(itertools.product(*[range(s) for s in sizes])), dtype=np.int64)
    return Brute(tables, packages, tables.utilities(packages), tables.admissible(packages))


def dominates(a: np.ndarray, b: np.ndarray, tol: float = TOL) -> bool:
    """``a`` beats ``b`` by more than ``tol`` somewhere and loses nowhere by more than ``tol``."""
    return bool((a >= b - tol).all() and (a > b + tol).any())


def rational(b: Brute, d: np.ndarray | None = None) -> np.ndarray:
    """Utilities of the individually rational admissible packages."""
    d = b.tables.reservation[0] if d is None else d
    u = b.adm_utilities
    return u[(u >= d - 1e-9).all(axis=1)]


def random_scenario(rng: np.random.Generator, n_issues: int, n_options: int | tuple[int, int],
                    n_parties: int, *, n_terms: int = 0, n_links: int = 0,
                    red_lines: int = 0, reservation: float = 0.0,
                    clip: bool = False) -> Scenario:
    """A random weights-form scenario of a given size (numpy-seeded, for larger cases)."""
    lo, hi = (n_options, n_options) if isinstance(n_options, int) else n_options
    issues = tuple(
        Issue(f"i{i}", f"issue {i}",
              tuple(Option(f"o{j}") for j in range(rng.integers(lo, hi + 1))))
        for i in range(n_issues))
    opts = {iss.id: [o.id for o in iss.options] for iss in issues}
    parties = tuple(Party(f"P{p}") for p in range(n_parties))
    prefs = {}
    for party in parties:
        terms = []
        for _ in range(n_terms // max(1, n_parties)):
            a, b = rng.choice(n_issues, 2, replace=False)
            ia, ib = issues[a].id, issues[b].id
            conds = (Selector(ia, frozenset({str(rng.choice(opts[ia]))})),
                     Selector(ib, frozenset({str(rng.choice(opts[ib]))})))
            terms.append(Term(conds, fixed(float(rng.uniform(-0.02, 0.02)))))
        red = set()
        for _ in range(red_lines):
            i = issues[rng.integers(n_issues)].id
            red.add((i, str(rng.choice(opts[i][1:])) if len(opts[i]) > 1 else opts[i][0]))
        prefs[party.id] = Preferences(
            party.id, Form.WEIGHTS,
            {iss.id: {o: fixed(float(rng.random())) for o in opts[iss.id]} for iss in issues},
            {iss.id: fixed(float(rng.uniform(0.5, 1.5))) for iss in issues},
            reservation=fixed(reservation), red_lines=frozenset(red), terms=tuple(terms),
            saturate=clip or bool(terms))
    constraints = []
    for k in range(n_links):
        a, b = rng.choice(n_issues, 2, replace=False)
        ia, ib = issues[a].id, issues[b].id
        kind = LinkKind.REQUIRES if rng.random() < 0.5 else LinkKind.EXCLUDES
        then = frozenset(str(o) for o in rng.choice(opts[ib], max(1, len(opts[ib]) - 1),
                                                     replace=False))
        if kind is LinkKind.EXCLUDES:
            then = frozenset({str(rng.choice(opts[ib]))})
        constraints.append(Constraint(f"c{k}", kind,
                                      Selector(ia, frozenset({str(rng.choice(opts[ia]))})),
                                      Selector(ib, then)))
    return Scenario("random", "random", parties, issues, prefs, tuple(constraints))


def random_tables(rng: np.random.Generator, **kwargs: object) -> Tables:
    return compile_scenario(random_scenario(rng, **kwargs))  # type: ignore[arg-type]
