"""Walking a whole package space in vectorised chunks (for spaces small enough to enumerate)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from numpy.typing import NDArray

from accord.analysis.tables import Layout

#: Spaces up to this many packages are enumerated exactly.
ENUMERATION_LIMIT = 10_000_000
CHUNK = 200_000


def space_size(layout: Layout) -> int:
    """Number of complete packages."""
    return int(np.prod(layout.sizes.astype(object)))


def decode(layout: Layout, ranks: NDArray[np.int64]) -> NDArray[np.int64]:
    """Packages with the given mixed-radix ranks (last issue varies fastest)."""
    ranks = np.asarray(ranks, dtype=np.int64).copy()
    out = np.empty((ranks.shape[0], layout.n_issues), dtype=np.int64)
    for i in range(layout.n_issues - 1, -1, -1):
        size = int(layout.sizes[i])
        out[:, i] = ranks % size
        ranks //= size
    return out


def chunks(layout: Layout, chunk: int = CHUNK) -> Iterator[NDArray[np.int64]]:
    """Every package of the space, in batches of at most ``chunk``."""
    total = space_size(layout)
    for start in range(0, total, chunk):
        yield decode(layout, np.arange(start, min(total, start + chunk), dtype=np.int64))
