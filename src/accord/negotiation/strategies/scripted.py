"""A scripted strategy: plays a fixed list of moves (hand-checked protocol tests, docs)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from accord.negotiation.strategies.base import Response, Strategy
from accord.negotiation.views import Package


class Scripted(Strategy):
    """Offers ``offers`` in turn and answers with ``answers`` in turn (each repeats its last).

    Args:
        offers: packages to propose, in order.
        answers: ``"accept"``, ``"reject"`` or ``"end"`` for each offer received, in order
            (the rationality guard does not apply: a script says exactly what happens).
        votes: answers to single-text changes and ratification votes (``True``/``False``).
    """

    name = "scripted"

    def __init__(self, offers: Sequence[Sequence[int]] = (), answers: Sequence[str] = ("reject",),
                 votes: Sequence[bool] = (True,)) -> None:
        super().__init__()
        self.offers = [tuple(int(x) for x in o) for o in offers]
        self.answers = [Response(a) for a in answers]
        self.votes = [bool(v) for v in votes]
        self._k_offer = self._k_answer = self._k_vote = 0

    @property
    def params(self) -> dict[str, Any]:
        """See :class:`Strategy`."""
        return {"offers": [list(o) for o in self.offers],
                "answers": [a.value for a in self.answers], "votes": list(self.votes)}

    def on_start(self) -> None:
        """Rewind the script."""
        self._k_offer = self._k_answer = self._k_vote = 0

    @staticmethod
    def _next(items: list[Any], k: int) -> Any:
        return items[min(k, len(items) - 1)]

    def propose(self) -> Package:
        """The next scripted offer (the party's best package if the script has none)."""
        if not self.offers:
            return self.view.bids.best()
        offer: Package = self._next(self.offers, self._k_offer)
        self._k_offer += 1
        return offer

    def respond(self, offer: Package) -> Response:
        """The next scripted answer."""
        answer: Response = self._next(self.answers, self._k_answer)
        self._k_answer += 1
        return answer

    def decide(self, offer: Package, utility: float) -> bool:
        """Unused: :meth:`respond` follows the script."""
        return False

    def vote(self, current: Package, proposal: Package) -> bool:
        """The next scripted vote."""
        vote: bool = self._next(self.votes, self._k_vote)
        self._k_vote += 1
        return vote

    def ratify(self, package: Package) -> bool:
        """The next scripted vote."""
        return self.vote(package, package)
