"""Time-dependent tactics: Boulware, Linear, Conceder, Hardliner.

Faratin, Sierra and Jennings, "Negotiation decision functions for autonomous agents",
Robotics and Autonomous Systems 24(3-4), 1998, §4.2.1 (time-dependent tactics), in the
utility-space form used by GENIUS's ``TimeDependentAgent`` (Hindriks, Jonker et al.):

    target(t) = P_min + (P_max - P_min) · (1 - F(t)),   F(t) = k + (1 - k) · t^(1/e)

``e < 1`` is Boulware (holds firm until near the deadline), ``e = 1`` Linear, ``e > 1``
Conceder, ``e = 0`` Hardliner (``F = k``: never concedes). ``P_max`` is the party's best
utility, ``P_min`` the larger of its reservation and its worst utility. NegMAS's
``BoulwareTBNegotiator`` / ``LinearTBNegotiator`` / ``ConcederTBNegotiator`` use the same
curve with ``k = 0`` and ``e = 1/4, 1, 4``.

Steps of one turn:
    1. ``t`` = relative time of the phase.
    2. Offer: the package of lowest utility at least ``target(t)`` (GENIUS's closest bid
       above the target; NegMAS's ``worst_in``).
    3. Answer: the acceptance condition (default ``AC_next``: accept when the offer is worth
       at least the bid of step 2).
"""

from __future__ import annotations

from typing import Any

from accord.negotiation.strategies.acceptance import Acceptance, parse_acceptance
from accord.negotiation.strategies.base import Strategy
from accord.negotiation.views import Package


class TimeDependent(Strategy):
    """The time-dependent family with concession exponent ``e`` and initial constant ``k``.

    Args:
        e: concession exponent (``0`` never concedes; ``< 1`` Boulware; ``> 1`` Conceder).
        k: the share of the range conceded at ``t = 0`` (``0 <= k <= 1``).
        accept: acceptance condition, an :class:`Acceptance` or its text form
            (``next``, ``const(c)``, ``time(T)``, ``next+time(0.99)``...).
    """

    name = "time-dependent"

    def __init__(self, e: float = 1.0, k: float = 0.0, accept: Acceptance | str = "next"
                 ) -> None:
        super().__init__()
        if e < 0:
            raise ValueError("the concession exponent e must be >= 0")
        if not 0.0 <= k <= 1.0:
            raise ValueError("k must lie in [0, 1]")
        self.e = float(e)
        self.k = float(k)
        self.acceptance = parse_acceptance(accept) if isinstance(accept, str) else accept
        self._pmin = 0.0
        self._pmax = 1.0
        self._memo = (-1.0, 0.0, 0)

    @property
    def params(self) -> dict[str, Any]:
        """See :class:`Strategy`."""
        return {"e": self.e, "k": self.k, "accept": self.acceptance.spec}

    def on_start(self) -> None:
        """Read ``P_max`` and ``P_min`` from the party's own bid space."""
        bids = self.view.bids
        self._pmax = bids.best_utility
        self._pmin = min(self._pmax, max(self.view.reservation, bids.worst_utility))
        self._memo = (-1.0, 0.0, 0)

    def concession(self, t: float) -> float:
        """``F(t) = k + (1 - k) t^(1/e)`` (``k`` when ``e = 0``)."""
        if self.e == 0.0:
            return self.k
        return float(self.k + (1.0 - self.k) * min(1.0, max(0.0, t)) ** (1.0 / self.e))

    def target(self, t: float | None = None) -> float:
        """``P_min + (P_max - P_min)(1 - F(t))`` at ``t`` (default: now)."""
        t = self.view.time if t is None else t
        return self._pmin + (self._pmax - self._pmin) * (1.0 - self.concession(t))

    def _now(self) -> tuple[float, float, int]:
        """``(t, target, bid index)`` now, memoised for the current time."""
        view = self.view
        t = view.time
        if t != self._memo[0]:
            target = self.target(t)
            self._memo = (t, target, view.bids.index_at_least(target))
        return self._memo

    def aspiration(self) -> float:
        """The current target."""
        return self._now()[1]

    def propose(self) -> Package:
        """The lowest-utility package at or above the target."""
        return self.view.bids.package(self._now()[2])

    def decide(self, offer: Package, utility: float) -> bool:
        """The acceptance condition against the bid the strategy would make now."""
        t, _, k = self._now()
        return self.acceptance.accepts(utility, self.view.bids.utility(k), t)


class Boulware(TimeDependent):
    """Concedes little until close to the deadline (GENIUS default ``e = 0.2``)."""

    name = "boulware"

    def __init__(self, e: float = 0.2, k: float = 0.0, accept: Acceptance | str = "next"
                 ) -> None:
        super().__init__(e, k, accept)


class Linear(TimeDependent):
    """Concedes at a constant rate (``e = 1``)."""

    name = "linear"

    def __init__(self, e: float = 1.0, k: float = 0.0, accept: Acceptance | str = "next"
                 ) -> None:
        super().__init__(e, k, accept)


class Conceder(TimeDependent):
    """Concedes quickly early on (GENIUS default ``e = 2``)."""

    name = "conceder"

    def __init__(self, e: float = 2.0, k: float = 0.0, accept: Acceptance | str = "next"
                 ) -> None:
        super().__init__(e, k, accept)


class Hardliner(TimeDependent):
    """Never concedes (``e = 0``): offers its best package and accepts only as much."""

    name = "hardliner"

    def __init__(self, e: float = 0.0, k: float = 0.0, accept: Acceptance | str = "next"
                 ) -> None:
        super().__init__(e, k, accept)
