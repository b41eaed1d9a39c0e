"""The single negotiating text: a mediator drafts, the parties accept or veto each change.

Roger Fisher's one-text procedure (Fisher and Ury, *Getting to Yes*, 1981, ch. 6, on
the Camp David talks of 1978; Raiffa, *The Art and Science of Negotiation*, 1982, ch. 14),
in the automated form of Klein, Faratin, Sayama and Bar-Yam, "Negotiating complex
contracts", Group Decision and Negotiation 12(2), 2003: the mediator, who knows no
one's preferences, proposes random changes to one text; a change is adopted only when
no party vetoes it, so the text climbs towards packages no one objects to.

States and steps:
    1. *Opening*: the text is ``initial`` or, by default, a random package that breaks no
       linkage (drawn with the protocol's generator).
    2. *Proposal*: the mediator changes one random point to another option (retrying,
       up to ``tries`` times, until the result breaks no linkage).
    3. *Vote*: each party in turn accepts or vetoes the change
       (:meth:`~accord.negotiation.strategies.base.Strategy.vote`); the first veto stops
       the vote. Without a veto the change is adopted. One proposal is one round.
    4. *Signature*: when the deadline passes, every party answers the final text
       (:meth:`~accord.negotiation.strategies.base.Strategy.respond`); it is agreed when
       all accept, else rejected.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from accord.negotiation.protocols.base import Context, Outcome, Protocol, Status
from accord.negotiation.strategies.base import Response
from accord.negotiation.views import Deadline, Package


class SingleNegotiatingText(Protocol):
    """Mediated single-text negotiation (Fisher; Klein et al. 2003).

    Args:
        deadline: the number of mediator proposals (rounds) and/or simulated seconds.
        initial: the opening text (default: a random admissible package).
        tries: attempts to find a change that breaks no linkage.
    """

    name = "single-text"

    def __init__(self, deadline: Deadline | None = None, initial: Package | None = None,
                 tries: int = 20) -> None:
        super().__init__(deadline or Deadline(rounds=200))
        self.initial = None if initial is None else tuple(int(x) for x in initial)
        self.tries = int(tries)

    @property
    def params(self) -> dict[str, Any]:
        """See :class:`Protocol`."""
        return {**super().params,
                "initial": None if self.initial is None else list(self.initial),
                "tries": self.tries}

    def _opening(self, ctx: Context) -> Package:
        public = ctx.public
        if self.initial is not None:
            if not public.valid(self.initial):
                raise ValueError(f"the opening text {self.initial} is not a valid package")
            return self.initial
        for _ in range(1000):
            text = tuple(int(ctx.rng.integers(0, s)) for s in public.sizes)
            if public.valid(text):
                return text
        raise ValueError("no package breaking no linkage found for the opening text")

    def _change(self, ctx: Context, text: Package) -> Package | None:
        public = ctx.public
        for _ in range(self.tries):
            issue = int(ctx.rng.integers(0, len(public.sizes)))
            size = public.sizes[issue]
            if size < 2:
                continue
            option = int(ctx.rng.integers(0, size - 1))
            option += option >= text[issue]
            proposal = (*text[:issue], option, *text[issue + 1:])
            if public.valid(proposal):
                return proposal
        return None

    def run(self, ctx: Context, parties: Sequence[int], phase: str = "negotiation"
            ) -> Outcome:
        """Run the state machine of the module docstring among ``parties``."""
        parties = list(parties)
        clock = ctx.clock
        clock.start(phase, self.deadline, 1)
        strategies = ctx.strategies
        text = self._opening(ctx)
        ctx.log(None, "text", text, parties)
        adopted = 0
        while not clock.expired:
            proposal = self._change(ctx, text)
            if proposal is not None:
                ctx.log(None, "propose", proposal, parties)
                vetoed = False
                for p in parties:
                    if strategies[p].vote(text, proposal):
                        continue
                    ctx.log(p, "veto", proposal, parties)
                    vetoed = True
                    break
                if not vetoed:
                    text = proposal
                    adopted += 1
                    ctx.log(None, "adopt", text, parties)
            clock.tick()
        rounds, time = clock.round, clock.time
        signed = []
        for p in parties:
            answer = strategies[p].respond(text)
            ctx.log(p, "accept" if answer is Response.ACCEPT else "reject", text, parties)
            if answer is Response.ACCEPT:
                signed.append(ctx.domain.parties[p])
        details = {"final_text": list(text), "changes_adopted": adopted}
        if len(signed) == len(parties):
            return Outcome(Status.AGREEMENT, text, rounds, time, tuple(signed), details)
        return Outcome(Status.REJECTED, None, rounds, time, tuple(signed), details)
