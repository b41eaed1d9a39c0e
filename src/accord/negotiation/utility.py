"""A negotiator's own utility and the public rules: the numbers a strategy may read.

:class:`OwnUtility` holds one party's column of the compiled tables
(:meth:`accord.analysis.problem.Problem.column`: a private copy of its own numbers, its own
red lines and the public linkages) and evaluates packages with the same code as every other
layer. :class:`PublicInfo` is what every party knows. Neither leads to another party's
preferences.

A *package* is a tuple of option positions, one per issue (:data:`Package`); tuples are
hashable, so utilities are memoised per package.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

import numpy as np
from numpy.typing import NDArray

from accord.analysis.conditions import LinkArrays
from accord.analysis.problem import Problem
from accord.model import EPS, RatificationRule

#: A complete package: one option position per issue, in scenario issue order.
Package: TypeAlias = tuple[int, ...]
IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class OwnUtility:
    """One party's utility over packages, its red lines and its reservation.

    Attributes:
        party: the party's id.
        problem: the party's own column of the tables (one party; ``allowed`` excludes
            only this party's red-line options).
    """

    party: str
    problem: Problem
    _cache: dict[Package, float] = field(init=False, repr=False, default_factory=dict)
    _ok: dict[Package, bool] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        if self.problem.n_parties != 1:
            raise ValueError("an own utility holds exactly one party's column")

    def __getstate__(self) -> dict[str, object]:
        return {"party": self.party, "problem": self.problem}

    def __setstate__(self, state: dict[str, object]) -> None:
        for k, v in state.items():
            object.__setattr__(self, k, v)
        object.__setattr__(self, "_cache", {})
        object.__setattr__(self, "_ok", {})

    @property
    def sizes(self) -> tuple[int, ...]:
        """Options per issue."""
        return tuple(int(s) for s in self.problem.sizes)

    @property
    def n_issues(self) -> int:
        """Number of issues."""
        return self.problem.n_issues

    @property
    def values(self) -> FloatArray:
        """``(n_options,)`` the party's contribution of each option (its private copy)."""
        return self.problem.util[:, 0]

    @property
    def reservation(self) -> float:
        """The walk-away utility."""
        return float(self.problem.reservation[0])

    def allowed_options(self, issue: int) -> IntArray:
        """Option positions of ``issue`` that cross none of the party's red lines."""
        return self.problem.allowed_options(issue)

    def __call__(self, package: Package) -> float:
        """The utility of one package (memoised)."""
        u = self._cache.get(package)
        if u is None:
            u = self.problem.utility_of(package)
            self._cache[package] = u
        return u

    def batch(self, packages: IntArray) -> FloatArray:
        """Utilities ``(m,)`` of a batch ``(m, n_issues)``."""
        return np.asarray(self.problem.evaluate(packages)[:, 0], dtype=np.float64)

    def red_mask(self, packages: IntArray) -> BoolArray:
        """``(m,)`` whether each package of a batch crosses one of the party's red lines."""
        flat = self.problem.layout.flat(np.asarray(packages, dtype=np.int64))
        return np.asarray(~self.problem.allowed[flat].all(axis=1), dtype=bool)

    def vetoed_mask(self, packages: IntArray) -> BoolArray:
        """``(m,)`` whether a constituent the party consults refuses each package."""
        packages = np.asarray(packages, dtype=np.int64)
        gates = self.problem.gates
        if gates is None:
            return np.zeros(packages.shape[0], dtype=bool)
        return np.asarray((gates.consulted(packages) & ~gates.accepts(packages)).any(axis=1),
                          dtype=bool)

    def crosses_red_line(self, package: Package) -> bool:
        """Whether the package uses an option the party never accepts."""
        return self.problem.crosses_red_line(package)

    def acceptable(self, package: Package) -> bool:
        """At least the reservation (within ``EPS``), no red line, no constituent refusing.

        The constituents are the party's own (voters, parliament) that it consults on
        the package (:class:`~accord.analysis.problem.Gates`).
        """
        ok = self._ok.get(package)
        if ok is None:
            ok = self(package) >= self.reservation - EPS and not self.crosses_red_line(package)
            gates = self.problem.gates
            if ok and gates is not None:
                ok = gates.holds_for(package)
            self._ok[package] = ok
        return ok


@dataclass(frozen=True, slots=True)
class PublicInfo:
    """What every party knows: who negotiates, over what, under which rules.

    Attributes:
        scenario: the scenario's id.
        parties: party ids in scenario order.
        sizes: options per issue.
        links: the scenario's linkages (public rules every package must respect).
        rule: the scenario's ratification rule.
    """

    scenario: str
    parties: tuple[str, ...]
    sizes: tuple[int, ...]
    links: tuple[LinkArrays, ...]
    rule: RatificationRule

    def valid(self, package: object) -> bool:
        """Whether ``package`` names one option per issue and breaks no linkage."""
        if not isinstance(package, tuple) or len(package) != len(self.sizes):
            return False
        for x, size in zip(package, self.sizes, strict=True):
            if not isinstance(x, int | np.integer) or not 0 <= x < size:
                return False
        return not any(link.violated_by(package) for link in self.links)

    def valid_mask(self, packages: IntArray) -> BoolArray:
        """``(m,)`` whether each package of a batch breaks no linkage."""
        ok = np.ones(packages.shape[0], dtype=bool)
        for link in self.links:
            ok &= ~link.violated(packages)
        return ok
