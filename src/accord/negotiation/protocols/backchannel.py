"""Backchannel drafting, then briefing: a few draft, the others are told afterwards.

The pattern of the November 2025 28-point plan (drafted by US and Russian envoys, then
presented to Ukraine and the Europeans) and of many "pre-cooked" texts; the negotiation
literature's two-level and exclusion arguments are in Putnam, "Diplomacy and domestic
politics: the logic of two-level games", International Organization 42(3), 1988, and in
Raiffa, *The Art and Science of Negotiation*, 1982, ch. 17 (coalitions).

States and steps:
    1. *Drafting*: the ``drafters`` negotiate with the ``drafting`` protocol (any
       protocol; default SAOP). The excluded parties witness none of it. Without an
       agreed draft the whole negotiation ends without agreement.
    2. *Briefing*: the excluded parties are shown the draft one by one, in ``order``
       (recorded in the outcome as ``briefing_order``).
    3. *Response rounds* (at most ``briefing_rounds``): each briefed party that has not
       yet accepted or walked out answers the text in turn: it accepts, walks out (it
       will not ratify), or rejects with a counter-proposal. A counter-proposal is put to
       every other party; when all accept it, it replaces the text and everyone has
       accepted it; otherwise the text stands. The phase ends early when every briefed
       party has accepted.
    4. The outcome is the (possibly revised) text, agreed by the drafters; whether it is
       ratified is decided afterwards by every party's ratification vote under the
       scenario's rule (see :func:`accord.negotiation.session.run_session`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from accord.negotiation.protocols.alternating import StackedAlternatingOffers
from accord.negotiation.protocols.base import Context, Outcome, Protocol, Status
from accord.negotiation.strategies.base import Response
from accord.negotiation.views import Deadline, Package


class Backchannel(Protocol):
    """Exclusive drafting by ``drafters``, then briefing of everyone else.

    Args:
        drafters: ids of the drafting parties (at least two).
        drafting: the protocol the drafters use (default: SAOP with ``deadline``).
        briefing_rounds: response rounds given to the briefed parties.
        order: briefing order of the excluded parties (default: scenario order).
        deadline: the drafting deadline when ``drafting`` is not given.
    """

    name = "backchannel"

    def __init__(self, drafters: Sequence[str], drafting: Protocol | None = None,
                 briefing_rounds: int = 3, order: Sequence[str] | None = None,
                 deadline: Deadline | None = None) -> None:
        super().__init__(deadline)
        if len(drafters) < 2:
            raise ValueError("a backchannel needs at least two drafters")
        if briefing_rounds < 1:
            raise ValueError("the briefed parties need at least one response round")
        self.drafters = tuple(drafters)
        self.drafting = drafting or StackedAlternatingOffers(self.deadline)
        self.briefing_rounds = int(briefing_rounds)
        self.order = None if order is None else tuple(order)

    @property
    def params(self) -> dict[str, Any]:
        """See :class:`Protocol`."""
        return {"drafters": list(self.drafters), "drafting": self.drafting.spec,
                "briefing_rounds": self.briefing_rounds,
                "order": None if self.order is None else list(self.order)}

    @property
    def spec(self) -> str:
        """``backchannel:drafters=US+RU,briefing_rounds=3,...`` (inner protocol by name)."""
        items = [f"drafters={'+'.join(self.drafters)}",
                 f"briefing_rounds={self.briefing_rounds}",
                 f"inner={self.drafting.name}"]
        if self.drafting.deadline.rounds is not None:
            items.append(f"rounds={self.drafting.deadline.rounds}")
        if self.drafting.deadline.seconds is not None:
            items.append(f"seconds={self.drafting.deadline.seconds:g}")
        if self.order is not None:
            items.append(f"order={'+'.join(self.order)}")
        return self.name + ":" + ",".join(items)

    def _briefing_order(self, ctx: Context, excluded: list[int]) -> list[int]:
        if self.order is None:
            return excluded
        order = [ctx.domain.index(p) for p in self.order]
        if sorted(order) != sorted(excluded):
            raise ValueError(f"the briefing order {list(self.order)} must name exactly the "
                             f"excluded parties {[ctx.domain.parties[p] for p in excluded]}")
        return order

    def run(self, ctx: Context, parties: Sequence[int], phase: str = "negotiation"
            ) -> Outcome:
        """Run the state machine of the module docstring."""
        parties = list(parties)
        drafters = [ctx.domain.index(d) for d in self.drafters]
        if any(d not in parties for d in drafters):
            raise ValueError("every drafter must take part in the negotiation")
        excluded = self._briefing_order(ctx, [p for p in parties if p not in drafters])
        ids = ctx.domain.parties
        drafted = self.drafting.run(ctx, drafters, phase="drafting")
        details: dict[str, Any] = {
            "drafters": [ids[d] for d in drafters],
            "briefing_order": [ids[e] for e in excluded],
            "drafting_status": drafted.status.value, "drafting_rounds": drafted.rounds,
            "draft": None if drafted.agreement is None else list(drafted.agreement),
        }
        if drafted.agreement is None:
            return Outcome(drafted.status, None, drafted.rounds, drafted.time, (), details)
        text, answers, counters = self._brief(ctx, parties, excluded, drafted.agreement)
        details.update({"final_text": list(text), "revised": text != drafted.agreement,
                        "briefing_answers": answers, "counter_proposals": counters})
        return Outcome(Status.AGREEMENT, text, drafted.rounds, drafted.time,
                       drafted.signatories, details)

    def _brief(self, ctx: Context, parties: list[int], excluded: list[int], draft: Package
               ) -> tuple[Package, dict[str, str], int]:
        ids = ctx.domain.parties
        clock = ctx.clock
        clock.start("briefing", Deadline(rounds=self.briefing_rounds), max(1, len(excluded)))
        for e in excluded:
            ctx.log(None, "brief", draft, [e])
        text = draft
        answers = {ids[e]: "pending" for e in excluded}
        counters = 0
        while not clock.expired and any(a in ("pending", "reject") for a in answers.values()):
            for e in excluded:
                if clock.expired:
                    break
                if answers[ids[e]] in ("accept", "end"):
                    clock.tick()
                    continue
                answer = ctx.strategies[e].respond(text)
                if answer is Response.ACCEPT:
                    answers[ids[e]] = "accept"
                    ctx.log(e, "accept", text, parties)
                elif answer is Response.END:
                    answers[ids[e]] = "end"
                    ctx.log(e, "end", None, parties)
                else:
                    answers[ids[e]] = "reject"
                    counter = ctx.offer(e, parties, action="counter")
                    counters += 1
                    others = [p for p in parties if p != e]
                    if all(self._consider(ctx, p, counter, parties) for p in others):
                        text = counter
                        for x in excluded:
                            answers[ids[x]] = "accept"
                clock.tick()
        return text, answers, counters

    @staticmethod
    def _consider(ctx: Context, p: int, counter: Package, parties: list[int]) -> bool:
        answer = ctx.strategies[p].respond(counter)
        ok = answer is Response.ACCEPT
        ctx.log(p, "accept" if ok else "reject", counter, parties)
        return ok
