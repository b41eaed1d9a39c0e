"""One parameter draw of the compiled tables, in the merged form every engine reads.

:meth:`accord.analysis.tables.Tables.problem` turns draw ``s`` of the tables into a
:class:`Problem`: the per-option table, the constant, the interaction terms, the red lines
and the linkages of one set of numbers. It is the single evaluator of packages: evaluation
(:meth:`Tables.utilities`), the exact solver (:mod:`accord.solve`) and the negotiators' own
utilities (:mod:`accord.negotiation`) all read it.

On the way the terms are simplified without changing any package's utility: terms with
identical conditions are merged (one term, a value per party), single-condition terms are
folded into the per-option table, conditions that every option satisfies are dropped, and
terms that can never pay (or pay nothing) are dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

import numpy as np
from numpy.typing import NDArray

from accord.analysis.conditions import Conjunction, LinkArrays
from accord.analysis.space import Layout
from accord.model.tolerances import EPS

if TYPE_CHECKING:
    from accord.analysis.tables import Tables

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

_T = TypeVar("_T")

#: Batches up to this size are evaluated with a single gather.
_SMALL = 64

__all__ = ["Gates", "Interaction", "Problem", "as_problem", "problem_of"]


@dataclass(frozen=True)
class Interaction(Conjunction):
    """A conjunction of at least two conditions that pays ``values`` when it holds.

    Attributes:
        values: ``(P,)`` what the term adds to each party's (raw) utility.
    """

    values: FloatArray


@dataclass(frozen=True)
class Problem:
    """One draw of the utility tables.

    ``raw(x) = base + sum_i util[offsets[i] + x_i] + sum_t values_t * [term t holds]``;
    the utility is ``raw`` for ordinary parties and ``min(1, max(0, raw))`` for clipped
    ones. A package is admissible when it uses no red-line option (``allowed``) and
    breaks no linkage.

    Attributes:
        layout: the option layout and package numbering.
        util: ``(n_options, P)`` additive contribution of each option.
        base: ``(P,)`` constant.
        interactions: interaction terms with two or more conditions.
        links: linkages.
        clip: ``(P,)`` whether the party's utility is clipped into ``[0, 1]``.
        reservation: ``(P,)`` reservation utilities.
        allowed: ``(n_options,)`` False for options on some party's red line.
        gates: the parties' domestic constituents, or ``None`` when there are none; a
            package is then admissible only if every constituent consulted on it
            accepts it (:class:`Gates`).
    """

    layout: Layout
    util: FloatArray
    base: FloatArray
    interactions: tuple[Interaction, ...]
    links: tuple[LinkArrays, ...]
    clip: BoolArray
    reservation: FloatArray
    allowed: BoolArray
    gates: Gates | None = None
    _scalar: dict[int, _Scalar] = field(init=False, repr=False, compare=False,
                                        default_factory=dict)
    _memo: dict[Hashable, object] = field(init=False, repr=False, compare=False,
                                          default_factory=dict)

    def memo(self, key: Hashable, make: Callable[[], _T]) -> _T:
        """``make()``, computed once per ``key`` for this problem and kept.

        For small results that several engines derive from the same problem (the pruned
        frontier candidates that the frontier and every concept scan). The problem is
        immutable, so a result never goes stale; ``make`` must return something its
        callers do not modify (arrays are best marked read-only). Two threads asking at
        once may both compute it; either result is kept, and they are equal.
        """
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]  # type: ignore[return-value]

    @property
    def sizes(self) -> IntArray:
        """``(n,)`` options per issue."""
        return self.layout.sizes

    @property
    def offsets(self) -> IntArray:
        """``(n,)`` flat index of each issue's first option."""
        return self.layout.offsets

    @property
    def n_issues(self) -> int:
        """Number of issues."""
        return self.layout.n_issues

    @property
    def n_parties(self) -> int:
        """Number of parties."""
        return int(self.util.shape[1])

    @property
    def space_size(self) -> int:
        """Number of packages (exact Python integer)."""
        return self.layout.size

    def allowed_options(self, issue: int) -> IntArray:
        """Option positions of ``issue`` that cross no red line (a read-only array)."""
        return self._allowed_per_issue[issue]

    @cached_property
    def _allowed_per_issue(self) -> tuple[IntArray, ...]:
        out = []
        for lo, size in zip(self.offsets.tolist(), self.sizes.tolist(), strict=True):
            options = np.flatnonzero(self.allowed[lo:lo + size]).astype(np.int64)
            options.setflags(write=False)
            out.append(options)
        return tuple(out)

    @cached_property
    def allowed_space_size(self) -> int:
        """Number of packages that cross no red line (linkages not checked)."""
        n = 1
        for options in self._allowed_per_issue:
            n *= int(options.shape[0])
        return n

    def raw(self, packages: IntArray) -> FloatArray:
        """Raw (unclipped) utilities ``(m, P)`` of a batch of packages."""
        packages = np.asarray(packages, dtype=np.int64).reshape(-1, self.n_issues)
        if packages.shape[0] <= _SMALL:
            # few packages: one gather of every option row, then a running sum (the same
            # order of additions as the loop below, so results never depend on batch size)
            rows = self.util[packages + self.offsets]
            start = np.broadcast_to(self.base, (packages.shape[0], 1, self.n_parties))
            out = np.cumsum(np.concatenate([start, rows], axis=1), axis=1)[:, -1]
        else:
            out = np.empty((packages.shape[0], self.n_parties))
            out[:] = self.base
            offsets, sizes = self.offsets, self.sizes
            for i in range(self.n_issues):
                # gather whole rows (one per package) from this issue's block
                block = self.util[offsets[i]:offsets[i] + sizes[i]]
                out += np.take(block, packages[:, i], axis=0, mode="clip")
        for term in self.interactions:
            hold = term.holds(packages)
            out[hold] += term.values
        return out

    def evaluate(self, packages: IntArray) -> FloatArray:
        """Utilities ``(m, P)`` of a batch of packages (clipped where the party clips)."""
        return self.finish(self.raw(packages))

    def finish(self, raw: FloatArray) -> FloatArray:
        """Apply the clipping of clipped parties to raw utilities ``(m, P)`` in place."""
        if self.clip.any():
            raw[:, self.clip] = np.clip(raw[:, self.clip], 0.0, 1.0)
        return raw

    def utility_of(self, package: tuple[int, ...], party: int = 0) -> float:
        """One party's utility of one package: :meth:`evaluate` for a single package.

        The same additions in the same order as :meth:`evaluate` (base, then each issue's
        option, then each term), in plain floats: bit-identical, and fast for the
        negotiation hot path, which scores one package at a time.
        """
        sc = self._scalar.get(party)
        if sc is None:
            sc = self._scalar[party] = _Scalar.of(self, party)
        flat, offsets = sc.values, sc.offsets
        u = sc.base
        for i, x in enumerate(package):
            u += flat[offsets[i] + x]
        for issues, allowed, value in sc.terms:
            if all(package[i] in a for i, a in zip(issues, allowed, strict=True)):
                u += value
        if sc.clip:
            u = min(1.0, max(0.0, u))
        return u

    def crosses_red_line(self, package: tuple[int, ...]) -> bool:
        """Whether one package uses a red-line option (the scalar form of ``allowed``)."""
        sc = self._scalar.get(0)
        if sc is None:
            sc = self._scalar[0] = _Scalar.of(self, 0)
        return any(not sc.allowed[o + x] for o, x in zip(sc.offsets, package, strict=True))

    def admissible(self, packages: IntArray) -> BoolArray:
        """``(m,)``: crosses no red line and breaks no linkage."""
        packages = np.asarray(packages, dtype=np.int64).reshape(-1, self.n_issues)
        ok = self.allowed[packages + self.offsets].all(axis=1)
        for link in self.links:
            ok &= ~link.violated(packages)
        if self.gates is not None:
            ok &= self.gates.hold(packages)
        return np.asarray(ok, dtype=bool)

    def raw_bounds(self) -> tuple[FloatArray, FloatArray]:
        """Per-party lower and upper bounds on the raw utility over red-line-free packages.

        Linkages are ignored, so the bounds are valid but may not be attained.
        """
        lo = self.base.copy()
        hi = self.base.copy()
        for i in range(self.n_issues):
            rows = self.util[self.offsets[i] + self.allowed_options(i)]
            if rows.shape[0]:
                lo += rows.min(axis=0)
                hi += rows.max(axis=0)
        for term in self.interactions:
            lo += np.minimum(term.values, 0.0)
            hi += np.maximum(term.values, 0.0)
        return lo, hi

    def utility_bounds(self) -> tuple[FloatArray, FloatArray]:
        """Bounds of :meth:`raw_bounds` after clipping."""
        lo, hi = self.raw_bounds()
        if self.clip.any():
            lo = np.where(self.clip, np.clip(lo, 0.0, 1.0), lo)
            hi = np.where(self.clip, np.clip(hi, 0.0, 1.0), hi)
        return lo, hi

    def column(self, party: int, *, own_red_lines: BoolArray | None = None) -> Problem:
        """The problem as one party sees it: its column alone.

        Args:
            party: the party's position.
            own_red_lines: ``(n_options,)`` the options the party itself refuses; the
                column's ``allowed`` is their complement (default: every option allowed,
                since other parties' red lines are private).

        The party's own domestic constituents come along as its gates (a negotiator
        knows what its parliament or voters will take); other parties' do not.
        """
        keep = [k for k, t in enumerate(self.interactions) if t.values[party] != 0.0]
        allowed = (np.ones_like(self.allowed) if own_red_lines is None
                   else ~np.asarray(own_red_lines, dtype=bool))
        def own(a: FloatArray) -> FloatArray:
            # a fresh array that owns its memory (no view of the shared table)
            return np.array(a[..., party:party + 1], dtype=np.float64, copy=True, order="C")

        return Problem(
            self.layout, own(self.util), own(self.base),
            tuple(Interaction(self.interactions[k].issues, self.interactions[k].masks,
                              own(self.interactions[k].values)) for k in keep),
            self.links, self.clip[party:party + 1].copy(), own(self.reservation), allowed,
            None if self.gates is None else self.gates.of_party(party),
        )


