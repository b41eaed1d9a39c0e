"""Proposal and vote: a rotating proposer tables a package, everyone votes, a rule decides.

A closed-rule agenda in the manner of Baron and Ferejohn, "Bargaining in legislatures",
American Political Science Review 83(4), 1989, with the scenario's ratification rule
(unanimity, k-of-n or weighted majority, with veto holders) deciding each vote through
:func:`accord.analysis.ratify.ratified`.

States and steps:
    1. *Proposal*: the proposer of the round (the parties in turn order, rotating) tables
       a package (:meth:`~accord.negotiation.strategies.base.Strategy.propose`).
    2. *Vote*: every party answers (:meth:`~accord.negotiation.strategies.base.Strategy.respond`;
       accept is a yes). Each vote is one turn; a round is one proposal and its votes.
    3. *Decision*: when the yes votes satisfy the rule, the package is agreed; otherwise
       the next round begins with the next proposer.
    4. *Deadline*: when the deadline passes without a passing vote, no agreement.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from accord.analysis.ratify import ratified
from accord.model import RatificationRule
from accord.negotiation.protocols.base import Context, Outcome, Protocol, Status
from accord.negotiation.strategies.base import Response
from accord.negotiation.views import Deadline


class ProposalVote(Protocol):
    """Rotating proposals decided by a ratification rule (default: the scenario's).

    Args:
        deadline: rounds and/or simulated seconds.
        rule: the voting rule; ``None`` uses the scenario's ratification rule.
    """

    name = "vote"

    def __init__(self, deadline: Deadline | None = None,
                 rule: RatificationRule | None = None) -> None:
        super().__init__(deadline)
        self.rule = rule

    @property
    def params(self) -> dict[str, Any]:
        """See :class:`Protocol` (a custom rule is described in words)."""
        out = super().params
        if self.rule is not None:
            out["rule"] = self.rule.describe()
        return out

    def run(self, ctx: Context, parties: Sequence[int], phase: str = "negotiation"
            ) -> Outcome:
        """Run the state machine of the module docstring among ``parties``."""
        parties = list(parties)
        n = len(parties)
        ids = [ctx.domain.parties[p] for p in parties]
        rule = self.rule or ctx.domain.rule
        clock = ctx.clock
        clock.start(phase, self.deadline, n + 1)
        strategies = ctx.strategies
        k = 0
        while not clock.expired:
            proposer = parties[k % n]
            k += 1
            package = ctx.offer(proposer, parties, action="offer")
            clock.tick()
            yes = np.zeros(n, dtype=bool)
            for j, p in enumerate(parties):
                if clock.expired:
                    return Outcome(Status.DEADLINE, None, clock.round, clock.time)
                answer = strategies[p].respond(package)
                yes[j] = answer is Response.ACCEPT
                ctx.log(p, "yes" if yes[j] else "no", package, parties)
                clock.tick()
            if bool(ratified(yes[None, :], rule, ids)[0]):
                signed = tuple(i for i, y in zip(ids, yes, strict=True) if y)
                return Outcome(Status.AGREEMENT, package, clock.round, clock.time, signed,
                               {"proposer": ctx.domain.parties[proposer]})
        return Outcome(Status.DEADLINE, None, clock.round, clock.time)
