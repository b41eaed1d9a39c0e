"""The numbers the solver engine works on, taken from compiled utility tables.

:mod:`accord.solve` sits above :mod:`accord.analysis` (see the import-linter contract)
and shares its linkage arrays (:class:`~accord.analysis.tables.LinkArrays`); it reads any
object with the attributes of :class:`accord.analysis.tables.Tables` (:class:`TablesLike`)
and copies one parameter draw into a :class:`Problem`.

A :class:`Problem` is faithful to the tables for every package (admissible or not):
its utilities equal ``Tables.utilities`` up to floating-point summation order. On the
way it merges interaction terms with identical conditions (one term, a value per party),
folds single-condition terms into the per-option table, drops conditions that every
option satisfies and drops terms that can never pay.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from accord.analysis.tables import LinkArrays as Link
from accord.model.scenario import EPS

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

__all__ = [
    "EPS",
    "BoolArray",
    "FloatArray",
    "IntArray",
    "Interaction",
    "Link",
    "Problem",
    "TablesLike",
    "as_problem",
]


class _LayoutLike(Protocol):
    @property
    def sizes(self) -> IntArray: ...

    @property
    def offsets(self) -> IntArray: ...


class _TermLike(Protocol):
    @property
    def party(self) -> int: ...

    @property
    def issues(self) -> IntArray: ...

    @property
    def masks(self) -> tuple[BoolArray, ...]: ...


class _LinkLike(Protocol):
    @property
    def excludes(self) -> bool: ...

    @property
    def issue_a(self) -> int: ...

    @property
    def mask_a(self) -> BoolArray: ...

    @property
    def issue_b(self) -> int: ...

    @property
    def mask_b(self) -> BoolArray: ...


class TablesLike(Protocol):
    """What the engine reads from :class:`accord.analysis.tables.Tables`."""

    @property
    def layout(self) -> _LayoutLike: ...  # noqa: D102

    @property
    def util(self) -> FloatArray: ...  # noqa: D102

    @property
    def base(self) -> FloatArray: ...  # noqa: D102

    @property
    def term_values(self) -> FloatArray: ...  # noqa: D102

    @property
    def terms(self) -> Sequence[_TermLike]: ...  # noqa: D102

    @property
    def reservation(self) -> FloatArray: ...  # noqa: D102

    @property
    def clip(self) -> BoolArray: ...  # noqa: D102

    @property
    def red(self) -> BoolArray: ...  # noqa: D102

    @property
    def links(self) -> Sequence[_LinkLike]: ...  # noqa: D102


@dataclass(frozen=True)
class Interaction:
    """A conjunction "issue ``issues[k]`` takes an option in ``masks[k]``" for every ``k``.

    Attributes:
        issues: the constrained issues, ascending, at least two.
        masks: per constrained issue, the allowed options (neither empty nor full).
        values: ``(P,)`` what the term adds to each party's (raw) utility when it holds.
    """

    issues: tuple[int, ...]
    masks: tuple[BoolArray, ...]
    values: FloatArray

    def holds(self, packages: IntArray) -> BoolArray:
        """Whether the term pays, for each package of a batch ``(m, n_issues)``."""
        ok = np.ones(packages.shape[0], dtype=bool)
        for issue, mask in zip(self.issues, self.masks, strict=True):
            ok &= mask[packages[:, issue]]
        return ok


@dataclass(frozen=True)
class Problem:
    """One draw of the utility tables, in the engine's shape.

    ``raw(x) = base + sum_i util[offsets[i] + x_i] + sum_t values_t * [term t holds]``;
    the utility is ``raw`` for ordinary parties and ``min(1, max(0, raw))`` for clipped
    ones. A package is admissible when it uses no red-line option (``allowed``) and
    breaks no linkage.

    Attributes:
        sizes: ``(n,)`` options per issue.
        offsets: ``(n,)`` flat index of each issue's first option.
        util: ``(n_options, P)`` additive contribution of each option.
        base: ``(P,)`` constant.
        interactions: interaction terms with two or more conditions.
        links: linkages.
        clip: ``(P,)`` whether the party's utility is clipped into ``[0, 1]``.
        reservation: ``(P,)`` reservation utilities.
        allowed: ``(n_options,)`` False for options on some party's red line.
    """

    sizes: IntArray
    offsets: IntArray
    util: FloatArray
    base: FloatArray
    interactions: tuple[Interaction, ...]
    links: tuple[Link, ...]
    clip: BoolArray
    reservation: FloatArray
    allowed: BoolArray

    @property
    def n_issues(self) -> int:
        """Number of issues."""
        return int(self.sizes.shape[0])

    @property
    def n_parties(self) -> int:
        """Number of parties."""
        return int(self.util.shape[1])

    @property
    def space_size(self) -> int:
        """Number of packages (exact Python integer)."""
        n = 1
        for s in self.sizes.tolist():
            n *= int(s)
        return n

    def allowed_options(self, issue: int) -> IntArray:
        """Option positions of ``issue`` that cross no red line."""
        lo = int(self.offsets[issue])
        return np.flatnonzero(self.allowed[lo:lo + int(self.sizes[issue])]).astype(np.int64)

    @property
    def allowed_space_size(self) -> int:
        """Number of packages that cross no red line (linkages not checked)."""
        n = 1
        for i in range(self.n_issues):
            n *= int(self.allowed_options(i).shape[0])
        return n

    def raw(self, packages: IntArray) -> FloatArray:
        """Raw (unclipped) utilities ``(m, P)`` of a batch of packages."""
        packages = np.asarray(packages, dtype=np.int64).reshape(-1, self.n_issues)
        out = np.empty((packages.shape[0], self.n_parties))
        out[:] = self.base
        for i in range(self.n_issues):
            out += self.util[packages[:, i] + self.offsets[i]]
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

    def admissible(self, packages: IntArray) -> BoolArray:
        """``(m,)``: crosses no red line and breaks no linkage."""
        packages = np.asarray(packages, dtype=np.int64).reshape(-1, self.n_issues)
        ok = self.allowed[packages + self.offsets].all(axis=1)
        for link in self.links:
            ok &= ~link.violated(packages)
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


def _interactions(tables: TablesLike, draw: int, util: FloatArray,
                  base: FloatArray) -> tuple[Interaction, ...]:
    sizes = np.asarray(tables.layout.sizes, dtype=np.int64)
    offsets = np.asarray(tables.layout.offsets, dtype=np.int64)
    n_parties = util.shape[1]
    values = np.asarray(tables.term_values[draw], dtype=np.float64)
    merged: dict[tuple[tuple[int, bytes], ...], tuple[tuple[int, ...], tuple[BoolArray, ...],
                                                      FloatArray]] = {}
    for t, term in enumerate(tables.terms):
        value = float(values[t])
        if value == 0.0:
            continue
        conds = []
        never = False
        for issue, mask in zip(np.asarray(term.issues).tolist(), term.masks, strict=True):
            m = np.asarray(mask, dtype=bool)
            if not m.any():
                never = True
                break
            if m.all():
                continue
            conds.append((int(issue), m))
        if never:
            continue
        party = int(term.party)
        if not conds:
            base[party] += value
            continue
        if len(conds) == 1:
            issue, m = conds[0]
            util[offsets[issue] + np.flatnonzero(m), party] += value
            continue
        conds.sort(key=lambda c: c[0])
        key = tuple((i, m.tobytes()) for i, m in conds)
        if key not in merged:
            merged[key] = (tuple(i for i, _ in conds), tuple(m for _, m in conds),
                           np.zeros(n_parties))
        merged[key][2][party] += value
    assert sizes.shape[0] == offsets.shape[0]
    return tuple(Interaction(i, m, v) for i, m, v in merged.values())


def as_problem(tables: TablesLike | Problem, draw: int = 0) -> Problem:
    """Copy draw ``draw`` of compiled tables into a :class:`Problem` (idempotent)."""
    if isinstance(tables, Problem):
        return tables
    sizes = np.asarray(tables.layout.sizes, dtype=np.int64).copy()
    offsets = np.asarray(tables.layout.offsets, dtype=np.int64).copy()
    util = np.array(tables.util[draw], dtype=np.float64)
    base = np.array(tables.base[draw], dtype=np.float64)
    interactions = _interactions(tables, draw, util, base)
    links = tuple(
        Link(bool(k.excludes), int(k.issue_a), np.asarray(k.mask_a, dtype=bool),
             int(k.issue_b), np.asarray(k.mask_b, dtype=bool))
        for k in tables.links
    )
    red = np.asarray(tables.red, dtype=bool)
    allowed = ~red.any(axis=1) if red.ndim == 2 else ~red
    return Problem(
        sizes=sizes,
        offsets=offsets,
        util=util,
        base=base,
        interactions=interactions,
        links=links,
        clip=np.asarray(tables.clip, dtype=bool).copy(),
        reservation=np.array(tables.reservation[draw], dtype=np.float64),
        allowed=np.asarray(allowed, dtype=bool),
    )