@dataclass(frozen=True)
class Gates:
    """Domestic constituents as conditions on packages (two-level ratification).

    Constituent ``c`` is *consulted* on a package when it is always consulted or the
    package uses one of its trigger options; it *accepts* when its utility reaches its
    reservation within :data:`~accord.model.EPS` and the package crosses none of its red
    lines. Its gate *holds* unless it is consulted and refuses. Constituents are no
    parties: their columns enter no objective, only admissibility.

    Attributes:
        problem: the constituents' utilities as a problem of ``C`` columns (every option
            allowed, no linkages).
        red: ``(n_options, C)`` each constituent's red-line options.
        trigger: ``(n_options, C)`` options that make the party consult it.
        always: ``(C,)`` constituents consulted on every package.
        parent: ``(C,)`` position of each constituent's party (``-1``: a party left out
            of a restricted view; the gate still binds).
    """

    problem: Problem
    red: BoolArray
    trigger: BoolArray
    always: BoolArray
    parent: IntArray

    @property
    def n_gates(self) -> int:
        """Number of constituents."""
        return int(self.always.shape[0])

    def consulted(self, packages: IntArray) -> BoolArray:
        """``(m, C)``: whether each constituent is consulted on each package."""
        flat = np.asarray(packages, dtype=np.int64).reshape(-1, self.problem.n_issues) \
            + self.problem.offsets
        return np.asarray(self.trigger[flat].any(axis=1) | self.always, dtype=bool)

    def accepts(self, packages: IntArray, utilities: FloatArray | None = None) -> BoolArray:
        """``(m, C)``: whether each constituent would accept each package if consulted."""
        packages = np.asarray(packages, dtype=np.int64).reshape(-1, self.problem.n_issues)
        u = self.problem.evaluate(packages) if utilities is None else utilities
        crossed = self.red[packages + self.problem.offsets].any(axis=1)
        return np.asarray((u >= self.problem.reservation - EPS) & ~crossed, dtype=bool)

    def hold(self, packages: IntArray) -> BoolArray:
        """``(m,)``: no consulted constituent refuses."""
        return np.asarray(~(self.consulted(packages) & ~self.accepts(packages)).any(axis=1),
                          dtype=bool)

    def of_party(self, party: int) -> Gates | None:
        """The gates of ``party``'s own constituents (``None`` when it has none)."""
        keep = np.flatnonzero(self.parent == party)
        if keep.shape[0] == 0:
            return None
        pr = self.problem
        sub = Problem(
            pr.layout, np.array(pr.util[:, keep], copy=True), pr.base[keep].copy(),
            tuple(Interaction(t.issues, t.masks, t.values[keep].copy())
                  for t in pr.interactions if (t.values[keep] != 0.0).any()),
            (), pr.clip[keep].copy(), pr.reservation[keep].copy(), pr.allowed.copy())
        return Gates(sub, self.red[:, keep].copy(), self.trigger[:, keep].copy(),
                     self.always[keep].copy(), np.zeros(keep.shape[0], dtype=np.int64))

    def holds_for(self, package: tuple[int, ...], party: int | None = None) -> bool:
        """:meth:`hold` for one package (only ``party``'s constituents when given)."""
        pk = np.asarray(package, dtype=np.int64)[None, :]
        refuse = self.consulted(pk)[0] & ~self.accepts(pk)[0]
        if party is not None:
            refuse &= self.parent == party
        return not bool(refuse.any())


