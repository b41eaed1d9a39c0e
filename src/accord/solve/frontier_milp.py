"""Frontier points by MILP, for spaces too large to enumerate.

* :func:`epsilon_constraint` (2 or 3 parties): lexicographic ε-constraint MILPs, exact up
  to the resolution ``step``.
* :func:`weighted_sums` (more parties): maximisers of positive weighted sums over a grid of
  weights; every point is Pareto-optimal, points off the convex hull may be missed.

:func:`accord.solve.frontier.pareto_frontier` picks between them and enumeration.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from accord.analysis.problem import FloatArray, IntArray, Problem
from accord.model import EPS
from accord.solve.milp import FEAS_TOL, Encoding

__all__ = ["epsilon_constraint", "weighted_sums"]


def _encoding(problem: Problem, floor: FloatArray, time_limit: float | None) -> Encoding:
    enc = Encoding(problem, time_limit=time_limit)
    for p in range(problem.n_parties):
        if np.isfinite(floor[p]):
            enc.require_utility(p, float(floor[p]))
    return enc


#: How far above an epsilon bound it is written, so that true utilities meet it.
_MARGIN = 10 * FEAS_TOL


class _Lex:
    """Lexicographic maximisation on an :class:`Encoding`, counting solves."""

    def __init__(self, enc: Encoding, problem: Problem) -> None:
        self.enc = enc
        self.pr = problem
        self.solves = 0
        self.proven = True
        self.status: set[str] = set()

    def run(self, order: list[int], lowers: dict[int, float],
            first: IntArray | None = None) -> IntArray | None:
        """Maximise ``u[order[0]]``, then the next at that level, ...; ``None`` if infeasible.

        ``lowers`` gives temporary lower bounds; every bound is restored afterwards.
        ``first``: a package already known to maximise ``u[order[0]]`` under ``lowers``;
        the first stage is then skipped.
        """
        enc = self.enc
        touched = set(lowers)
        for p, lo in lowers.items():
            enc.release_utility(p, lo)
        package: IntArray | None = first
        try:
            for k, p in enumerate(order):
                if k > 0 or first is None:
                    enc.maximise(utilities=np.eye(self.pr.n_parties)[p])
                    res = enc.solve(package)
                    self.solves += 1
                    self.status.add(res.status)
                    if res.package is None:
                        if k == 0 and res.infeasible:
                            return None
                        # the earlier package stays feasible: the solver failed to see it
                        self.proven = False
                        return package
                    self.proven &= res.proven
                    package = res.package
                assert package is not None
                if k + 1 < len(order):
                    value = float(self.pr.evaluate(package)[0, p])
                    enc.release_utility(p, max(lowers.get(p, -np.inf), value - EPS))
                    touched.add(p)
            return package
        finally:
            for p in touched:
                enc.release_utility(p)


def _eps2(lex: _Lex, a: int, b: int, extra: dict[int, float], step: float,
          max_solves: int, third: int | None) -> tuple[list[IntArray], bool]:
    """2-D nondominated points (parties ``a``, ``b``) under the bounds ``extra``.

    With ``third`` (three parties) every point is completed lexicographically
    (``u_a``, then ``u_b``, then ``u_third``). Without, a point is first taken from the
    ``u_a`` stage alone and completed only when the next point shows that it was not (it
    reaches the same ``u_a`` with a greater ``u_b``); the list may then hold points
    dominated by later ones (see :func:`epsilon_constraint`).
    """
    found: list[IntArray] = []
    eps = -np.inf
    lazy = third is None
    order = [a, b] + ([third] if third is not None else [])
    margin = _MARGIN
    level = np.inf  # u_a of the last point (none yet)
    top_a = float(lex.pr.utility_bounds()[1][a])
    while lex.solves < max_solves:
        bounds = {**extra, b: eps}
        lowers = {p: lo + margin for p, lo in bounds.items()}
        package = lex.run(order[:1] if lazy else order, lowers)
        if package is None:
            return found, True
        if lazy:
            top = float(lex.pr.evaluate(package)[0, a])
            tied = np.isfinite(level) and top >= level - EPS
            if (tied or top >= top_a - EPS) and lex.solves < max_solves:
                # the previous point is dominated (or, at u_a's upper bound, ties are
                # likely): complete this level lexicographically
                package = lex.run(order, lowers, first=package)
                assert package is not None
            level = top
        util = lex.pr.evaluate(package)[0]
        if any(util[p] < lo for p, lo in bounds.items()):
            # the solver met a bound only through its tolerances (slightly fractional
            # binaries): write the bounds with more to spare and solve again
            if margin < 1e-6:
                margin *= 10
                continue
            lex.proven = False
        else:
            found.append(package)
        margin = _MARGIN
        eps = max(eps, float(util[b])) + step
    return found, False


def epsilon_constraint(problem: Problem, floor: FloatArray, step: float, max_solves: int,
                        time_limit: float | None) -> tuple[list[IntArray], bool, list[str],
                                                           int]:
    """Exact frontier for two or three parties by lexicographic ε-constraint MILPs.

    Two parties (Haimes, Lasdon & Wismer, *IEEE Trans. SMC* 1(3), 1971; lexicographic
    form as in Laumanns, Thiele & Zitzler, *EJOR* 169(3), 2006):

    1. ``ε = -inf``.
    2. Maximise ``u_1`` subject to ``u_2 >= ε + τ``; stop if infeasible. Fix
       ``u_1 >= u_1* - EPS`` and maximise ``u_2``: the package found is Pareto-optimal
       (anything dominating it would satisfy both stages' constraints).
    3. ``ε = u_2* + step``; go to 2.

    Lazily (two parties only), step 2 first maximises ``u_1`` alone and keeps that package;
    the second stage runs only when the next solve reaches the same ``u_1`` (within
    ``EPS``), which shows that the kept package was dominated (it then stays in the list
    and the final skyline drops it), or when ``u_1`` is at its upper bound, where ties are
    likely. The argument below is unchanged: a point taken from the first stage alone
    still has the greatest ``u_1`` under ``u_2 >= ε + τ``.

    ``τ = 10 FEAS_TOL``: within its tolerances the solver may return slightly
    fractional binaries that meet a row the integral package misses by a few
    ``FEAS_TOL``, so bounds are written ``τ`` higher; a package whose true utilities
    still miss a bound is solved again with ``τ`` ten times larger.

    Exactness: no Pareto-optimal vector has ``u_2`` in ``[ε + τ, u_2*)`` (it would have
    ``u_1 <= u_1*`` and so be dominated), so the only vectors that can be missed have
    ``u_2`` strictly within ``step + τ`` above a found one. The package space is finite,
    so the distinct frontier values of ``u_2`` are separated by some ``δ > 0``; any
    ``step + τ < δ`` finds them all. When every utility is a sum of rationals with a
    common denominator ``D`` (integer score sheets divided by their span, weights and
    values given to finitely many decimals), ``δ >= 1/D``, so the defaults
    (``step + τ = 1.1e-8``) are exact for ``D < 9e7``. (Likewise, vectors that differ
    from a found one by less than ``2 EPS`` in ``u_1`` may be merged with it.)

    Three parties (an outer ε-loop on ``u_3``): solve the two-party problem on
    ``(u_1, u_2)`` under ``u_3 >= ε_3``, completing each point by maximising ``u_3``; each
    point found is Pareto-optimal in the full problem. Every unfound Pareto-optimal vector
    ``q`` with ``q_3 >= ε_3`` is 2-D dominated by some found ``a`` and so has ``q_3 > a_3``;
    hence ``ε_3 = min(a_3) + step`` loses nothing; repeat until infeasible.
    """
    enc = _encoding(problem, floor, time_limit)
    lex = _Lex(enc, problem)
    notes = []
    complete = True
    if problem.n_parties == 1:
        package = lex.run([0], {})
        found = [] if package is None else [package]
    elif problem.n_parties == 2:
        found, complete = _eps2(lex, 0, 1, {}, step, max_solves, None)
    else:
        found = []
        eps3 = -np.inf
        while True:
            batch, complete = _eps2(lex, 0, 1, {2: eps3}, step, max_solves, 2)
            found += batch
            if not batch or not complete:
                break
            eps3 = max(eps3, float(problem.evaluate(np.stack(batch))[:, 2].min())) + step
    if not complete:
        notes.append(f"stopped after {lex.solves} MILP solves (max_solves)")
    if not lex.proven:
        notes.append("some MILP solve was not proven optimal: " + ", ".join(sorted(
            lex.status)))
    notes.append(f"lexicographic epsilon-constraint, step {step:g}, {lex.solves} MILP solves")
    return found, complete and lex.proven, notes, lex.solves


def _weight_grid(n_parties: int, max_points: int, floor_weight: float) -> FloatArray:
    divisions = 1
    while math.comb(divisions + 1 + n_parties - 1, n_parties - 1) <= max_points:
        divisions += 1
    rows = []
    for cut in itertools.combinations(range(divisions + n_parties - 1), n_parties - 1):
        parts = np.diff(np.array([-1, *cut, divisions + n_parties - 1])) - 1
        rows.append(parts + floor_weight)
    w = np.asarray(rows, dtype=np.float64)
    return np.asarray(w / w.sum(axis=1, keepdims=True), dtype=np.float64)


def weighted_sums(problem: Problem, floor: FloatArray, max_points: int,
                   time_limit: float | None) -> tuple[list[IntArray], bool, list[str], int]:
    """Pareto-optimal packages maximising positive weighted sums of utilities.

    Geoffrion, "Proper efficiency and the theory of vector maximization", *J. Math.
    Anal. Appl.* 22, 1968: a maximiser of ``sum_p w_p u_p`` with every ``w_p > 0`` is
    Pareto-optimal.

    Steps:
        1. Build the simplex lattice of weights ``(k_p + ε) / sum`` (``k_p`` nonnegative
           integers with a fixed sum, ``ε = 0.05``), at most ``max_points`` vectors.
        2. For each, maximise the weighted sum with the MILP.
        3. Keep the distinct utility vectors. Only supported points (on the convex hull)
           can be found this way.
    """
    enc = _encoding(problem, floor, time_limit)
    found: list[IntArray] = []
    proven = True
    weights = _weight_grid(problem.n_parties, max_points, 0.05)
    for w in weights:
        enc.maximise(utilities=w)
        res = enc.solve()
        if res.infeasible:
            break
        proven &= res.proven
        if res.package is not None:
            found.append(res.package)
    notes = [f"weighted sums over {weights.shape[0]} weight vectors; supported points only"]
    if not proven:
        notes.append("some MILP solve was not proven optimal")
    return found, False, notes, int(weights.shape[0])
