"""Bargaining solution concepts over admissible, individually rational packages.

Every concept maximises over the admissible packages (no red line crossed, no linkage
broken) that leave each party at least at its disagreement utility ``d_p`` (within
``EPS``); ``d`` defaults to the reservation utilities. Gains are ``g_p = u_p - d_p``.

* :func:`welfare`: maximise ``sum_p u_p``.
* :func:`egalitarian`: maximise ``min_p g_p``, ties broken leximin.
* :func:`kalai_smorodinsky`: maximise ``λ`` with ``g_p >= λ (ideal_p - d_p)``, ties broken
  by welfare (which keeps the result Pareto-optimal).
* :func:`nash`: maximise ``prod_p g_p``.

Two methods give the same optimum: ``"enumeration"`` (exhaustive; used when the
red-line-free space has at most ``threshold`` packages) and ``"milp"`` (HiGHS, see
:mod:`accord.solve.milp`). Ties between packages are broken differently by the two.
Unless packages are excluded or the red-line-free space is within ``threshold``, both
work over the options that no other option of their issue dominates
(:mod:`accord.solve.reduce`; every concept here is nondecreasing in each utility, so its
optimum is unchanged), and the ``"auto"`` switch then looks at that reduced space.

Common keyword arguments: ``disagreement`` (``d``; default the reservations),
``method`` (``"auto"``, ``"enumeration"``, ``"milp"``), ``threshold`` (the ``"auto"``
switch), ``exclude`` (packages ``(n_issues,)`` to leave out, e.g. to find the next best)
and ``time_limit`` (seconds per MILP solve; an interrupted solve is reported unproven).

Conventions: a party whose gain is 0 in every individually rational package
(``ideal_p = d_p``) is left out of the KS ratio and the Nash product (its factor would
be constant); when the remaining product is 0 for every package, Nash returns the
welfare-maximising package with objective 0.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from accord.analysis.problem import BoolArray, FloatArray, IntArray, Problem, as_problem
from accord.analysis.space import ENUMERATION_LIMIT
from accord.analysis.tables import Tables
from accord.model import ACTIVE, EPS, RESOLUTION
from accord.solve.enumerate import admissible_block
from accord.solve.errors import NoAgreementError, SolverError, SpaceTooLargeError
from accord.solve.frontier import frontier_candidates
from accord.solve.milp import FEAS_TOL, PROOF_GAP, Encoding, MilpResult
from accord.solve.reduce import compact, without_dominated

Method = Literal["auto", "enumeration", "milp"]
#: Default largest red-line-free space solved by enumeration under ``method="auto"``.
THRESHOLD = 10**6
#: Tolerance on the log of the Nash product for the outer approximation to stop
#: (a relative gap of ``PROOF_GAP`` on the product).
NASH_LOG_GAP = math.log1p(PROOF_GAP)

__all__ = [
    "THRESHOLD",
    "Solution",
    "egalitarian",
    "kalai_smorodinsky",
    "nash",
    "welfare",
]


@dataclass(frozen=True)
class Solution:
    """The package a concept selects.

    Attributes:
        concept: ``"welfare"``, ``"egalitarian"``, ``"kalai-smorodinsky"`` or ``"nash"``.
        package: ``(n_issues,)`` option positions.
        utilities: ``(P,)`` utilities of the package.
        gains: ``(P,)`` utilities minus the disagreement point.
        objective: the concept's objective at the package (sum of utilities, least gain,
            KS ratio ``λ``, Nash product).
        method: ``"enumeration"`` or ``"milp"``.
        status: ``"exhaustive"`` for enumeration, else the HiGHS status of the solves.
        gap: relative optimality gap (0 for enumeration).
        proven: the objective is proven optimal (enumeration, or every MILP solve
            ``Optimal`` with gap at most ``1e-9``).
        seconds: wall-clock time.
        disagreement: ``(P,)`` the disagreement point used.
        solves: number of MILP solves.
    """

    concept: str
    package: IntArray
    utilities: FloatArray
    gains: FloatArray
    objective: float
    method: str
    status: str
    gap: float
    proven: bool
    seconds: float
    disagreement: FloatArray
    solves: int = 0


# ------------------------------------------------------------------- helpers
class _Run:
    """Shared state of one concept computation."""

    def __init__(self, concept: str, tables: Tables | Problem,
                 disagreement: FloatArray | None, method: Method, threshold: int,
                 exclude: Sequence[IntArray] = (), time_limit: float | None = None) -> None:
        self.t0 = time.perf_counter()
        self.concept = concept
        self.original = as_problem(tables)
        # every concept here is nondecreasing in each utility, so options dominated by
        # another option of their issue can go (reduce.py); not with packages to exclude,
        # where the next best may well use one
        self.small = None if exclude or self.original.allowed_space_size <= threshold \
            else compact(without_dominated(self.original))
        self.problem = self.original if self.small is None else self.small.problem
        pr = self.problem
        self.d = (pr.reservation.copy() if disagreement is None
                  else np.asarray(disagreement, dtype=np.float64).reshape(-1))
        if self.d.shape != (pr.n_parties,):
            raise ValueError(f"disagreement must have {pr.n_parties} entries")
        if method == "auto":
            method = "enumeration" if pr.allowed_space_size <= threshold else "milp"
        if method not in ("enumeration", "milp"):
            raise ValueError(f"unknown method {method!r}")
        if method == "enumeration" and pr.allowed_space_size > ENUMERATION_LIMIT:
            raise SpaceTooLargeError(
                f"{pr.allowed_space_size} red-line-free packages exceed the enumeration "
                f"limit {ENUMERATION_LIMIT}; use method='milp'")
        self.method = method
        self.exclude = [np.asarray(e, dtype=np.int64).reshape(pr.n_issues) for e in exclude]
        self.time_limit = time_limit
        self.results: list[MilpResult] = []
        self.extra_gap = 0.0
        self.extra_proof = True

    # enumeration
    def rational(self) -> tuple[IntArray, FloatArray]:
        """Ids and utilities of the individually rational admissible packages to scan.

        Every concept here has an optimum, tie-break included, among the Pareto-optimal
        individually rational packages (a package that dominates another is at least as
        good for each concept, and strictly better for its tie-break). When the pruned
        frontier enumeration of :func:`accord.solve.frontier.frontier_candidates` is cheap
        (no terms or linkages and at most four parties, or two parties and few terms and
        linkages), only its candidates are scanned: one package per Pareto-optimal
        vector, computed once per problem and shared with
        :func:`~accord.solve.frontier.pareto_frontier`; otherwise every package is.
        """
        pr = self.problem
        items = len(pr.interactions) + len(pr.links)
        cheap = (items == 0 and pr.n_parties <= 4) or (pr.n_parties <= 2
                                                        and items <= pr.n_issues)
        if cheap and not self.exclude and pr.gates is None:
            ids, util = frontier_candidates(pr, self.d - EPS, prune=True)
            if not ids.shape[0]:
                raise NoAgreementError(self._no_agreement())
            return ids, util
        block = admissible_block(self.problem, limit=max(self.problem.allowed_space_size, 1))
        ok = (block.utilities >= self.d - EPS).all(axis=1)
        if self.exclude:
            ok &= ~np.isin(block.ids, self.problem.layout.encode(np.stack(self.exclude)))
        if not ok.any():
            raise NoAgreementError(self._no_agreement())
        return block.ids[ok], block.utilities[ok]

    def _no_agreement(self) -> str:
        return ("no admissible package leaves every party at least at its disagreement "
                "utility")

    # MILP
    def encoding(self) -> Encoding:
        enc = Encoding(self.problem, time_limit=self.time_limit)
        for p in range(self.problem.n_parties):
            enc.require_utility(p, float(self.d[p] - EPS))
        for package in self.exclude:
            enc.exclude(package)
        return enc

    def solve(self, enc: Encoding, start: IntArray | None = None) -> MilpResult:
        res = enc.solve(start)
        self.results.append(res)
        if res.package is None:
            if res.infeasible and len(self.results) == 1:
                raise NoAgreementError(self._no_agreement())
            raise SolverError(f"HiGHS found no package ({res.status})")
        return res

    def finish(self, package: IntArray, objective: Callable[[FloatArray], float]
               ) -> Solution:
        pr = self.original
        package = np.asarray(package, dtype=np.int64)
        if self.small is not None:
            package = self.small.expand(package)[0]
        u = pr.evaluate(package[None, :])[0]
        g = u - self.d
        if self.method == "enumeration":
            status, gap, proven = "exhaustive", 0.0, True
        else:
            statuses = sorted({r.status for r in self.results})
            status = ", ".join(statuses)
            gap = max([r.gap for r in self.results] + [self.extra_gap])
            proven = all(r.proven for r in self.results) and self.extra_proof
        return Solution(self.concept, package, u, g, float(objective(u)), self.method, status,
                        float(gap), bool(proven), time.perf_counter() - self.t0,
                        self.d.copy(), len(self.results))


def _quantise(values: FloatArray) -> FloatArray:
    return np.asarray(np.rint(values / RESOLUTION), dtype=np.float64)


def _leximin_order(gains: FloatArray) -> IntArray:
    """Row indices sorted by increasing leximin value of the (quantised) gain vectors."""
    q = np.sort(_quantise(gains), axis=1)
    return np.asarray(np.lexsort([q[:, k] for k in range(q.shape[1] - 1, -1, -1)]),
                      dtype=np.int64)


def _ks_lambda(u: FloatArray, d: FloatArray, rng: FloatArray, active: BoolArray
               ) -> FloatArray:
    if not active.any():
        return np.zeros(u.shape[0])
    return np.asarray(((u - d)[:, active] / rng[active]).min(axis=1), dtype=np.float64)


def _nash_value(u: FloatArray, d: FloatArray, active: BoolArray) -> FloatArray:
    if not active.any():
        return np.zeros(u.shape[0])
    return np.asarray(np.prod(np.maximum(u - d, 0.0)[:, active], axis=1), dtype=np.float64)


# ------------------------------------------------------------------- welfare
def welfare(tables: Tables | Problem, *, disagreement: FloatArray | None = None,
            method: Method = "auto", threshold: int = THRESHOLD,
            exclude: Sequence[IntArray] = (), time_limit: float | None = None) -> Solution:
    """The individually rational admissible package of greatest total utility.

    Utilitarian solution (Harsanyi, "Cardinal welfare, individualistic ethics, and
    interpersonal comparisons of utility", *J. Political Economy* 63, 1955).

    Steps:
        1. Enumeration: take every admissible package with ``u >= d - EPS`` and return
           the one of greatest ``sum_p u_p``.
        2. MILP: maximise ``sum_p u_p`` under ``u_p >= d_p - EPS``.

    Raises:
        NoAgreementError: no admissible package is individually rational.
    """
    run = _Run("welfare", tables, disagreement, method, threshold, exclude, time_limit)
    if run.method == "enumeration":
        ids, u = run.rational()
        k = int(np.argmax(u.sum(axis=1)))
        return run.finish(run.problem.layout.decode(ids[k:k + 1])[0], lambda v: float(v.sum()))
    enc = run.encoding()
    enc.maximise(utilities=np.ones(run.problem.n_parties))
    res = run.solve(enc)
    assert res.package is not None
    return run.finish(res.package, lambda v: float(v.sum()))


# --------------------------------------------------------------- egalitarian
def _leximin_milp(run: _Run, enc: Encoding, parties: list[int]) -> IntArray:
    """Lexicographic max-min of the gains of ``parties`` by ordered cumulative sums.

    ``θ_k`` (the sum of the ``k`` smallest gains) is ``max k t - sum_p s_p`` over
    ``s_p >= t - g_p``, ``s_p >= 0`` (Ogryczak & Śliwiński, "On solving linear programs
    with the ordered weighted averaging objective", *EJOR* 148, 2003). Maximising
    ``θ_1, θ_2, ...`` in turn, each fixed at its optimum before the next, yields the
    leximin optimum (Ogryczak & Śliwiński, *Lecture Notes in CS* 2367, 2002).
    """
    package: IntArray | None = None
    n = len(parties)
    for k in range(1, n + 1):
        if k == n:
            cols: list[int] = []
            vals: list[float] = []
            weights = np.zeros(run.problem.n_parties)
            weights[parties] = 1.0
        else:
            t = enc.add_column(-np.inf, np.inf)
            s = [enc.add_column(0.0, np.inf) for _ in parties]
            for p, sp in zip(parties, s, strict=True):
                # s_p - t + u_p >= d_p
                enc.utility_row(p, [sp, t], [1.0, -1.0], lb=float(run.d[p]))
            cols = [t, *s]
            vals = [float(k)] + [-1.0] * n
            weights = np.zeros(run.problem.n_parties)
        enc.maximise(cols, vals, utilities=weights)
        res = run.solve(enc, package)
        assert res.package is not None
        package = res.package
        if k == n:
            break
        gains = np.sort(run.problem.evaluate(package[None, :])[0][parties] - run.d[parties])
        theta = float(gains[:k].sum())
        enc.add_row(cols, vals, lb=theta - EPS)
    assert package is not None
    return package


def egalitarian(tables: Tables | Problem, *, disagreement: FloatArray | None = None,
                method: Method = "auto", threshold: int = THRESHOLD,
                exclude: Sequence[IntArray] = (), time_limit: float | None = None
                ) -> Solution:
    """Maximise the least gain over the disagreement point, ties broken leximin.

    Egalitarian solution (Kalai, "Proportional solutions to bargaining situations:
    interpersonal utility comparisons", *Econometrica* 45(7), 1977) with the leximin
    refinement (Sen, *Collective Choice and Social Welfare*, 1970).

    Steps:
        1. Enumeration: sort each individually rational package's gain vector in
           increasing order and take the lexicographically greatest.
        2. MILP: maximise ``θ_1 = min_p g_p``, fix it, maximise ``θ_2`` (the sum of the two
           smallest gains), ..., finally the sum of all gains (see :func:`_leximin_milp`).

    The objective reported is the least gain.

    Raises:
        NoAgreementError: no admissible package is individually rational.
    """
    run = _Run("egalitarian", tables, disagreement, method, threshold, exclude, time_limit)
    d = run.d

    def objective(u: FloatArray) -> float:
        return float((u - d).min())

    if run.method == "enumeration":
        ids, u = run.rational()
        k = int(_leximin_order(u - d)[-1])
        return run.finish(run.problem.layout.decode(ids[k:k + 1])[0], objective)
    enc = run.encoding()
    package = _leximin_milp(run, enc, list(range(run.problem.n_parties)))
    return run.finish(package, objective)


# ---------------------------------------------------------- Kalai–Smorodinsky
def _ideal_milp(run: _Run, enc: Encoding) -> FloatArray:
    pr = run.problem
    ideal = np.empty(pr.n_parties)
    for p in range(pr.n_parties):
        enc.maximise(utilities=np.eye(pr.n_parties)[p])
        res = run.solve(enc)
        assert res.package is not None
        ideal[p] = pr.evaluate(res.package[None, :])[0, p]
    return ideal


def kalai_smorodinsky(tables: Tables | Problem, *,
                      disagreement: FloatArray | None = None, method: Method = "auto",
                      threshold: int = THRESHOLD, exclude: Sequence[IntArray] = (),
                      time_limit: float | None = None) -> Solution:
    """Maximise the common fraction ``λ`` of every party's possible gain.

    Kalai & Smorodinsky, "Other solutions to Nash's bargaining problem", *Econometrica*
    43(3), 1975, for a finite set of packages: the ideal point is taken over the
    individually rational admissible packages.

    Steps:
        1. ``ideal_p = max u_p`` over individually rational admissible packages.
        2. Maximise ``λ`` subject to ``u_p - d_p >= λ (ideal_p - d_p)`` for every party with
           ``ideal_p - d_p > ACTIVE``.
        3. Among packages with ``λ`` at its optimum (within ``EPS`` for the MILP), take the
           one of greatest welfare; it is Pareto-optimal, because anything dominating it
           would have at least its ``λ`` and more welfare.

    The objective reported is ``λ``.

    Raises:
        NoAgreementError: no admissible package is individually rational.
    """
    run = _Run("kalai-smorodinsky", tables, disagreement, method, threshold, exclude, time_limit)
    d = run.d
    if run.method == "enumeration":
        ids, u = run.rational()
        ideal = u.max(axis=0)
    else:
        enc = run.encoding()
        ideal = _ideal_milp(run, enc)
    rng = ideal - d
    active = rng > ACTIVE

    def objective(v: FloatArray) -> float:
        return float(_ks_lambda(v[None, :], d, rng, active)[0])

    if run.method == "enumeration":
        lam = _quantise(_ks_lambda(u, d, rng, active))
        cand = np.flatnonzero(lam == lam.max())
        k = int(cand[np.argmax(u[cand].sum(axis=1))])
        return run.finish(run.problem.layout.decode(ids[k:k + 1])[0], objective)
    lam_col = enc.add_column(-1.0, 1.0)
    for p in np.flatnonzero(active).tolist():
        enc.utility_row(p, [lam_col], [-float(rng[p])], lb=float(d[p]))
    enc.maximise([lam_col], [1.0])
    res = run.solve(enc)
    assert res.package is not None
    lam_star = objective(run.problem.evaluate(res.package[None, :])[0])
    enc.set_lower(lam_col, lam_star - EPS)
    enc.maximise(utilities=np.ones(run.problem.n_parties))
    res = run.solve(enc, res.package)
    assert res.package is not None
    return run.finish(res.package, objective)


# ----------------------------------------------------------------------- Nash
def _nash_oa(run: _Run, enc: Encoding, parties: list[int], start: IntArray,
             max_rounds: int, known: dict[int, list[float]] | None = None) -> IntArray:
    """Maximise ``sum_{p in parties} log g_p`` by outer approximation with tangent cuts.

    Kelley, "The cutting-plane method for solving convex programs", *J. SIAM* 8(4), 1960;
    as outer approximation for MINLP, Duran & Grossmann, *Math. Programming* 36, 1986.

    Steps:
        1. ``L`` = the Nash product of ``start`` (> 0). Any package with product ``>= L``
           has ``g_p >= l_p = L / prod_{q != p} G_q`` where ``G_q`` bounds ``g_q`` above;
           add ``g_p >= l_p (1 - 1e-6)`` (a little slack keeps the solver away from
           rows that are tight at the only feasible points).
        2. Add columns ``w_p`` with tangent cuts ``w_p <= log a + (g_p - a) / a`` at a
           geometric grid of points ``a`` in ``[l_p, G_p]``. Because ``log`` is concave,
           every tangent lies above it, so ``max sum_p w_p`` bounds the true maximum of
           ``sum_p log g_p`` from above.
        3. Solve; evaluate the true ``sum_p log g_p`` of the package found, keep the best.
        4. Stop when the MILP bound exceeds the best true value by at most
           ``NASH_LOG_GAP`` (a relative gap of ``1e-9`` on the product). Otherwise
           add tangent cuts at the package's gains (they cut off the current point, whose
           ``w_p`` exceeded ``log g_p``) and go to 3. A package seen twice has exact
           ``w``, so the loop ends after finitely many rounds.
        5. If no cut separates the incumbent, the remaining gap comes from the solver's
           feasibility tolerance on the cut rows (``w_p`` may exceed a cut by
           ``FEAS_TOL / a``); the optimum then counts as proven when the gap is within
           ``NASH_LOG_GAP`` plus that allowance.

    ``known``: tangent points (gains, per party) found by earlier solves with the same
    disagreement point; those within ``[l_p, G_p]`` join the grid of step 2, and the points
    of step 4 are appended to it. Every tangent of ``log`` bounds it from above, so these
    cuts stay valid whatever else changed (packages excluded since, a new floor).
    """
    pr = run.problem
    d = run.d
    hi_u = pr.utility_bounds()[1]

    def log_value(package: IntArray) -> float:
        g = pr.evaluate(package[None, :])[0][parties] - d[parties]
        return float(np.log(np.maximum(g, 0.0)).sum()) if (g > 0).all() else -math.inf

    best = start
    best_val = log_value(start)
    cap = np.maximum(hi_u[parties] - d[parties], 1e-300)
    floor_gain = math.exp(best_val) / np.array(
        [float(np.prod(np.delete(cap, i))) for i in range(len(parties))])
    floor_gain = np.minimum(floor_gain * (1 - 1e-6), cap)
    w = []
    points: list[list[float]] = []
    for i, p in enumerate(parties):
        enc.utility_row(p, [], [], lb=float(d[p] + floor_gain[i]))
        col = enc.add_column(math.log(floor_gain[i]) - 1.0, math.log(cap[i]) + 1.0)
        w.append(col)
        ratio = max(1.05, (cap[i] / floor_gain[i]) ** (1 / 24))
        a = floor_gain[i]
        points.append([])
        while True:
            _tangent(enc, p, col, a, float(d[p]))
            points[i].append(a)
            if a >= cap[i]:
                break
            a = min(cap[i], a * ratio)
        for a in (known or {}).get(p, ()):
            if floor_gain[i] < a < cap[i] and min(abs(b - a) for b in points[i]) > 1e-12 * a:
                _tangent(enc, p, col, a, float(d[p]))
                points[i].append(a)
    enc.maximise(w, [1.0] * len(w))
    for _ in range(max_rounds):
        res = run.solve(enc, best)
        assert res.package is not None
        val = log_value(res.package)
        if val > best_val:
            best, best_val = res.package, val
        gap = float(res.bound) - best_val
        run.extra_gap = max(0.0, math.expm1(gap)) if np.isfinite(gap) else math.inf
        if gap <= NASH_LOG_GAP:
            run.extra_proof = True
            return best
        g = pr.evaluate(res.package[None, :])[0][parties] - d[parties]
        added = 0
        for i, p in enumerate(parties):
            a = float(g[i])
            if (a > 0 and res.columns[w[i]] > math.log(a) + 1e-13
                    and min(abs(b - a) for b in points[i]) > 1e-12 * a):
                _tangent(enc, p, w[i], a, float(d[p]))
                points[i].append(a)
                if known is not None:
                    known.setdefault(p, []).append(a)
                added += 1
        if added == 0:
            # no cut separates the incumbent: what is left of the gap is the solver's row
            # tolerance, through which each w_p may exceed its cuts by up to FEAS_TOL / a
            run.extra_proof = gap <= NASH_LOG_GAP + float(np.sum(FEAS_TOL / g))
            return best
    run.extra_proof = False
    return best


def _tangent(enc: Encoding, party: int, w: int, a: float, d: float) -> None:
    """Cut ``w <= log a + (u - d - a) / a``, written ``u - a w >= d + a - a log a``."""
    enc.utility_row(party, [w], [-a], lb=d + a - a * math.log(a))


def nash(tables: Tables | Problem, *, disagreement: FloatArray | None = None,
         method: Method = "auto", threshold: int = THRESHOLD, max_rounds: int = 200,
         exclude: Sequence[IntArray] = (), time_limit: float | None = None,
         cuts: dict[int, list[float]] | None = None) -> Solution:
    """Maximise the product of gains over the disagreement point.

    Nash, "The bargaining problem", *Econometrica* 18(2), 1950, on the finite set of
    individually rational admissible packages.

    Steps:
        1. Enumeration: evaluate ``prod_p max(g_p, 0)`` over the parties able to gain
           for every individually rational package; take the greatest.
        2. MILP: maximise the least gain (as in :func:`egalitarian`). If it is positive,
           every party can gain at once: run the outer approximation of
           :func:`_nash_oa` from that package. Otherwise find each party's best gain,
           keep the parties able to gain, and maximise their least gain; if that is still
           0 every product is 0 and the welfare maximiser is returned, else run the outer
           approximation over those parties.

    ``cuts``: tangent points shared by a series of solves with the same disagreement
    point (see :func:`_nash_oa`), e.g. the next-best searches of
    :func:`accord.solve.improve.post_settlement`; read and extended.

    Raises:
        NoAgreementError: no admissible package is individually rational.
    """
    run = _Run("nash", tables, disagreement, method, threshold, exclude, time_limit)
    pr = run.problem
    d = run.d
    if run.method == "enumeration":
        ids, u = run.rational()
        active = (u.max(axis=0) - d) > ACTIVE
        value = _nash_value(u, d, active)
        k = int(np.argmax(value if value.max() > 0 else u.sum(axis=1)))
        return run.finish(pr.layout.decode(ids[k:k + 1])[0],
                          lambda v: float(_nash_value(v[None, :], d, active)[0]))
    enc = run.encoding()
    parties = list(range(pr.n_parties))
    start = _maxmin(run, enc, parties)
    if _least_gain(run, start, parties) <= ACTIVE:
        ideal = _ideal_milp(run, enc)
        parties = np.flatnonzero(ideal - d > ACTIVE).tolist()
        if parties:
            start = _maxmin(run, enc, parties)
    active = np.zeros(pr.n_parties, dtype=bool)
    active[parties] = True

    def objective(v: FloatArray) -> float:
        return float(_nash_value(v[None, :], d, active)[0])

    if not parties or _least_gain(run, start, parties) <= ACTIVE:
        enc.maximise(utilities=np.ones(pr.n_parties))
        res = run.solve(enc, start)
        assert res.package is not None
        return run.finish(res.package, objective)
    package = _nash_oa(run, enc, parties, start, max_rounds, cuts)
    return run.finish(package, objective)


def _least_gain(run: _Run, package: IntArray, parties: list[int]) -> float:
    u = run.problem.evaluate(package[None, :])[0]
    return float((u - run.d)[parties].min())


def _maxmin(run: _Run, enc: Encoding, parties: list[int]) -> IntArray:
    """Package maximising the least gain of ``parties`` (a fresh column each call)."""
    t = enc.add_column(-np.inf, np.inf)
    for p in parties:
        enc.utility_row(p, [t], [-1.0], lb=float(run.d[p]))
    enc.maximise([t], [1.0])
    res = run.solve(enc)
    assert res.package is not None
    return res.package
