"""Alternating offers: bilateral (Rubinstein / GENIUS) and stacked multilateral (SAOP).

Stacked Alternating Offers Protocol: Aydoğan, Festen, Hindriks and Jonker, "Alternating
offers protocols for multilateral negotiation", in *Modern Approaches to Agent-based
Complex Automated Negotiation*, Springer 2017 (the protocol of ANAC 2015-2017). With two
parties it is the bilateral alternating offers protocol of Rubinstein (1982) as run by
GENIUS and NegMAS's ``SAOMechanism``.

States and steps:
    1. *Opening*: the first party in turn order makes an offer; it becomes the offer on
       the table, with no acceptances.
    2. *Turn*: the next party in turn order either (a) accepts the offer on the table,
       (b) rejects it and makes a counter-offer, which replaces it and clears the
       acceptances, or (c) ends the negotiation (no agreement for anyone).
    3. *Agreement*: when the ``n - 1`` parties after the proposer have accepted in a row,
       the offer is agreed.
    4. *Deadline*: each action takes one turn (and ``seconds_per_action`` of simulated
       time); a round is one turn per party. When the deadline passes without an
       agreement, the negotiation ends without one.
"""

from __future__ import annotations

from collections.abc import Sequence

from accord.negotiation.protocols.base import Context, Outcome, Protocol, Status
from accord.negotiation.strategies.base import Response
from accord.negotiation.views import Deadline


class StackedAlternatingOffers(Protocol):
    """GENIUS's SAOP among any number (at least two) of parties.

    Args:
        deadline: rounds and/or simulated seconds.
    """

    name = "saop"

    def run(self, ctx: Context, parties: Sequence[int], phase: str = "negotiation"
            ) -> Outcome:
        """Run the state machine of the module docstring among ``parties``."""
        parties = list(parties)
        n = len(parties)
        if n < 2:
            raise ValueError(f"{self.name} needs at least two parties, got {n}")
        clock = ctx.clock
        clock.start(phase, self.deadline, n)
        strategies = ctx.strategies
        current = None
        proposer = parties[0]
        accepts = 0
        turn = 0
        while not clock.expired:
            p = parties[turn % n]
            turn += 1
            if current is None:
                current = ctx.offer(p, parties)
                proposer, accepts = p, 0
            else:
                answer = strategies[p].respond(current)
                if answer is Response.ACCEPT:
                    ctx.log(p, "accept", current, parties)
                    accepts += 1
                    if accepts == n - 1:
                        clock.tick()
                        order = parties[parties.index(proposer):] + \
                            parties[:parties.index(proposer)]
                        return Outcome(Status.AGREEMENT, current, clock.round, clock.time,
                                       tuple(ctx.domain.parties[q] for q in order))
                elif answer is Response.END:
                    ctx.log(p, "end", None, parties)
                    clock.tick()
                    return Outcome(Status.ENDED, None, clock.round, clock.time,
                                   details={"ended_by": ctx.domain.parties[p]})
                else:
                    current = ctx.offer(p, parties)
                    proposer, accepts = p, 0
            clock.tick()
        return Outcome(Status.DEADLINE, None, clock.round, clock.time)


class AlternatingOffers(StackedAlternatingOffers):
    """Bilateral alternating offers: SAOP restricted to exactly two parties.

    Args:
        deadline: rounds and/or simulated seconds.
    """

    name = "alternating"

    def run(self, ctx: Context, parties: Sequence[int], phase: str = "negotiation"
            ) -> Outcome:
        """Run between exactly two parties."""
        if len(parties) != 2:
            raise ValueError(f"bilateral alternating offers needs exactly two parties, "
                             f"got {len(parties)}; use 'saop' for more")
        return super().run(ctx, parties, phase)


__all__ = ["AlternatingOffers", "Deadline", "StackedAlternatingOffers"]
