"""Open points evaluated as open: every reading of a plan's undecided points.

An open point is read as each of the options still on the table. A plan with open points
is therefore a set of packages, one per *reading* (a choice of one option on every open
point, the plan's other choices fixed). For each party this module reports the range of
utility over the readings and whether it accepts under every, some or no reading; for the
plan, whether it is ratified under every, some or no reading and how many readings break
a linkage.

Method: exact enumeration of every reading when there are at most
:data:`READINGS_LIMIT`; beyond, a uniform sample of readings (the result says so and
gives the sample size; the range is then the range over the sample, an inner bound).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from accord.analysis.ratify import ratified
from accord.analysis.tables import Tables
from accord.model import Plan, Scenario

#: Readings enumerated exactly; beyond this many, a sample of this size is drawn.
READINGS_LIMIT = 1_000_000
#: Readings evaluated per batch.
_CHUNK = 1 << 16

Quantifier = Literal["every", "some", "none"]

__all__ = ["READINGS_LIMIT", "PartyRange", "Readings", "quantifier", "reading_packages",
           "readings"]


def quantifier(hits: int, total: int) -> Quantifier:
    """``every`` when all ``total`` readings hold, ``none`` when none, else ``some``."""
    if total > 0 and hits == total:
        return "every"
    return "none" if hits == 0 else "some"


@dataclass(frozen=True)
class PartyRange:
    """One party over the readings of a plan's open points."""

    party: str
    low: float
    high: float
    accepting: int
    accepts: Quantifier

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"min": self.low, "max": self.high, "accepting_readings": self.accepting,
                "accepts": self.accepts}


@dataclass(frozen=True)
class Readings:
    """A plan over every reading of its open points."""

    points: dict[str, tuple[str, ...]]
    count: int
    evaluated: int
    exact: bool
    method: str
    parties: tuple[PartyRange, ...]
    ratified: Quantifier
    ratified_readings: int
    violating_readings: int

    def party(self, party: str) -> PartyRange:
        """The range of ``party``."""
        return next(r for r in self.parties if r.party == party)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``readings`` of a plan in ``accord evaluate --json``)."""
        return {
            "open_points": {i: list(o) for i, o in self.points.items()},
            "count": self.count,
            "evaluated": self.evaluated,
            "exact": self.exact,
            "method": self.method,
            "parties": {r.party: r.to_dict() for r in self.parties},
            "ratified": self.ratified,
            "ratified_readings": self.ratified_readings,
            "violating_readings": self.violating_readings,
        }


def _packages(base: NDArray[np.int64], columns: list[int], choices: list[NDArray[np.int64]],
              positions: NDArray[np.int64]) -> NDArray[np.int64]:
    """Packages from positions ``(m, open points)`` into each open point's options."""
    out = np.repeat(base[None, :], positions.shape[0], axis=0)
    for j, (col, opts) in enumerate(zip(columns, choices, strict=True)):
        out[:, col] = opts[positions[:, j]]
    return out


def _enumerated(sizes: list[int], start: int, stop: int) -> NDArray[np.int64]:
    """Positions of readings ``start..stop`` (mixed radix, last open point fastest)."""
    rest = np.arange(start, stop, dtype=np.int64)
    out = np.empty((rest.shape[0], len(sizes)), dtype=np.int64)
    for j in range(len(sizes) - 1, -1, -1):
        out[:, j] = rest % sizes[j]
        rest //= sizes[j]
    return out


def _open_columns(scenario: Scenario, plan: Plan
                  ) -> tuple[list[int], list[NDArray[np.int64]], dict[str, tuple[str, ...]]]:
    columns: list[int] = []
    choices: list[NDArray[np.int64]] = []
    points: dict[str, tuple[str, ...]] = {}
    for k, issue in enumerate(scenario.issues):
        if issue.id in plan.open:
            on_table = [o.id for o in issue.options if o.id in plan.open[issue.id]]
            points[issue.id] = tuple(on_table)
            columns.append(k)
            choices.append(np.array([issue.index(o) for o in on_table], dtype=np.int64))
    return columns, choices, points


def reading_packages(scenario: Scenario, plan: Plan, limit: int,
                     rng: np.random.Generator) -> NDArray[np.int64]:
    """The packages ``(R, issues)`` of a plan's readings.

    Every reading when there are at most ``limit``, else ``limit`` drawn uniformly with
    ``rng``; one row (its package) for a plan with no open point.
    """
    base = np.array(scenario.indices(plan), dtype=np.int64)
    columns, choices, _ = _open_columns(scenario, plan)
    sizes = [int(c.shape[0]) for c in choices]
    total = 1
    for n in sizes:
        total *= n
    if total <= limit:
        positions = _enumerated(sizes, 0, total)
    else:
        positions = np.stack([rng.integers(0, n, size=limit) for n in sizes], axis=1)
    return _packages(base, columns, choices, positions)


def readings(scenario: Scenario, tables: Tables, plan: Plan,
             rng: np.random.Generator | None = None, *,
             limit: int = READINGS_LIMIT) -> Readings | None:
    """Evaluate ``plan`` over every reading of its open points (``None`` if it has none).

    ``rng`` draws the sample when the readings exceed ``limit`` (default: a generator
    seeded with 0, so the answer is reproducible).
    """
    if plan.no_deal or not plan.open:
        return None
    base = np.array(scenario.indices(plan), dtype=np.int64)
    columns, choices, points = _open_columns(scenario, plan)
    sizes = [int(c.shape[0]) for c in choices]
    total = 1
    for n in sizes:
        total *= n
    exact = total <= limit
    evaluated = total if exact else limit
    gen = rng if rng is not None else np.random.default_rng(0)
    if exact:
        method = f"exact: every one of the {total} readings enumerated"
    else:
        method = (f"sampled: {limit} of {total} readings drawn uniformly (not exact; "
                  "the ranges are inner bounds)")
    n_parties = len(scenario.parties)
    low = np.full(n_parties, np.inf)
    high = np.full(n_parties, -np.inf)
    accepting = np.zeros(n_parties, dtype=np.int64)
    n_ratified = 0
    n_violating = 0
    for start in range(0, evaluated, _CHUNK):
        stop = min(start + _CHUNK, evaluated)
        positions = (_enumerated(sizes, start, stop) if exact else np.stack(
            [gen.integers(0, n, size=stop - start) for n in sizes], axis=1))
        batch = _packages(base, columns, choices, positions)
        u = tables.utilities(batch)
        accept = tables.acceptance(batch, u)
        viol = tables.violations(batch).any(axis=1)
        ok = ratified(accept, scenario.ratification, scenario.party_ids) & ~viol
        low = np.minimum(low, u.min(axis=0))
        high = np.maximum(high, u.max(axis=0))
        accepting += accept.sum(axis=0)
        n_ratified += int(ok.sum())
        n_violating += int(viol.sum())
    parties = tuple(
        PartyRange(pid, float(low[k]), float(high[k]), int(accepting[k]),
                   quantifier(int(accepting[k]), evaluated))
        for k, pid in enumerate(scenario.party_ids)
    )
    return Readings(points, total, evaluated, exact, method, parties,
                    quantifier(n_ratified, evaluated), n_ratified, n_violating)
