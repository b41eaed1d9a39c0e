"""The strategy interface: what a negotiator decides, from its own view only.

A :class:`Strategy` is created unbound with its parameters, bound to one
:class:`~accord.negotiation.views.PartyView` and one ``numpy.random.Generator`` at the
start of a session (:meth:`Strategy.bind`), and then asked by the protocol to
:meth:`~Strategy.propose`, :meth:`~Strategy.respond` to an offer, :meth:`~Strategy.vote`
on a change to a single negotiating text, or :meth:`~Strategy.ratify` a final text.
:meth:`~Strategy.clone` gives a fresh unbound copy with the same parameters; a strategy
pickles, bound or not.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar, Self

import numpy as np

from accord.model import ACTIVE
from accord.negotiation.views import Package, PartyView


class Response(StrEnum):
    """An answer to an offer: take it, turn it down (and usually counter), or walk away."""

    ACCEPT = "accept"
    REJECT = "reject"
    END = "end"


class UnboundStrategyError(RuntimeError):
    """A strategy was asked to act before :meth:`Strategy.bind` gave it a view."""


class Strategy:
    """Base class of every negotiation strategy.

    Subclasses set :attr:`name`, store their constructor arguments and return them from
    :attr:`params` (so that :meth:`clone` and the registry can rebuild them), and
    implement :meth:`propose` and :meth:`decide`. They may override :meth:`on_start`,
    :meth:`aspiration`, :meth:`vote` and :meth:`ratify`.

    Rationality guard: :meth:`respond`, :meth:`vote` and :meth:`ratify` never accept a
    package below the party's reservation or across its red lines, whatever
    :meth:`decide` says.
    """

    #: The registry name.
    name: ClassVar[str] = "strategy"

    def __init__(self) -> None:
        self._view: PartyView | None = None
        self._rng: np.random.Generator | None = None

    # ------------------------------------------------------------------ identity
    @property
    def params(self) -> dict[str, Any]:
        """The constructor arguments (JSON-ready values)."""
        return {}

    @property
    def spec(self) -> str:
        """``name`` or ``name:key=value,...`` (parsed back by the registry)."""
        params = self.params
        if not params:
            return self.name
        return self.name + ":" + ",".join(f"{k}={_fmt(v)}" for k, v in params.items())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.spec!r})"

    def clone(self) -> Self:
        """A fresh, unbound strategy with the same parameters."""
        return type(self)(**self.params)

    # ------------------------------------------------------------------- binding
    @property
    def view(self) -> PartyView:
        """The party's view (raises when unbound)."""
        if self._view is None:
            raise UnboundStrategyError(f"{self.spec} has not been bound to a party")
        return self._view

    @property
    def rng(self) -> np.random.Generator:
        """The strategy's own random generator (raises when unbound)."""
        if self._rng is None:
            raise UnboundStrategyError(f"{self.spec} has not been bound to a party")
        return self._rng

    def bind(self, view: PartyView, rng: np.random.Generator) -> None:
        """Start a session as the party of ``view``, drawing chance from ``rng`` only."""
        self._view = view
        self._rng = rng
        self.on_start()

    def on_start(self) -> None:
        """Prepare for a new session (the view is available)."""

    # ----------------------------------------------------------------- decisions
    def propose(self) -> Package:
        """The package to put on the table now."""
        raise NotImplementedError

    def decide(self, offer: Package, utility: float) -> bool:
        """Whether to accept a rational ``offer`` worth ``utility`` to this party."""
        raise NotImplementedError

    def aspiration(self) -> float:
        """The utility the party holds out for now (default: its best)."""
        return self.view.bids.best_utility

    def respond(self, offer: Package) -> Response:
        """Accept or reject the offer on the table (never below reservation or red lines)."""
        own = self.view.utility
        if not own.acceptable(offer):
            return Response.REJECT
        return Response.ACCEPT if self.decide(offer, own(offer)) else Response.REJECT

    def vote(self, current: Package, proposal: Package) -> bool:
        """Whether to let a single negotiating text move from ``current`` to ``proposal``.

        Default (a hill-climbing voter that concedes with its aspiration, after Klein et
        al. 2003): veto a change across a red line; accept a change that makes the party
        no worse off; veto a loss that leaves it below its reservation; accept any other
        loss that keeps it at or above its current :meth:`aspiration`.
        """
        own = self.view.utility
        if own.crosses_red_line(proposal) and not own.crosses_red_line(current):
            return False
        u = own(proposal)
        if u >= own(current) - ACTIVE:
            return True
        if u < own.reservation - ACTIVE:
            return False
        return u >= self.aspiration() - ACTIVE

    def ratify(self, package: Package) -> bool:
        """Whether to ratify a final text: at least the reservation, no red line crossed."""
        return self.view.utility.acceptable(package)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
