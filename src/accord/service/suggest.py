"""Suggestions computed from the private preferences, with :func:`accord.solve.concepts.nash`.

* **Nash**: the admissible package maximising the product of the parties' gains over
  their reservations, among packages every party accepts (Nash, "The bargaining
  problem", *Econometrica* 18, 1950).
* **Improvement** (post-settlement settlement; Raiffa, *The Art and Science of
  Negotiation*, 1982): given a baseline package, the Nash package with the baseline's
  utilities as the disagreement point: every party weakly prefers it to the baseline,
  and it maximises the product of the gains.

Steps: 1. compile the effective scenario's tables (the caller does); 2. solve exactly
(enumeration for small spaces, MILP with outer approximation otherwise); 3. an
improvement must gain something for somebody, else there is none.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from accord.analysis.tables import Tables
from accord.model import EPS
from accord.solve.concepts import nash as nash_solution
from accord.solve.errors import NoAgreementError

IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class Outcome:
    """A computed package (or none) with every party's utility (private)."""

    package: tuple[int, ...] | None
    utilities: tuple[float, ...] | None
    exact: bool
    method: str
    note: str


def _solve(tables: Tables, disagreement: NDArray[np.float64] | None, threshold: int,
           none: str) -> Outcome:
    try:
        sol = nash_solution(tables, disagreement=disagreement, threshold=threshold)
    except NoAgreementError:
        return Outcome(None, None, True, "nash", none)
    if disagreement is not None and float(np.sum(sol.gains)) <= EPS:
        return Outcome(None, None, sol.proven, sol.method, none)
    note = "" if sol.objective > 0 else (
        "some party cannot gain in any acceptable package: the welfare-maximising one "
        "is shown")
    return Outcome(tuple(int(x) for x in sol.package),
                   tuple(float(x) for x in sol.utilities), sol.proven, sol.method, note)


def nash(tables: Tables, *, limit: int) -> Outcome:
    """The Nash bargaining package over the reservations.

    Args:
        tables: the effective scenario's tables.
        limit: largest red-line-free space solved by enumeration (else MILP).
    """
    return _solve(tables, None, limit,
                  "no admissible package gives every party at least its reservation")


def improve(tables: Tables, baseline: IntArray, *, limit: int) -> Outcome:
    """A package every party weakly prefers to ``baseline``, maximising the gains' product."""
    base = np.asarray(baseline, dtype=np.int64)[None, :]
    reference = tables.utilities(base)[0]
    return _solve(tables, reference, limit,
                  "no admissible package is better for some party and worse for none")
