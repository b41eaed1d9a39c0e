"""Benchmark of the exact solver engine (``accord.solve``); not a test.

Two claims, checked in one run and printed as markdown tables (nothing is written):

1. Pareto frontier + Nash package of random additive scenarios with 1e4, 1e5 and 1e6
   packages and 2 or 4 parties, beside NegMAS 0.16 on the *same* normalised tables
   (``LinearAdditiveUtilityFunction`` built from ``Tables``; ``negmas.preferences.ops``
   ``pareto_frontier`` and ``nash_points``). Results must be identical; target: accord at
   least 50x faster.
2. Every concept (welfare, egalitarian, Kalai-Smorodinsky, Nash) on 28-point scenarios with
   4 and 6 parties, 3-5 options a point, 50 pairwise interactions and 20 linkages: median
   time over random scenarios and whether every optimum was proven. Target: median <= 1 s.

Usage: ``python benchmarks/bench_solve.py [--quick]`` (``--quick`` skips 1e6 packages and
uses 3 scenarios per 28-point case). NegMAS (AGPL) is imported here only, never by ``src``.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import time
import warnings
from typing import Any

import numpy as np

from accord.analysis.problem import as_problem
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
from accord.solve import concepts, pareto_frontier


# ------------------------------------------------------------------ scenarios
def scenario(rng: np.random.Generator, n_issues: int, options: tuple[int, int], n_parties: int,
             *, n_terms: int = 0, n_links: int = 0, reservation: float = 0.0) -> Scenario:
    """A random weights-form scenario; terms are pairwise, linkages single-option triggers."""
    issues = tuple(
        Issue(f"i{i}", f"point {i + 1}",
              tuple(Option(f"o{j}") for j in range(int(rng.integers(options[0],
                                                                       options[1] + 1)))))
        for i in range(n_issues))
    opts = {iss.id: [o.id for o in iss.options] for iss in issues}
    parties = tuple(Party(f"P{p}") for p in range(n_parties))
    per_party = [n_terms // n_parties + (p < n_terms % n_parties) for p in range(n_parties)]
    prefs = {}
    for p, party in enumerate(parties):
        terms = []
        for _ in range(per_party[p]):
            a, b = rng.choice(n_issues, 2, replace=False)
            ia, ib = issues[a].id, issues[b].id
            terms.append(Term((Selector(ia, frozenset({str(rng.choice(opts[ia]))})),
                               Selector(ib, frozenset({str(rng.choice(opts[ib]))}))),
                              fixed(float(rng.uniform(-0.02, 0.02)))))
        prefs[party.id] = Preferences(
            party.id, Form.WEIGHTS,
            {iss.id: {o: fixed(float(rng.random())) for o in opts[iss.id]} for iss in issues},
            {iss.id: fixed(float(rng.uniform(0.5, 1.5))) for iss in issues},
            reservation=fixed(reservation), terms=tuple(terms), saturate=bool(terms))
    links = []
    for k in range(n_links):
        a, b = rng.choice(n_issues, 2, replace=False)
        ia, ib = issues[a].id, issues[b].id
        if rng.random() < 0.5:
            then = frozenset(str(o) for o in rng.choice(opts[ib], len(opts[ib]) - 1,
                                                         replace=False))
            kind = LinkKind.REQUIRES
        else:
            then, kind = frozenset({str(rng.choice(opts[ib]))}), LinkKind.EXCLUDES
        links.append(Constraint(f"c{k}", kind,
                                Selector(ia, frozenset({str(rng.choice(opts[ia]))})),
                                Selector(ib, then)))
    return Scenario("bench", "benchmark", parties, issues, prefs, tuple(links))


def with_reservations(tables: Tables, quantile: float) -> Tables:
    """The same tables with each reservation ``quantile`` of the way from min to max utility."""
    lo, hi = as_problem(tables).utility_bounds()
    return dataclasses.replace(tables, reservation=(lo + quantile * (hi - lo))[None, :])


# --------------------------------------------------------------------- NegMAS
def negmas_ufuns(tables: Tables) -> tuple[Any, Any, list[Any]]:
    """NegMAS issues, outcome space and linear additive ufuns equal to ``tables``."""
    from negmas import make_issue, make_os
    from negmas.preferences import LinearAdditiveUtilityFunction

    lay = tables.layout
    issues = [make_issue(values=int(s), name=f"i{i}") for i, s in enumerate(lay.sizes)]
    space = make_os(issues)
    ufuns = []
    for p in range(tables.n_parties):
        values = {
            f"i{i}": {o: float(tables.util[0, lay.offsets[i] + o, p]) for o in range(int(s))}
            for i, s in enumerate(lay.sizes)}
        ufuns.append(LinearAdditiveUtilityFunction(
            values=values, weights={f"i{i}": 1.0 for i in range(len(lay.sizes))},
            bias=float(tables.base[0, p]), outcome_space=space,
            reserved_value=float(tables.reservation[0, p])))
    return issues, space, ufuns


def frontier_and_nash_negmas(tables: Tables) -> tuple[float, np.ndarray, np.ndarray]:
    from negmas.preferences.ops import nash_points
    from negmas.preferences.ops import pareto_frontier as negmas_frontier

    issues, space, ufuns = negmas_ufuns(tables)
    t0 = time.perf_counter()
    front, _ = negmas_frontier(ufuns, issues=issues)
    nash = nash_points(ufuns, front, outcome_space=space)
    seconds = time.perf_counter() - t0
    return seconds, np.asarray(front, dtype=float), np.asarray([n[0] for n in nash], float)


def frontier_and_nash_accord(tables: Tables) -> tuple[float, np.ndarray, np.ndarray, bool]:
    t0 = time.perf_counter()
    front = pareto_frontier(tables, individually_rational=True)
    sol = concepts.nash(tables)
    seconds = time.perf_counter() - t0
    return seconds, front.utilities, sol.utilities, front.exact and sol.proven


def same_frontier(a: np.ndarray, b: np.ndarray) -> bool:
    a = np.unique(np.round(a, 9), axis=0)
    b = np.unique(np.round(b, 9), axis=0)
    return a.shape == b.shape and bool(np.allclose(a, b, atol=1e-9))


def claim_frontier(sizes: list[int]) -> list[str]:
    rows = ["| packages | parties | frontier points | accord s | NegMAS s | ratio | identical |",
            "|---:|---:|---:|---:|---:|---:|:---|"]
    for n_packages in sizes:
        n_issues = round(np.log10(n_packages))
        for n_parties in (2, 4):
            rng = np.random.default_rng(1000 * n_issues + 10 * n_parties)
            tables = with_reservations(
                compile_scenario(scenario(rng, n_issues, (10, 10), n_parties)), 0.35)
            ours = [frontier_and_nash_accord(tables) for _ in range(5)]
            theirs = [frontier_and_nash_negmas(tables)
                      for _ in range(3 if n_packages <= 10**5 else 1)]
            _, f_ours, nash_ours, proven = ours[0]
            _, f_nm, nash_nm = theirs[0]
            d = tables.reservation[0]
            best = float(np.prod(nash_ours - d))
            identical = proven and same_frontier(f_ours, f_nm) and any(
                abs(float(np.prod(n - d)) - best) <= 1e-9 for n in nash_nm)
            a = statistics.median(r[0] for r in ours)
            b = statistics.median(r[0] for r in theirs)
            rows.append(f"| {n_packages:.0e} | {n_parties} | {len(f_ours)} | {a:.4f} | "
                        f"{b:.3f} | {b / a:.0f}x | {'yes' if identical else 'NO'} |")
    return rows


# ------------------------------------------------------------------ 28 points
CONCEPTS = {
    "welfare": concepts.welfare,
    "egalitarian": concepts.egalitarian,
    "kalai-smorodinsky": concepts.kalai_smorodinsky,
    "nash": concepts.nash,
}


def claim_concepts(n_scenarios: int) -> list[str]:
    rows = ["| parties | concept | median s | max s | proven | MILP solves (median) |",
            "|---:|:---|---:|---:|:---|---:|"]
    for n_parties in (4, 6):
        tables = [compile_scenario(scenario(np.random.default_rng(100 * n_parties + k), 28,
                                            (3, 5), n_parties, n_terms=50, n_links=20,
                                            reservation=0.3))
                  for k in range(n_scenarios)]
        for name, solve in CONCEPTS.items():
            times, solves, proven = [], [], 0
            for t in tables:
                t0 = time.perf_counter()
                sol = solve(t)
                times.append(time.perf_counter() - t0)
                solves.append(sol.solves)
                proven += sol.proven
            rows.append(f"| {n_parties} | {name} | {statistics.median(times):.3f} | "
                        f"{max(times):.3f} | {proven}/{len(tables)} | "
                        f"{statistics.median(solves):.0f} |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip 1e6; 3 scenarios each")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    sizes = [10**4, 10**5] if args.quick else [10**4, 10**5, 10**6]
    print("## Pareto frontier + Nash package: accord.solve vs NegMAS 0.16\n")
    print("Random additive scenarios (10 options a point), reservations 35% of the way from "
          "each party's least to greatest utility. Median of 5 runs for accord, of 3 for "
          "NegMAS (1 at 1e6). Times cover everything from the tables to the frontier and the "
          "Nash package (NegMAS: its `pareto_frontier` and `nash_points` calls).\n")
    print("\n".join(claim_frontier(sizes)))
    n = 3 if args.quick else 5
    print(f"\n## Solution concepts on 28-point scenarios (median over {n} random scenarios)\n")
    print("3-5 options a point (about 1e16-1e19 packages), 50 pairwise interactions, "
          "20 linkages, reservation 0.3; solved by MILP (HiGHS).\n")
    print("\n".join(claim_concepts(n)))


if __name__ == "__main__":
    main()
