"""Is a plan Pareto-dominated? Exact by enumeration for enumerable spaces."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from accord.analysis.space import ENUMERATION_LIMIT
from accord.analysis.tables import Tables
from accord.model import EPS


@dataclass(frozen=True)
class Dominance:
    """The answer to "does some admissible package make nobody worse and someone better?".

    Attributes:
        dominated: the answer, or ``None`` when the space was too large to enumerate.
        by: one dominating package (option positions), if any; the one with the largest
            total gain.
        gains: utility gains of ``by`` over the plan, per party.
        method: ``enumeration`` or a reason it was not decided.
        checked: number of packages examined.
    """

    dominated: bool | None
    by: tuple[int, ...] | None
    gains: tuple[float, ...] | None
    method: str
    checked: int


def dominance(
    tables: Tables, target: NDArray[np.float64], limit: int = ENUMERATION_LIMIT
) -> Dominance:
    """Whether an admissible package dominates the utility vector ``target`` ``(P,)``.

    Admissible: crosses no party's red line and breaks no linkage. Dominates: every
    party at least as well off (within :data:`~accord.model.EPS`) and one better by more
    than ``EPS``.

    Steps: (1) refuse when the space exceeds ``limit``; (2) walk the space in chunks,
    computing utilities and admissibility; (3) keep the dominating package with the largest
    total gain.
    """
    total = tables.layout.size
    if total > limit:
        return Dominance(None, None, None, f"not decided: {total:.3g} packages exceed the "
                                           f"enumeration limit {limit:.0e}", 0)
    best: tuple[float, NDArray[np.int64], NDArray[np.float64]] | None = None
    target = np.asarray(target, dtype=np.float64)
    for batch in tables.layout.chunks():
        u = tables.utilities(batch)
        ok = tables.admissible(batch)
        ok &= (u >= target - EPS).all(axis=1) & (u > target + EPS).any(axis=1)
        if ok.any():
            rows = np.flatnonzero(ok)
            gain = (u[rows] - target).sum(axis=1)
            k = int(np.argmax(gain))
            if best is None or gain[k] > best[0]:
                best = (float(gain[k]), batch[rows[k]], u[rows[k]] - target)
    if best is None:
        return Dominance(False, None, None, "enumeration", total)
    return Dominance(True, tuple(int(x) for x in best[1]),
                     tuple(float(g) for g in best[2]), "enumeration", total)