@dataclass(frozen=True)
class _Scalar:
    """One party's numbers as plain Python values, for :meth:`Problem.utility_of`."""

    values: tuple[float, ...]
    offsets: tuple[int, ...]
    base: float
    terms: tuple[tuple[tuple[int, ...], tuple[frozenset[int], ...], float], ...]
    clip: bool
    allowed: tuple[bool, ...]

    @classmethod
    def of(cls, problem: Problem, party: int) -> _Scalar:
        terms = tuple(
            (t.issues, tuple(frozenset(np.flatnonzero(m).tolist()) for m in t.masks),
             float(t.values[party]))
            for t in problem.interactions if t.values[party] != 0.0)
        return cls(tuple(problem.util[:, party].tolist()), tuple(problem.offsets.tolist()),
                   float(problem.base[party]), terms, bool(problem.clip[party]),
                   tuple(problem.allowed.tolist()))


def _interactions(tables: Tables, draw: int, util: FloatArray,
                  base: FloatArray) -> tuple[Interaction, ...]:
    """Merge the tables' terms (see the module docstring); folds into ``util``/``base``."""
    offsets = tables.layout.offsets
    n_parties = util.shape[1]
    values = tables.term_values[draw]
    merged: dict[tuple[tuple[int, bytes], ...],
                 tuple[tuple[int, ...], tuple[BoolArray, ...], FloatArray]] = {}
    for t, term in enumerate(tables.terms):
        value = float(values[t])
        if value == 0.0:
            continue
        conds: list[tuple[int, BoolArray]] = []
        never = False
        for issue, mask in zip(term.issues, term.masks, strict=True):
            if not mask.any():
                never = True
                break
            if mask.all():
                continue
            conds.append((int(issue), mask))
        if never:
            continue
        if not conds:
            base[term.party] += value
            continue
        if len(conds) == 1:
            issue, m = conds[0]
            util[offsets[issue] + np.flatnonzero(m), term.party] += value
            continue
        conds.sort(key=lambda c: c[0])
        key = tuple((i, m.tobytes()) for i, m in conds)
        if key not in merged:
            merged[key] = (tuple(i for i, _ in conds), tuple(m for _, m in conds),
                           np.zeros(n_parties))
        merged[key][2][term.party] += value
    return tuple(Interaction(i, m, v)
                 for i, m, v in merged.values())


def problem_of(tables: Tables, draw: int = 0) -> Problem:
    """Draw ``draw`` of compiled tables as a :class:`Problem` (see the module docstring)."""
    util = np.array(tables.util[draw], dtype=np.float64)
    base = np.array(tables.base[draw], dtype=np.float64)
    interactions = _interactions(tables, draw, util, base)
    return Problem(
        layout=tables.layout,
        util=util,
        base=base,
        interactions=interactions,
        links=tables.links,
        clip=np.asarray(tables.clip, dtype=bool).copy(),
        reservation=np.array(tables.reservation[draw], dtype=np.float64),
        allowed=np.asarray(~tables.red.any(axis=1), dtype=bool),
    )


def as_problem(tables: Tables | Problem, draw: int = 0) -> Problem:
    """The :class:`Problem` of draw ``draw`` of ``tables`` (a problem is returned as is)."""
    return tables if isinstance(tables, Problem) else tables.problem(draw)
