"""Raiffa's post-settlement settlement: improve on a tentative agreement for everyone.

Given a tentative package ``t``, an *improvement* is an admissible package ``q`` with
``u_p(q) >= u_p(t) - EPS`` for every party and ``u_p(q) >= u_p(t) + EPS`` for at least
one (``EPS = 1e-9``). When none exists the tentative package is Pareto-optimal among the
admissible packages, and the result says how that was proven.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from accord.analysis.problem import FloatArray, IntArray, Problem, as_problem
from accord.analysis.space import ENUMERATION_LIMIT
from accord.analysis.tables import Tables
from accord.model import ACTIVE, EPS, RESOLUTION
from accord.solve import concepts
from accord.solve.concepts import THRESHOLD, Method
from accord.solve.enumerate import admissible_block, skyline
from accord.solve.errors import NoAgreementError, SpaceTooLargeError
from accord.solve.milp import Encoding

RankBy = Literal["nash", "welfare", "egalitarian"]

__all__ = ["Improvement", "Improvements", "post_settlement"]


@dataclass(frozen=True)
class Improvement:
    """One package that leaves nobody worse off and someone better off.

    Attributes:
        package: ``(n_issues,)`` option positions.
        utilities: ``(P,)`` its utilities.
        gains: ``(P,)`` utilities minus the tentative package's.
        changed: issues (positions) whose option differs from the tentative package.
        gainers: parties (positions) that gain at least ``EPS``.
        score: the ranking concept's value on the gains (Nash product, welfare gain or
            least gain).
    """

    package: IntArray
    utilities: FloatArray
    gains: FloatArray
    changed: IntArray
    gainers: IntArray
    score: float


@dataclass(frozen=True)
class Improvements:
    """Result of :func:`post_settlement`.

    Attributes:
        tentative: ``(n_issues,)`` the tentative package.
        utilities: ``(P,)`` its utilities.
        improvements: the best improvements, best first.
        count: improvements found in all (enumeration: every improving package, before
            ``pareto_only`` and ``limit``; MILP: those listed).
        pareto_optimal: no improvement exists.
        proof: how ``pareto_optimal`` (or the ranking) was established, in words.
        method: ``"enumeration"`` or ``"milp"``.
        status: ``"exhaustive"`` or the HiGHS statuses.
        gap: largest relative MILP gap (0 for enumeration).
        proven: the answer is exact (enumeration, or every MILP solve proven optimal).
        rank_by: the ranking concept.
        seconds: wall-clock time.
    """

    tentative: IntArray
    utilities: FloatArray
    improvements: tuple[Improvement, ...]
    count: int
    pareto_optimal: bool
    proof: str
    method: str
    status: str
    gap: float
    proven: bool
    rank_by: str
    seconds: float = 0.0
    notes: tuple[str, ...] = field(default=())


def _scores(gains: FloatArray, rank_by: RankBy) -> tuple[FloatArray, IntArray]:
    """Scores of gain vectors and the order that ranks them best first."""
    g = np.maximum(gains, 0.0)
    total = g.sum(axis=1)
    q_total = np.rint(total / RESOLUTION)
    if rank_by == "welfare":
        order = np.lexsort([q_total])[::-1]
        return total, np.asarray(order, dtype=np.int64)
    if rank_by == "egalitarian":
        q = np.sort(np.rint(g / RESOLUTION), axis=1)
        order = np.lexsort([q[:, k] for k in range(q.shape[1] - 1, -1, -1)])[::-1]
        return g.min(axis=1), np.asarray(order, dtype=np.int64)
    active = g.max(axis=0, initial=0.0) > ACTIVE
    score = np.prod(g[:, active], axis=1) if active.any() else np.zeros(g.shape[0])
    order = np.lexsort([q_total, np.rint(score / RESOLUTION)])[::-1]
    return np.asarray(score, dtype=np.float64), np.asarray(order, dtype=np.int64)


def _describe(problem: Problem, tentative: IntArray, base: FloatArray, packages: IntArray,
              scores: FloatArray) -> tuple[Improvement, ...]:
    out = []
    util = problem.evaluate(packages) if packages.shape[0] else np.zeros((0, base.shape[0]))
    for k in range(packages.shape[0]):
        gains = util[k] - base
        out.append(Improvement(
            packages[k], util[k], gains, np.flatnonzero(packages[k] != tentative),
            np.flatnonzero(gains >= EPS), float(scores[k])))
    return tuple(out)


def post_settlement(
    tables: Tables | Problem,
    tentative: IntArray,
    *,
    rank_by: RankBy = "nash",
    limit: int = 10,
    pareto_only: bool = True,
    method: Method = "auto",
    threshold: int = THRESHOLD,
    time_limit: float | None = None,
) -> Improvements:
    """Find admissible packages that every party weakly prefers to ``tentative``.

    Raiffa, "Post-settlement settlements", *Negotiation Journal* 1(1), 1985; see also
    Raiffa, *The Art and Science of Negotiation*, 1982, ch. 11.

    Steps:
        1. Evaluate the tentative package: ``u_t``.
        2. Enumeration (red-line-free space of at most ``threshold`` packages): keep every
           admissible package with ``u >= u_t - EPS`` and some gain ``>= EPS``; with
           ``pareto_only`` keep those not dominated by another improvement; score them by
           ``rank_by`` on the gains ``u - u_t`` (Nash product over the parties able to
           gain, welfare gain, or leximin least gain; ties by welfare gain) and return the
           best ``limit``. None found is an exhaustive proof of Pareto-optimality.
        3. MILP: for each party ``p`` maximise ``u_p`` subject to ``u >= u_t - EPS``. If no
           party can rise by ``EPS`` (each solve ``Optimal`` with gap at most ``1e-9``)
           nobody can gain without another losing: the package is Pareto-optimal. Otherwise
           solve the ranking concept with disagreement point ``u_t`` up to ``limit`` times,
           each time excluding the packages found (and ``t``) by a no-good cut (Nash: each
           search starts with the tangent cuts the earlier ones found).

    Args:
        tables: compiled tables (or a :class:`Problem`).
        tentative: ``(n_issues,)`` option positions of the tentative package.
        rank_by: ``"nash"``, ``"welfare"`` or ``"egalitarian"``.
        limit: most improvements to return.
        pareto_only: drop improvements dominated by another improvement found.
        method: ``"auto"``, ``"enumeration"`` or ``"milp"``.
        threshold: largest red-line-free space enumerated under ``"auto"``.
        time_limit: seconds per MILP solve.
    """
    t0 = time.perf_counter()
    problem = as_problem(tables)
    t = np.asarray(tentative, dtype=np.int64).reshape(problem.n_issues)
    base = problem.evaluate(t[None, :])[0]
    if method == "auto":
        method = "enumeration" if problem.allowed_space_size <= threshold else "milp"
    if method == "enumeration":
        if problem.allowed_space_size > ENUMERATION_LIMIT:
            raise SpaceTooLargeError(f"{problem.allowed_space_size} packages exceed the "
                                     f"enumeration limit {ENUMERATION_LIMIT}")
        block = admissible_block(problem, limit=max(problem.allowed_space_size, 1))
        gains = block.utilities - base
        mask = (gains >= -EPS).all(axis=1) & (gains.max(axis=1) >= EPS)
        count = int(mask.sum())
        ids, gains = block.ids[mask], gains[mask]
        if pareto_only and ids.shape[0]:
            keep = skyline(gains, resolution=RESOLUTION, order="index")
            ids, gains = ids[keep], gains[keep]
        scores, order = _scores(gains, rank_by)
        order = order[:limit]
        found = _describe(problem, t, base, problem.layout.decode(ids[order]), scores[order])
        proof = (f"exhaustive: none of {len(block)} admissible packages improves on it"
                 if count == 0 else f"exhaustive over {len(block)} admissible packages")
        return Improvements(t, base, found, count, count == 0, proof, "enumeration",
                            "exhaustive", 0.0, True, rank_by, time.perf_counter() - t0)
    return _milp(problem, t, base, rank_by, limit, pareto_only, time_limit, t0)


def _milp(problem: Problem, t: IntArray, base: FloatArray, rank_by: RankBy, limit: int,
          pareto_only: bool, time_limit: float | None, t0: float) -> Improvements:
    enc = Encoding(problem, time_limit=time_limit)
    for p in range(problem.n_parties):
        enc.require_utility(p, float(base[p] - EPS))
    statuses: set[str] = set()
    gap = 0.0
    proven = True
    best_gain = np.zeros(problem.n_parties)
    for p in range(problem.n_parties):
        enc.maximise(utilities=np.eye(problem.n_parties)[p])
        res = enc.solve()
        statuses.add(res.status)
        if res.infeasible:
            # nothing admissible is even weakly as good for everyone
            continue
        gap = max(gap, res.gap)
        proven &= res.proven
        if res.package is not None:
            best_gain[p] = problem.evaluate(res.package[None, :])[0, p] - base[p]
    if (best_gain < EPS).all():
        proof = (f"MILP: subject to u >= u(tentative) - {EPS:g}, no party's utility can "
                 f"rise by {EPS:g} (largest rise {best_gain.max():.3g}; HiGHS "
                 f"{', '.join(sorted(statuses))}, largest gap {gap:.2g})")
        return Improvements(t, base, (), 0, True, proof, "milp", ", ".join(sorted(statuses)),
                            gap, proven, rank_by, time.perf_counter() - t0)
    solver = {"nash": concepts.nash, "welfare": concepts.welfare,
              "egalitarian": concepts.egalitarian}[rank_by]
    exclude: list[IntArray] = [t]
    packages: list[IntArray] = []
    # the Nash searches share their tangent cuts: the next best starts with those found
    extra: dict[str, Any] = {"cuts": {}} if rank_by == "nash" else {}
    for _ in range(limit):
        try:
            sol = solver(problem, disagreement=base, method="milp", exclude=exclude,
                         time_limit=time_limit, **extra)
        except NoAgreementError:
            break
        statuses.add(sol.status)
        gap = max(gap, sol.gap)
        proven &= sol.proven
        if sol.gains.max() < EPS:
            break
        exclude.append(sol.package)
        if sol.gains.min() >= -EPS:  # else it met u >= u_t only within solver tolerance
            packages.append(sol.package)
    pk = np.stack(packages) if packages else np.zeros((0, problem.n_issues), np.int64)
    gains = problem.evaluate(pk) - base
    if pareto_only:
        keep = skyline(gains, resolution=RESOLUTION, order="index")
        pk, gains = pk[keep], gains[keep]
    scores, order = _scores(gains, rank_by)
    found = _describe(problem, t, base, pk[order], scores[order])
    gainers = ", ".join(str(p) for p in np.flatnonzero(best_gain >= EPS))
    proof = (f"MILP: parties {gainers} can gain without loss to anyone; "
             f"{len(packages)} best by {rank_by} found with no-good cuts")
    return Improvements(t, base, found, len(packages), False, proof, "milp",
                        ", ".join(sorted(statuses)), gap, proven, rank_by,
                        time.perf_counter() - t0)
