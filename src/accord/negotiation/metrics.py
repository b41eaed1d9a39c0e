"""How good was the outcome: welfare, distance to the Pareto frontier and to the Nash package.

The distances are those of the ANAC competitions (Baarslag, Hindriks, Jonker, Kraus and
Lin, "The first automated negotiating agents competition (ANAC 2010)", in *New Trends in
Agent-Based Complex Automated Negotiations*, Springer 2012): the Euclidean distance of
the outcome's utility vector to the nearest Pareto-optimal one and to the Nash package's.
A disagreement counts as the reservation vector.

Where the frontier cannot be enumerated (the Ukraine scenario has about 5e12 packages) a
third measure is exact at any size: the *Pareto gap*, the largest ``g >= 0`` such that some
admissible package gives every party at least ``g`` more than the outcome (one MILP,
:class:`accord.solve.milp.Encoding`). It is zero exactly when the outcome is weakly
Pareto-optimal.

Steps of :func:`reference_for`:
    1. Up to ``limit`` red-line-free packages: the exact frontier by enumeration
       (:func:`accord.solve.frontier.pareto_frontier`) and the Nash package
       (:func:`accord.solve.concepts.nash`, by enumeration: the one definition every
       front-end uses, Nash 1950), with the reservations as the disagreement point.
    2. Otherwise no frontier or Nash package (the exact Nash MILP belongs to
       :mod:`accord.solve`); the Pareto gap is still computed, by MILP, when asked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from accord.negotiation.domain import Domain
from accord.negotiation.protocols.base import Outcome, Status
from accord.negotiation.views import FloatArray, Package
from accord.solve.concepts import nash
from accord.solve.errors import NoAgreementError
from accord.solve.frontier import pareto_frontier
from accord.solve.milp import Encoding

#: Spaces up to this many red-line-free packages get an exact frontier and Nash package.
REFERENCE_LIMIT = 500_000


@dataclass(eq=False)
class Reference:
    """What outcomes are measured against, for one domain.

    Attributes:
        frontier: ``(k, P)`` Pareto-optimal utility vectors, or ``None``.
        nash: ``(P,)`` utilities of the Nash package, or ``None`` (none exists, or unknown).
        nash_package: the Nash package, or ``None``.
        method: ``"enumeration"`` or ``"milp-gap"`` (gap only) or ``"none"``.
        notes: what was done, in words.
    """

    frontier: FloatArray | None
    nash: FloatArray | None
    nash_package: Package | None
    method: str
    notes: tuple[str, ...] = ()
    _encoding: Encoding | None = field(default=None, repr=False)
    _gap_col: int = -1
    _gap_rows: list[int] = field(default_factory=list, repr=False)

    def gap(self, domain: Domain, u: FloatArray) -> float | None:
        """The Pareto gap of utility vector ``u`` (see the module docstring)."""
        u = np.asarray(u, dtype=np.float64)
        if self.frontier is not None:
            if self.frontier.shape[0] == 0:
                return 0.0
            return max(0.0, float((self.frontier - u).min(axis=1).max()))
        if self.method != "milp-gap":
            return None
        enc = self._encoding
        if enc is None:
            enc = Encoding(domain.tables)
            self._gap_col = enc.add_column(-np.inf, np.inf)
            start = enc.h.getNumRow()
            for p in range(domain.n_parties):
                enc.add_row([int(enc.u[p]), self._gap_col], [1.0, -1.0], lb=0.0)
            self._gap_rows = list(range(start, start + domain.n_parties))
            enc.maximise([self._gap_col], [1.0])
            self._encoding = enc
        for row, value in zip(self._gap_rows, u, strict=True):
            enc.h.changeRowBounds(row, float(value), float("inf"))
        result = enc.solve()
        if result.package is None:
            return None
        return max(0.0, float(result.objective))


def reference_for(domain: Domain, *, limit: int = REFERENCE_LIMIT, gap: bool = True
                  ) -> Reference:
    """The frontier, the Nash package and the gap solver of a domain (module docstring)."""
    size = domain.tables.layout.size
    if size <= limit:
        front = pareto_frontier(domain.tables, method="enumeration", limit=limit)
        try:
            sol = nash(domain.tables, method="enumeration", threshold=limit)
        except NoAgreementError:
            return Reference(np.asarray(front.utilities), None, None, "enumeration",
                             (f"exact by enumeration of {size} packages; no package every "
                              "party accepts, so no Nash package",))
        return Reference(np.asarray(front.utilities), np.asarray(sol.utilities),
                         tuple(int(x) for x in sol.package), "enumeration",
                         (f"exact by enumeration of {size} packages",))
    if gap:
        return Reference(None, None, None, "milp-gap",
                         (f"{size:.3g} packages: no frontier or Nash package; "
                          "Pareto gap by MILP",))
    return Reference(None, None, None, "none", (f"{size:.3g} packages: not measured",))


def session_metrics(domain: Domain, outcome: Outcome, votes: dict[str, bool] | None,
                    reference: Reference | None) -> dict[str, Any]:
    """Per-session measures (JSON-ready).

    Keys: ``agreement`` (the protocol's parties agreed on a package), ``ratified`` (the
    package passes the scenario's rule with every party's ratification vote), ``votes``,
    ``rounds``, ``utilities`` (per party: of the agreement, or the reservation when there
    is none), ``welfare`` (their sum), ``nash_product``, ``pareto_distance``,
    ``pareto_gap``, ``nash_distance`` (``None`` where unknown).
    """
    agreed = outcome.status is Status.AGREEMENT and outcome.agreement is not None
    if agreed:
        assert outcome.agreement is not None
        u = np.asarray(domain.utilities(outcome.agreement), dtype=np.float64)
    else:
        u = domain.reservations.copy()
    ratified = bool(agreed and votes is not None and domain.ratifies(
        [votes[p] for p in domain.parties]))
    gains = u - domain.reservations
    out: dict[str, Any] = {
        "agreement": agreed,
        "ratified": ratified,
        "votes": votes,
        "rounds": outcome.rounds,
        "utilities": {p: float(x) for p, x in zip(domain.parties, u, strict=True)},
        "welfare": float(u.sum()),
        "nash_product": float(np.prod(np.maximum(gains, 0.0))),
        "pareto_distance": None,
        "pareto_gap": None,
        "nash_distance": None,
    }
    if reference is None:
        return out
    if reference.frontier is not None and reference.frontier.shape[0]:
        out["pareto_distance"] = float(np.sqrt(((reference.frontier - u) ** 2).sum(1)).min())
    out["pareto_gap"] = reference.gap(domain, u)
    if reference.nash is not None:
        out["nash_distance"] = float(np.sqrt(((reference.nash - u) ** 2).sum()))
    return out
