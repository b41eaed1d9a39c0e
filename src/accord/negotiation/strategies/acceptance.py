"""Acceptance conditions: when to take the offer on the table.

From Baarslag, Hindriks and Jonker, "Effective acceptance conditions in multilateral
negotiation" / "Acceptance conditions in automated negotiation" (ACAN 2011, Studies in
Computational Intelligence 435, 2013), as implemented in GENIUS's BOA framework:

* ``AC_next(α, β)``: accept when ``α · u(offer) + β ≥ u(my next bid)``;
* ``AC_const(c)``: accept when ``u(offer) ≥ c``;
* ``AC_time(T)``: accept anything once relative time exceeds ``T``;
* ``AC_combi``: any of several conditions (e.g. ``AC_next ∨ AC_time(0.99)``), written
  ``ACNext() | ACTime(0.99)`` here.

Whatever the condition, a strategy never accepts a package below its reservation or
across its red lines (:meth:`accord.negotiation.strategies.base.Strategy.respond`).
"""

from __future__ import annotations

from dataclasses import dataclass

from accord.model import ACTIVE


class Acceptance:
    """An acceptance condition: a pure function of what the strategy knows now."""

    def accepts(self, offer_utility: float, next_utility: float, time: float) -> bool:
        """Whether to accept an offer worth ``offer_utility``.

        Args:
            offer_utility: the strategy's utility of the offer.
            next_utility: the utility of the bid the strategy would make now instead.
            time: relative time in ``[0, 1]``.
        """
        raise NotImplementedError

    @property
    def spec(self) -> str:
        """A short text form, parsed back by :func:`parse_acceptance`."""
        raise NotImplementedError

    def __or__(self, other: Acceptance) -> Acceptance:
        mine = self.conditions if isinstance(self, ACCombi) else (self,)
        theirs = other.conditions if isinstance(other, ACCombi) else (other,)
        return ACCombi(mine + theirs)


@dataclass(frozen=True)
class ACNext(Acceptance):
    """``AC_next(α, β)``: accept when ``α · u(offer) + β ≥ u(next bid)``."""

    alpha: float = 1.0
    beta: float = 0.0

    def accepts(self, offer_utility: float, next_utility: float, time: float) -> bool:
        """See :class:`Acceptance`."""
        return self.alpha * offer_utility + self.beta >= next_utility - ACTIVE

    @property
    def spec(self) -> str:
        """See :class:`Acceptance`."""
        if (self.alpha, self.beta) == (1.0, 0.0):
            return "next"
        return f"next({self.alpha:g},{self.beta:g})"


@dataclass(frozen=True)
class ACConst(Acceptance):
    """``AC_const(c)``: accept when ``u(offer) ≥ c``."""

    c: float = 0.9

    def accepts(self, offer_utility: float, next_utility: float, time: float) -> bool:
        """See :class:`Acceptance`."""
        return offer_utility >= self.c - ACTIVE

    @property
    def spec(self) -> str:
        """See :class:`Acceptance`."""
        return f"const({self.c:g})"


@dataclass(frozen=True)
class ACTime(Acceptance):
    """``AC_time(T)``: accept once relative time exceeds ``T``."""

    t: float = 0.99

    def accepts(self, offer_utility: float, next_utility: float, time: float) -> bool:
        """See :class:`Acceptance`."""
        return time > self.t

    @property
    def spec(self) -> str:
        """See :class:`Acceptance`."""
        return f"time({self.t:g})"


@dataclass(frozen=True)
class ACCombi(Acceptance):
    """Accept when any of ``conditions`` accepts (Baarslag's ``AC_combi`` family)."""

    conditions: tuple[Acceptance, ...]

    def accepts(self, offer_utility: float, next_utility: float, time: float) -> bool:
        """See :class:`Acceptance`."""
        return any(c.accepts(offer_utility, next_utility, time) for c in self.conditions)

    @property
    def spec(self) -> str:
        """See :class:`Acceptance`."""
        return "+".join(c.spec for c in self.conditions)


def parse_acceptance(text: str) -> Acceptance:
    """Read ``next``, ``next(a,b)``, ``const(c)``, ``time(T)`` or ``A+B`` (any of)."""
    parts = [p.strip() for p in text.split("+") if p.strip()]
    if not parts:
        raise ValueError("an empty acceptance condition")
    conds: list[Acceptance] = []
    for part in parts:
        name, _, rest = part.partition("(")
        args = [float(a) for a in rest.rstrip(")").split(",") if a.strip()] if rest else []
        if name == "next" and len(args) in (0, 2):
            conds.append(ACNext(*args))
        elif name == "const" and len(args) == 1:
            conds.append(ACConst(args[0]))
        elif name == "time" and len(args) == 1:
            conds.append(ACTime(args[0]))
        else:
            raise ValueError(f"unknown acceptance condition {part!r} "
                             "(use next, next(a,b), const(c), time(T), joined by +)")
    return conds[0] if len(conds) == 1 else ACCombi(tuple(conds))
