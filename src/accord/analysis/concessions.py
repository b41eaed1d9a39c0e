"""The concessions ledger: what each party gives up on each point."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from accord.analysis.tables import Tables


@dataclass(frozen=True)
class Ledger:
    """Concessions of one package.

    ``given_up[i, p]`` is the utility party ``p`` forgoes on point ``i``: the weighted value
    of its best option on that point minus the weighted value of the option chosen (0 when
    it got its best). Summed over points it is the distance from the party's ideal on the
    additive part of its utility (interaction terms are not attributed to a single point).
    ``raw`` is the same in each party's raw units (points or weighted value).
    """

    given_up: NDArray[np.float64]
    raw: NDArray[np.float64]

    @property
    def totals(self) -> NDArray[np.float64]:
        """``(P,)`` total utility each party forgoes."""
        return np.asarray(self.given_up.sum(axis=0))


def ledger(tables: Tables, package: NDArray[np.int64] | tuple[int, ...]) -> Ledger:
    """Concessions ledger of one package (option positions, one per issue)."""
    lay = tables.layout
    util = tables.util[0]
    pkg = np.asarray(package, dtype=np.int64)
    given = np.empty((lay.n_issues, tables.n_parties))
    for i in range(lay.n_issues):
        block = util[lay.offsets[i]:lay.offsets[i] + lay.sizes[i]]
        given[i] = block.max(axis=0) - block[pkg[i]]
    return Ledger(given, given * tables.span[0])
