"""Mixed-integer linear encoding of a package choice, solved with HiGHS (``highspy``).

Variables and constraints (Wolsey, *Integer Programming*, 2nd ed., Wiley 2020, §1.9 on
modelling with binary variables):

* ``x[i, o]`` binary, one per option; ``sum_o x[i, o] = 1`` for each issue ``i``; options
  on a red line have upper bound 0.
* a linkage ``a => b`` is ``s_a <= s_b`` and ``not (a and b)`` is ``s_a + s_b <= 1``, with
  ``s_a = sum_{o in A} x[i_a, o]`` (exactly 0 or 1 by the one-hot rows).
* an interaction term ``AND_k (issue i_k takes an option in S_k)`` gets a column
  ``y in [0, 1]`` with ``y <= s_k`` for each condition when the term pays some party
  more than 0, and ``y >= sum_k s_k - (K - 1)`` when it pays some party less than 0
  (both for a term of mixed sign, so that ``y`` is then the conjunction exactly). A term
  that only helps is thus only bounded above by its conjunction, one that only hurts
  only below; by the argument below, that loses nothing. ``s_k`` sums the options of
  ``S_k`` that cross no red line.
* the utility of party ``p`` is a linear expression. Ordinary parties:
  ``u_p = base_p + sum util[o, p] x[o] + sum values[t, p] y_t`` (written straight into
  objectives and rows). Clipped parties (``u = min(1, max(0, raw))``): a column
  ``z_p in [0, 1]`` with ``z_p <= raw_p``, and when ``raw_p`` can be negative a binary
  ``b_p`` with ``z_p <= raw_p + M_p b_p`` and ``z_p <= 1 - b_p`` (``M_p = 1 - min raw_p``);
  ``u_p = z_p``. Every feasible ``z_p`` is then at most ``min(1, max(0, raw_p))`` and that
  value is itself feasible. (Free columns equal to the utilities exist for callers,
  :attr:`Encoding.u`; the engine itself does not use them.)

Domestic constituents (:class:`~accord.analysis.problem.Gates`) get their own utility
expressions, written as the parties' are, and for each constituent ``c`` a binary
``asked_c`` (fixed to 1 when it is always consulted) with ``asked_c >= x[o]`` for each
trigger option ``o``, ``asked_c + x[o] <= 1`` for each of its red-line options and
``u_c + M_c (1 - asked_c) >= r_c - EPS`` with ``M_c = r_c - EPS - min u_c + 1``. Nothing
forces ``asked_c`` up beyond the triggers, and setting it to its least value (the true
"consulted") only loosens rows, so a package is feasible exactly when every consulted
constituent accepts it; the rows bound ``u_c`` from below only, so the argument below
covers the constituents' relaxed terms and clipping too.

Why the clipped encoding is exact for our uses: every objective this package optimises
is nondecreasing in each ``u_p`` (weighted sums, a minimum, a KS ratio, a sum of concave
logarithms) and every constraint on ``u_p`` is a lower bound (``u_p >= d_p``,
``u_p >= eps``, ``u_p >= u_p(tentative)``). Any feasible point can therefore raise each
``u_p`` to its true value (each ``z_p`` to its clipped raw utility, each one-sided ``y``
to its conjunction) without losing feasibility or objective, so the optimum over the
relaxed set equals the optimum over the true utilities, and the package it selects is
optimal. Utilities reported to callers are always recomputed from the package.

A result counts as *proven* only when HiGHS reports ``Optimal`` and the relative gap
``|bound - objective| / max(1, |objective|)`` is at most ``1e-9`` (``mip_rel_gap`` and
``mip_abs_gap`` are set to ``1e-10``, the integrality tolerance to :data:`FEAS_TOL`).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

import highspy
import numpy as np

from accord.analysis.problem import FloatArray, IntArray, Problem, as_problem
from accord.analysis.tables import Tables
from accord.model import EPS
from accord.solve.errors import SolverError

#: Gap up to which a MILP optimum counts as proven.
PROOF_GAP = 1e-9
#: HiGHS ``mip_feasibility_tolerance``: a returned package may miss a row by this much.
#: (Tighter values make HiGHS 1.16 presolve misreport feasible models as infeasible.)
FEAS_TOL = 1e-9

#: Options every encoding passes to HiGHS.
HIGHS_OPTIONS: dict[str, float | str | int] = {
    "threads": 1,
    "presolve": "off",
    "mip_rel_gap": 1e-10,
    "mip_abs_gap": 1e-10,
    "mip_feasibility_tolerance": FEAS_TOL,
    "primal_feasibility_tolerance": 1e-10,
    "dual_feasibility_tolerance": 1e-9,
}

__all__ = ["FEAS_TOL", "PROOF_GAP", "Encoding", "MilpResult", "new_highs"]

_QUIET = threading.Lock()
_BANNER_DONE = False


def new_highs() -> highspy.Highs:
    """A silent HiGHS instance.

    HiGHS prints a copyright banner on standard output when the first instance of a
    process is created, before any option can be set; that first construction runs with
    file descriptor 1 pointed at the null device so that library calls print nothing.
    """
    global _BANNER_DONE
    with _QUIET:
        if not _BANNER_DONE:
            sys.stdout.flush()
            try:
                saved = os.dup(1)
                null = os.open(os.devnull, os.O_WRONLY)
            except OSError:  # no usable standard output: nothing to protect
                h = highspy.Highs()  # type: ignore[no-untyped-call]
            else:
                try:
                    os.dup2(null, 1)
                    h = highspy.Highs()  # type: ignore[no-untyped-call]
                finally:
                    os.dup2(saved, 1)
                    os.close(saved)
                    os.close(null)
            _BANNER_DONE = True
        else:
            h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    return h


@dataclass(frozen=True)
class MilpResult:
    """Outcome of one MILP solve.

    Attributes:
        status: HiGHS model status in words (``"Optimal"``, ``"Infeasible"``, ...).
        optimal: HiGHS reported ``Optimal``.
        objective: objective value of the incumbent (``nan`` when there is none).
        bound: best proven bound on the objective (``nan`` when unknown).
        gap: ``|bound - objective| / max(1, |objective|)`` (``inf`` when unknown).
        package: option positions ``(n,)`` of the incumbent, or ``None``.
        columns: values of every column at the incumbent (empty when none).
        seconds: wall-clock time of the solve.
    """

    status: str
    optimal: bool
    objective: float
    bound: float
    gap: float
    package: IntArray | None
    columns: FloatArray
    seconds: float

    @property
    def proven(self) -> bool:
        """``Optimal`` with a gap of at most :data:`PROOF_GAP`.

        HiGHS prunes nodes whose bound is within its feasibility tolerance (``1e-9``) of
        the incumbent, so a proven gap can read ``1e-9`` plus rounding; a relative slack
        of ``1e-6`` on the threshold absorbs that rounding.
        """
        return self.optimal and self.gap <= PROOF_GAP * (1 + 1e-6)

    @property
    def infeasible(self) -> bool:
        """HiGHS proved that no package satisfies the constraints."""
        return self.status == "Infeasible"


class Encoding:
    """The MILP of :mod:`accord.solve.milp` for one problem, open to further rows.

    Utilities are linear expressions (``const + sum vals * cols``), not columns: a free
    utility column tied by an equality row with a bound on it triggered wrong "optimal"
    answers in HiGHS 1.16 presolve at tight tolerances. Each party has one spare row
    ``u_p >= lower`` whose bound :meth:`require_utility` moves.

    Attributes:
        problem: the encoded problem.
        x: ``(n_options,)`` column of each option's binary.
        expr: per party, ``(cols, vals, const)`` of its utility.
    """

    def __init__(self, tables: Tables | Problem, *, time_limit: float | None = None
                 ) -> None:
        self.problem = pr = as_problem(tables)
        self.h = h = new_highs()
        for name, value in HIGHS_OPTIONS.items():
            h.setOptionValue(name, value)
        if time_limit is not None:
            h.setOptionValue("time_limit", float(time_limit))
        self._lb: list[float] = []
        self._ub: list[float] = []
        self._int: list[int] = []
        self._rows: list[tuple[float, float, list[int], list[float]]] = []
        self._n_rows = 0
        n_opt = int(pr.util.shape[0])
        self.x = np.array([self._col(0.0, 1.0 if pr.allowed[o] else 0.0, integer=True)
                           for o in range(n_opt)], dtype=np.int64)
        for i in range(pr.n_issues):
            lo = int(pr.offsets[i])
            cols = self.x[lo:lo + int(pr.sizes[i])].tolist()
            self._row(1.0, 1.0, cols, [1.0] * len(cols))
        for link in pr.links:
            a, va = self._selector(link.issue_a, link.mask_a)
            b, vb = self._selector(link.issue_b, link.mask_b)
            if link.excludes:
                self._row(-np.inf, 1.0, a + b, va + vb)
            else:
                self._row(-np.inf, 0.0, a + b, va + [-v for v in vb])
        #: per party, ``(cols, vals, const)`` of its utility
        self.expr = self._expressions(pr)
        if pr.gates is not None:
            self._gate_rows(pr)
        self._cost = np.zeros(0)
        self._offset = 0.0
        u_cols = []
        for p in range(pr.n_parties):
            col = self._col(-np.inf, np.inf)
            cols, vals, const = self.expr[p]
            self._row(const, const, [col, *cols], [1.0] + [-v for v in vals])
            u_cols.append(col)
        self._u_cols = np.asarray(u_cols, dtype=np.int64)
        self._floor = [-np.inf] * pr.n_parties
        self._bound_lo = [-np.inf] * pr.n_parties
        self._bound_row = []
        for p in range(pr.n_parties):
            self._bound_row.append(self._n_rows + len(self._rows))
            cols, vals, _ = self.expr[p]
            self._row(-np.inf, np.inf, list(cols), list(vals))
        self._flush()

    # ------------------------------------------------------------------ building
    def _expressions(self, pr: Problem) -> list[tuple[list[int], list[float], float]]:
        """The utility expression of each column of ``pr`` (its terms get new columns)."""
        y = []
        for term in pr.interactions:
            col = self._col(0.0, 1.0)
            y.append(col)
            total_cols: list[int] = [col]
            total_vals: list[float] = [1.0]
            helps, hurts = bool((term.values > 0).any()), bool((term.values < 0).any())
            for issue, mask in zip(term.issues, term.masks, strict=True):
                s, vs = self._selector(issue, mask)
                if helps:
                    self._row(-np.inf, 0.0, [col, *s], [1.0] + [-v for v in vs])
                total_cols += s
                total_vals += [-v for v in vs]
            if hurts:
                self._row(-(len(term.issues) - 1.0), np.inf, total_cols, total_vals)
        lo_raw, _ = pr.raw_bounds()
        allowed = self.problem.allowed
        out: list[tuple[list[int], list[float], float]] = []
        for p in range(pr.n_parties):
            opts = np.flatnonzero((pr.util[:, p] != 0.0) & allowed)
            cols = [int(self.x[o]) for o in opts]
            vals = [float(pr.util[o, p]) for o in opts]
            for t, term in enumerate(pr.interactions):
                if term.values[p] != 0.0:
                    cols.append(y[t])
                    vals.append(float(term.values[p]))
            base = float(pr.base[p])
            if not pr.clip[p]:
                out.append((cols, vals, base))
                continue
            z = self._col(0.0, 1.0)
            neg = [-v for v in vals]
            if lo_raw[p] >= 0.0:
                self._row(-np.inf, base, [z, *cols], [1.0, *neg])
            else:
                zero = self._col(0.0, 1.0, integer=True)
                big = float(-lo_raw[p]) + 1.0
                self._row(-np.inf, base, [z, zero, *cols], [1.0, -big, *neg])
                self._row(-np.inf, 1.0, [z, zero], [1.0, 1.0])
            out.append(([z], [1.0], 0.0))
        return out

    def _gate_rows(self, pr: Problem) -> None:
        """Rows of two-level ratification (the module docstring's constituents' part)."""
        gates = pr.gates
        assert gates is not None
        expr = self._expressions(gates.problem)
        lo_raw, _ = gates.problem.raw_bounds()
        for c in range(gates.n_gates):
            asked = self._col(1.0 if gates.always[c] else 0.0, 1.0, integer=True)
            for o in np.flatnonzero(gates.trigger[:, c] & pr.allowed):
                self._row(0.0, np.inf, [asked, int(self.x[o])], [1.0, -1.0])
            for o in np.flatnonzero(gates.red[:, c] & pr.allowed):
                self._row(-np.inf, 1.0, [asked, int(self.x[o])], [1.0, 1.0])
            cols, vals, const = expr[c]
            need = float(gates.problem.reservation[c]) - EPS
            low = 0.0 if gates.problem.clip[c] else float(lo_raw[c])
            if need <= low:
                continue  # met by every package
            big = need - low + 1.0
            # u_c + big (1 - asked) >= need
            self._row(need - const - big, np.inf, [*cols, asked], [*vals, -big])

    def _selector(self, issue: int, mask: np.ndarray) -> tuple[list[int], list[float]]:
        lo = int(self.problem.offsets[issue])
        allowed = self.problem.allowed[lo:lo + mask.shape[0]]
        cols = [int(self.x[lo + o]) for o in np.flatnonzero(mask & allowed)]
        return cols, [1.0] * len(cols)

    def _col(self, lb: float, ub: float, *, integer: bool = False) -> int:
        self._lb.append(lb)
        self._ub.append(ub)
        if integer:
            self._int.append(len(self._lb) - 1)
        return len(self._lb) - 1

    def _row(self, lb: float, ub: float, cols: list[int], vals: list[float]) -> None:
        self._rows.append((lb, ub, cols, vals))

    def _flush(self) -> None:
        h = self.h
        n_new = len(self._lb) - h.getNumCol()
        if n_new:
            start = h.getNumCol()
            lb = np.asarray(self._lb[start:], dtype=np.float64)
            ub = np.asarray(self._ub[start:], dtype=np.float64)
            h.addVars(n_new, np.nan_to_num(lb, neginf=-highspy.kHighsInf),
                      np.nan_to_num(ub, posinf=highspy.kHighsInf))
            ints = [c for c in self._int if c >= start]
            if ints:
                h.changeColsIntegrality(
                    len(ints), np.asarray(ints, dtype=np.int32),
                    np.full(len(ints), highspy.HighsVarType.kInteger))
        if self._rows:
            lower = np.asarray([r[0] for r in self._rows], dtype=np.float64)
            upper = np.asarray([r[1] for r in self._rows], dtype=np.float64)
            starts = np.cumsum([0] + [len(r[2]) for r in self._rows[:-1]]).astype(np.int32)
            index = np.asarray([c for r in self._rows for c in r[2]], dtype=np.int32)
            value = np.asarray([v for r in self._rows for v in r[3]], dtype=np.float64)
            inf = highspy.kHighsInf
            h.addRows(len(self._rows), np.clip(lower, -inf, inf), np.clip(upper, -inf, inf),
                      index.shape[0], starts, index, value)
            self._n_rows += len(self._rows)
            self._rows = []

    @property
    def n_columns(self) -> int:
        """Number of columns so far."""
        return len(self._lb)

    def add_column(self, lb: float, ub: float, *, integer: bool = False) -> int:
        """A new column; returns its index."""
        col = self._col(lb, ub, integer=integer)
        self._flush()
        return col

    def add_row(self, cols: list[int] | IntArray, vals: list[float] | FloatArray,
                lb: float = -np.inf, ub: float = np.inf) -> None:
        """The linear constraint ``lb <= sum vals * cols <= ub``."""
        self._row(lb, ub, [int(c) for c in cols], [float(v) for v in vals])
        self._flush()

    def set_lower(self, col: int, lower: float) -> None:
        """Set the lower bound of column ``col`` (``-inf`` for none)."""
        self._lb[col] = float(lower)
        inf = highspy.kHighsInf
        self.h.changeColBounds(int(col), max(-inf, self._lb[col]), min(inf, self._ub[col]))

    def utility_row(self, party: int, cols: list[int], vals: list[float], *,
                    coef: float = 1.0, lb: float = -np.inf, ub: float = np.inf) -> None:
        """The row ``lb <= coef * u_party + sum vals * cols <= ub``."""
        u_cols, u_vals, const = self.expr[party]
        self.add_row([*u_cols, *cols], [coef * v for v in u_vals] + list(vals),
                     lb - coef * const, ub - coef * const)

    def require_utility(self, party: int, lower: float) -> None:
        """Constrain ``u_party >= lower`` from now on (never below an earlier floor)."""
        self._floor[party] = max(self._floor[party], float(lower))
        self._set_bound(party, self._floor[party])

    def release_utility(self, party: int, lower: float = -np.inf) -> None:
        """Set the moving bound to ``u_party >= max(floor, lower)``."""
        self._set_bound(party, max(self._floor[party], float(lower)))

    def _set_bound(self, party: int, lower: float) -> None:
        self._bound_lo[party] = lower
        const = self.expr[party][2]
        lo = lower - const if np.isfinite(lower) else -highspy.kHighsInf
        self.h.changeRowBounds(self._bound_row[party], lo, highspy.kHighsInf)

    def exclude(self, package: IntArray) -> None:
        """A no-good cut: forbid exactly this package."""
        flat = np.asarray(package, dtype=np.int64) + self.problem.offsets
        cols = self.x[flat]
        self.add_row(cols, np.ones(cols.shape[0]), ub=float(cols.shape[0] - 1))

    def maximise(self, cols: Sequence[int] | IntArray = (),
                 vals: Sequence[float] | FloatArray = (), *,
                 utilities: FloatArray | Sequence[float] | None = None) -> None:
        """Maximise ``sum vals * cols + sum_p utilities[p] u_p`` (other costs become 0)."""
        cost = np.zeros(self.n_columns)
        offset = 0.0
        if utilities is not None:
            for p, w in enumerate(np.asarray(utilities, dtype=np.float64).tolist()):
                if w == 0.0:
                    continue
                u_cols, u_vals, const = self.expr[p]
                np.add.at(cost, np.asarray(u_cols, dtype=np.int64),
                          w * np.asarray(u_vals, dtype=np.float64))
                offset += w * const
        for c, v in zip(cols, vals, strict=True):
            cost[int(c)] += float(v)
        h = self.h
        h.changeColsCost(self.n_columns, np.arange(self.n_columns, dtype=np.int32), cost)
        h.changeObjectiveOffset(offset)
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        self._cost = cost
        self._offset = offset

    @property
    def u(self) -> IntArray:
        """``(P,)`` free columns equal to the utilities (for rows written by callers).

        Prefer :meth:`utility_row` and ``maximise(utilities=...)``, which use the
        expressions directly; never bound these columns (a bounded free column tied by an
        equality row is the pattern that misled HiGHS 1.16 presolve).
        """
        return self._u_cols

    # ------------------------------------------------------------------- solving
    def package_of(self, columns: FloatArray) -> IntArray:
        """Option positions chosen by a column vector."""
        pr = self.problem
        xs = columns[self.x]
        return np.asarray([int(np.argmax(xs[int(pr.offsets[i]):int(pr.offsets[i])
                                            + int(pr.sizes[i])]))
                           for i in range(pr.n_issues)], dtype=np.int64)

    def solve(self, start: IntArray | None = None) -> MilpResult:
        """Run HiGHS, double-checking the answers HiGHS 1.16 is known to get wrong.

        Presolve is off by default (:data:`HIGHS_OPTIONS`): on these small models it cost
        more than it saved. At tight tolerances HiGHS, with or without presolve, now and
        then calls a feasible model infeasible, so:

        * each run starts from scratch; ``start`` (a package the caller knows satisfies
          every row) is passed as a MIP start;
        * an ``Infeasible`` verdict is accepted only when a run with the other presolve
          setting agrees (and, when ``start`` vouches for feasibility, also a run with a
          looser integrality tolerance, ``1e-7``);
        * a ``Solve error``, or a solution whose objective does not match its columns, is
          retried the same two ways;
        * a returned package that crosses a red line, breaks a linkage or misses a utility
          bound (by more than ``10 FEAS_TOL``, on its true utilities) is reported as not
          optimal.
        """
        h = self.h
        t0 = time.perf_counter()
        self._run(start)
        model_status = h.getModelStatus()
        presolve = str(HIGHS_OPTIONS.get("presolve", "choose"))
        other = "choose" if presolve == "off" else "off"
        for option, value, back in (("presolve", other, presolve),
                                    ("mip_feasibility_tolerance", 1e-7, FEAS_TOL)):
            infeasible = model_status == highspy.HighsModelStatus.kInfeasible
            if not self._suspect(model_status) or (
                    infeasible and option != "presolve" and start is None):
                break
            h.setOptionValue(option, value)
            self._run()
            h.setOptionValue(option, back)
            model_status = h.getModelStatus()
        seconds = time.perf_counter() - t0
        status = h.modelStatusToString(model_status)
        info = h.getInfo()
        if model_status in (highspy.HighsModelStatus.kModelError,
                            highspy.HighsModelStatus.kSolveError,
                            highspy.HighsModelStatus.kLoadError):
            raise SolverError(f"HiGHS failed: {status}")
        if info.primal_solution_status != 2:  # no feasible solution
            return MilpResult(status, False, float("nan"), float("nan"), float("inf"), None,
                              np.zeros(0), seconds)
        cols = np.asarray(h.getSolution().col_value, dtype=np.float64)
        obj = float(info.objective_function_value)
        bound = float(info.mip_dual_bound)
        gap = abs(bound - obj) / max(1.0, abs(obj)) if np.isfinite(bound) else float("inf")
        optimal = model_status == highspy.HighsModelStatus.kOptimal
        package = self.package_of(cols)
        if not self._consistent(cols, obj):
            optimal = False
            status += " (objective does not match the solution)"
        elif not self._valid(package):
            optimal = False
            status += " (solution breaks a constraint)"
        return MilpResult(status, optimal, obj, bound, gap, package, cols, seconds)

    def _valid(self, package: IntArray) -> bool:
        """Admissible, and every utility bound met on the true utilities."""
        pr = self.problem
        if not bool(pr.admissible(package[None, :])[0]):
            return False
        u = pr.evaluate(package[None, :])[0]
        return bool((u >= np.asarray(self._bound_lo) - 10 * FEAS_TOL).all())

    def _run(self, start: IntArray | None = None) -> None:
        """One HiGHS run from scratch, optionally from a MIP start ``start`` (a package)."""
        h = self.h
        h.clearSolver()
        if start is not None:
            vals = np.zeros(self.x.shape[0])
            vals[np.asarray(start, dtype=np.int64) + self.problem.offsets] = 1.0
            h.setSolution(int(self.x.shape[0]), self.x.astype(np.int32), vals)
        status = h.run()
        if status == highspy.HighsStatus.kError and \
                h.getModelStatus() == highspy.HighsModelStatus.kNotset:
            # HiGHS's thread scheduler is process-wide; if something else started it with
            # another thread count, "threads = 1" is refused: use whatever it has
            h.setOptionValue("threads", 0)
            h.run()

    def _consistent(self, cols: FloatArray, obj: float) -> bool:
        xs = cols[self.x]
        integral = bool((np.minimum(np.abs(xs), np.abs(1.0 - xs)) <= 1e-6).all())
        value = float(self._cost @ cols[:self._cost.shape[0]]) + self._offset
        return integral and abs(value - obj) <= 1e-7 * max(1.0, abs(obj))

    def _suspect(self, model_status: highspy.HighsModelStatus) -> bool:
        if model_status == highspy.HighsModelStatus.kSolveError:
            return True
        if model_status == highspy.HighsModelStatus.kInfeasible:
            # HiGHS 1.16 presolve occasionally calls feasible models infeasible at tight
            # tolerances: confirm every infeasibility verdict before trusting it
            return True
        if self.h.getInfo().primal_solution_status == 2:
            cols = np.asarray(self.h.getSolution().col_value, dtype=np.float64)
            return not self._consistent(cols, float(self.h.getInfo().objective_function_value))
        return False
