"""The package space: how options are laid out, how packages are numbered and walked.

A *package* (complete plan) is a vector of option positions, one per issue; a batch is an
``int`` array ``(m, n_issues)``. A package's *id* is its mixed-radix number with issue 0
most significant and the last issue varying fastest: ``id = sum_i x_i * stride_i``.
Every layer that numbers, decodes or enumerates packages (evaluation, the exact solver,
negotiation bid spaces, the NegMAS bridge of the tests) uses :class:`Layout`; the limits of
enumeration are the constants of this module.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from accord.model.errors import SpaceTooLargeError

IntArray = NDArray[np.int64]

#: Spaces up to this many packages are enumerated exactly (dominance, frontiers, ZOPA).
ENUMERATION_LIMIT = 10_000_000
#: Packages per chunk when a space is walked.
CHUNK = 1 << 18

__all__ = ["CHUNK", "ENUMERATION_LIMIT", "Layout", "layout_of_sizes"]


@dataclass(frozen=True)
class Layout:
    """How options are laid out in flat arrays, and how packages are numbered.

    Attributes:
        sizes: ``(n,)`` options per issue.
        offsets: ``(n,)`` flat index of each issue's first option.
        issue_of: ``(n_options,)`` the issue of each flat option.
    """

    sizes: IntArray
    offsets: IntArray
    issue_of: IntArray
    _strides: IntArray | None = field(init=False, repr=False, compare=False, default=None)

    @property
    def n_issues(self) -> int:
        """Number of issues."""
        return int(self.sizes.shape[0])

    @property
    def n_options(self) -> int:
        """Total number of options over all issues."""
        return int(self.sizes.sum())

    @property
    def size(self) -> int:
        """Number of complete packages (an exact Python integer)."""
        n = 1
        for s in self.sizes.tolist():
            n *= int(s)
        return n

    def flat(self, packages: IntArray) -> IntArray:
        """Flat option indices of a batch of packages, shape ``(m, n_issues)``."""
        return np.asarray(packages + self.offsets, dtype=np.int64)

    @property
    def strides(self) -> IntArray:
        """Mixed-radix place values of the issues (last issue fastest).

        Raises:
            SpaceTooLargeError: the space has ``2**63`` packages or more.
        """
        if self._strides is None:
            if self.size >= 2**63:
                raise SpaceTooLargeError("package ids need more than 63 bits")
            sizes = self.sizes.tolist()
            out = [1] * len(sizes)
            for i in range(len(sizes) - 2, -1, -1):
                out[i] = out[i + 1] * int(sizes[i + 1])
            object.__setattr__(self, "_strides", np.asarray(out, dtype=np.int64))
        assert self._strides is not None
        return self._strides

    def encode(self, packages: IntArray) -> IntArray:
        """Package ids ``(m,)`` of packages ``(m, n_issues)``."""
        packages = np.asarray(packages, dtype=np.int64).reshape(-1, self.n_issues)
        return np.asarray(packages @ self.strides, dtype=np.int64)

    def decode(self, ids: IntArray) -> IntArray:
        """Packages ``(m, n_issues)`` with the given ids ``(m,)``."""
        if self._strides is not None or self.size < 2**63:
            column = np.asarray(ids, dtype=np.int64).reshape(-1, 1)
            return np.asarray((column // self.strides) % self.sizes, dtype=np.int64)
        # place values past 63 bits: peel the digits off one issue at a time
        rem = np.asarray(ids, dtype=np.int64).reshape(-1).copy()
        out = np.empty((rem.shape[0], self.n_issues), dtype=np.int64)
        for i in range(self.n_issues - 1, -1, -1):
            size = int(self.sizes[i])
            out[:, i] = rem % size
            rem //= size
        return out

    def chunks(self, chunk: int = CHUNK) -> Iterator[IntArray]:
        """Every package of the space in id order, in batches of at most ``chunk``."""
        total = self.size
        for start in range(0, total, chunk):
            yield self.decode(np.arange(start, min(total, start + chunk), dtype=np.int64))


def layout_of_sizes(sizes: Sequence[int] | IntArray) -> Layout:
    """The layout of issues with ``sizes`` options each."""
    s = np.asarray(sizes, dtype=np.int64).reshape(-1)
    offsets = np.concatenate([[0], np.cumsum(s)[:-1]]).astype(np.int64)
    issue_of = np.repeat(np.arange(s.shape[0]), s).astype(np.int64)
    return Layout(s, offsets, issue_of)
