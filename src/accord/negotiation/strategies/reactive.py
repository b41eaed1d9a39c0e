"""Strategies that react to what the others do: relative tit-for-tat, and random play.

Relative tit-for-tat: Faratin, Sierra and Jennings, "Negotiation decision functions for
autonomous agents", Robotics and Autonomous Systems 24(3-4), 1998, §4.2.3 (imitative
tactics), in utility space as in GENIUS's tit-for-tat agents: the party concedes, in
proportion, as much as its opponents conceded to it ``delta`` offers earlier.

Steps of :meth:`RelativeTitForTat.propose`:
    1. For every other party that made a new offer since the last turn and has made at
       least ``delta + 1`` offers, take the ratio ``r = u(o[-1-delta]) / u(o[-delta])`` of
       the party's own utility of that opponent's consecutive offers (``r < 1`` when the
       opponent conceded).
    2. Reciprocate the least conceding of them: ``target <- target · max(r)``, kept in
       ``[P_min, P_max]``.
    3. Offer the lowest-utility package at or above the target.
"""

from __future__ import annotations

from typing import Any

from accord.negotiation.strategies.acceptance import Acceptance, parse_acceptance
from accord.negotiation.strategies.base import Strategy
from accord.negotiation.views import Package


class RelativeTitForTat(Strategy):
    """Reciprocates its opponents' concessions in proportion (Faratin et al. 1998).

    Args:
        delta: how many of an opponent's offers back the reciprocated concession lies.
        accept: acceptance condition (see :mod:`~accord.negotiation.strategies.acceptance`).
    """

    name = "tit-for-tat"

    def __init__(self, delta: int = 1, accept: Acceptance | str = "next") -> None:
        super().__init__()
        if delta < 1:
            raise ValueError("delta must be >= 1")
        self.delta = int(delta)
        self.acceptance = parse_acceptance(accept) if isinstance(accept, str) else accept
        self._target = 1.0
        self._pmin = 0.0
        self._pmax = 1.0
        self._seen = 0
        self._by_party: dict[str, list[float]] = {}

    @property
    def params(self) -> dict[str, Any]:
        """See :class:`Strategy`."""
        return {"delta": self.delta, "accept": self.acceptance.spec}

    def on_start(self) -> None:
        """Start at the best package."""
        bids = self.view.bids
        self._pmax = bids.best_utility
        self._pmin = min(self._pmax, max(self.view.reservation, bids.worst_utility))
        self._target = self._pmax
        self._seen = 0
        self._by_party = {}

    def _update(self) -> None:
        offers = self.view.offers
        if len(offers) == self._seen:
            return
        own = self.view.utility
        fresh: set[str] = set()
        for event in offers[self._seen:]:
            assert event.package is not None
            self._by_party.setdefault(event.party, []).append(own(event.package))
            fresh.add(event.party)
        self._seen = len(offers)
        ratios = []
        for party in sorted(fresh):
            seq = self._by_party[party]
            if len(seq) > self.delta:
                before, after = seq[-1 - self.delta], seq[-self.delta]
                ratios.append(before / after if after > 0 else 1.0)
        if ratios:
            self._target = min(self._pmax, max(self._pmin, self._target * max(ratios)))

    def aspiration(self) -> float:
        """The current target."""
        self._update()
        return self._target

    def propose(self) -> Package:
        """Reciprocate, then offer the lowest-utility package at or above the target."""
        return self.view.bids.worst_at_least(self.aspiration())

    def decide(self, offer: Package, utility: float) -> bool:
        """The acceptance condition against the bid the strategy would make now."""
        bids = self.view.bids
        next_u = bids.utility(bids.index_at_least(self.aspiration()))
        return self.acceptance.accepts(utility, next_u, self.view.time)


class RandomStrategy(Strategy):
    """Offers a random package it could live with; accepts rational offers by a coin flip.

    The baseline of GENIUS tournaments (``SimpleAgent`` / ``RandomParty``).

    Args:
        p_accept: probability of accepting (or voting for) a rational package.
    """

    name = "random"

    def __init__(self, p_accept: float = 0.5) -> None:
        super().__init__()
        if not 0.0 <= p_accept <= 1.0:
            raise ValueError("p_accept must lie in [0, 1]")
        self.p_accept = float(p_accept)

    @property
    def params(self) -> dict[str, Any]:
        """See :class:`Strategy`."""
        return {"p_accept": self.p_accept}

    def aspiration(self) -> float:
        """The reservation: any rational package will do."""
        return self.view.reservation

    def propose(self) -> Package:
        """A uniformly random package from the rational part of the bid space."""
        bids = self.view.bids
        low = bids.index_at_least(self.view.reservation)
        return bids.package(int(self.rng.integers(low, len(bids))))

    def decide(self, offer: Package, utility: float) -> bool:
        """A coin flip with probability ``p_accept``."""
        return bool(self.rng.random() < self.p_accept)

    def vote(self, current: Package, proposal: Package) -> bool:
        """A coin flip, but never across a red line or below the reservation."""
        if not self.view.utility.acceptable(proposal):
            return False
        return bool(self.rng.random() < self.p_accept)
