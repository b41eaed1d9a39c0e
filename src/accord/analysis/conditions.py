"""Conditions on packages in array form: conjunctions (interaction terms) and linkages."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class Conjunction:
    """"Issue ``issues[k]`` takes an option allowed by ``masks[k]``", for every ``k``.

    Attributes:
        issues: the constrained issues.
        masks: per constrained issue, which of its options satisfy the condition.
    """

    issues: tuple[int, ...]
    masks: tuple[BoolArray, ...]

    def holds(self, packages: IntArray) -> BoolArray:
        """Whether the conjunction holds, for each package of a batch ``(m, n_issues)``."""
        ok = np.ones(packages.shape[0], dtype=bool)
        for issue, mask in zip(self.issues, self.masks, strict=True):
            ok &= mask[packages[:, issue]]
        return ok


@dataclass(frozen=True)
class LinkArrays:
    """A linkage in array form: ``a => b`` (requires) or ``not (a and b)`` (excludes)."""

    excludes: bool
    issue_a: int
    mask_a: BoolArray
    issue_b: int
    mask_b: BoolArray

    def violated_by(self, package: tuple[int, ...]) -> bool:
        """Whether one package breaks the linkage (the scalar form of :meth:`violated`)."""
        a = bool(self.mask_a[package[self.issue_a]])
        b = bool(self.mask_b[package[self.issue_b]])
        return (a and b) if self.excludes else (a and not b)

    def violated(self, packages: IntArray) -> BoolArray:
        """Whether each package of a batch breaks the linkage."""
        a = self.mask_a[packages[:, self.issue_a]]
        b = self.mask_b[packages[:, self.issue_b]]
        return np.asarray(a & b if self.excludes else a & ~b, dtype=bool)
