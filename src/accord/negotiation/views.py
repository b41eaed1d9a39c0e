"""What a negotiator may see: its own utility, the public rules, the public record, the clock.

A strategy never receives the session, the scenario or the compiled tables. It receives
a :class:`PartyView` (the idea of NegMAS's ``NegotiatorMechanismInterface``, and of the
restricted ``AgentInfo`` of GENIUS): its own
:class:`~accord.negotiation.utility.OwnUtility` (a copy of its own column of the utility
tables, nothing else), its :class:`~accord.negotiation.bidspace.BidSpace`, the
:class:`~accord.negotiation.utility.PublicInfo` everyone knows (party ids, option counts,
the scenario's linkages and ratification rule), the events it has witnessed and the :class:`Clock`.
No attribute of a view leads to another party's preferences; the shared strategy test
base walks every reachable object to check it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple, overload

from accord.negotiation.bidspace import BidSpace
from accord.negotiation.utility import (
    BoolArray,
    FloatArray,
    IntArray,
    OwnUtility,
    Package,
    PublicInfo,
)

__all__ = [
    "OFFER_ACTIONS",
    "BidSpace",
    "BoolArray",
    "Clock",
    "Deadline",
    "Event",
    "EventLog",
    "FloatArray",
    "IntArray",
    "OwnUtility",
    "Package",
    "PartyView",
    "PublicInfo",
]

#: Actions that put a package on the table.
OFFER_ACTIONS = frozenset({"offer", "counter"})


class Event(NamedTuple):
    """One public action, as a witness sees it (no utilities: those are private).

    A named tuple: immutable, and cheap to create on the hot path.

    Attributes:
        seq: position in the session (0-based, over every event of every channel).
        phase: ``"negotiation"``, ``"drafting"``, ``"briefing"``, ``"ratification"``...
        round: the round of the phase in which it happened (0-based).
        time: relative time of the phase in ``[0, 1]``.
        party: who acted (``""`` for the mediator).
        action: ``offer``, ``accept``, ``reject``, ``end``, ``propose``, ``veto``,
            ``brief``, ``counter``, ``yes``, ``no`` ...
        package: the package acted on, if any.
    """

    seq: int
    phase: str
    round: int
    time: float
    party: str
    action: str
    package: Package | None = None


@dataclass(frozen=True, slots=True)
class Deadline:
    """When a phase ends: after ``rounds`` rounds, after ``seconds`` of simulated time, or both.

    Simulated time advances by ``seconds_per_action`` for every action (offer, answer,
    vote), so a time deadline is as reproducible as a round deadline. A phase ends at
    whichever limit comes first.
    """

    rounds: int | None = 100
    seconds: float | None = None
    seconds_per_action: float = 1.0

    def __post_init__(self) -> None:
        if self.rounds is None and self.seconds is None:
            raise ValueError("a deadline needs rounds, seconds or both")
        if self.rounds is not None and self.rounds < 1:
            raise ValueError("a deadline needs at least one round")
        if self.seconds is not None and not self.seconds > 0:
            raise ValueError("a time deadline must be positive")
        if not self.seconds_per_action > 0:
            raise ValueError("each action must take some simulated time")

    def to_dict(self) -> dict[str, float | int | None]:
        """JSON-ready form."""
        return {"rounds": self.rounds, "seconds": self.seconds,
                "seconds_per_action": self.seconds_per_action}


class Clock:
    """The phase clock: rounds, turns and simulated seconds.

    A *round* is one turn for each of the ``width`` parties acting in the phase; relative
    time advances by one turn at a time, so every action sees a fresh time.
    """

    __slots__ = ("_turn_limit", "deadline", "elapsed", "phase", "turns", "width")

    def __init__(self) -> None:
        self.deadline = Deadline()
        self.phase = "negotiation"
        self.width = 1
        self.turns = 0
        self.elapsed = 0.0
        self._turn_limit = float("inf")

    def start(self, phase: str, deadline: Deadline, width: int) -> None:
        """Begin a phase in which ``width`` parties take turns."""
        self.phase = phase
        self.deadline = deadline
        self.width = max(1, width)
        self.turns = 0
        self.elapsed = 0.0
        self._turn_limit = (float("inf") if deadline.rounds is None
                            else float(deadline.rounds * self.width))

    def tick(self) -> None:
        """One action happened."""
        self.turns += 1
        self.elapsed += self.deadline.seconds_per_action

    @property
    def round(self) -> int:
        """The current round (0-based)."""
        return self.turns // self.width

    @property
    def expired(self) -> bool:
        """Whether the phase's deadline has passed."""
        if self.turns >= self._turn_limit:
            return True
        seconds = self.deadline.seconds
        return seconds is not None and self.elapsed >= seconds

    @property
    def time(self) -> float:
        """Relative time in ``[0, 1]``: the larger of the round and the time fractions."""
        t = self.turns / self._turn_limit
        seconds = self.deadline.seconds
        if seconds is not None:
            t = max(t, self.elapsed / seconds)
        return min(1.0, t)


class EventLog(Sequence[Event]):
    """A read-only window on the events one party has witnessed."""

    __slots__ = ("_events",)

    def __init__(self, events: list[Event]) -> None:
        self._events = events

    @overload
    def __getitem__(self, index: int) -> Event: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Event]: ...

    def __getitem__(self, index: int | slice) -> Event | Sequence[Event]:
        if isinstance(index, slice):
            return tuple(self._events[index])
        return self._events[index]

    def __len__(self) -> int:
        return len(self._events)

    def __iter__(self) -> Iterator[Event]:
        return iter(tuple(self._events))


class PartyView:
    """Everything one negotiator may see during a session.

    Attributes:
        party: the party's id.
        utility: the party's own utility function (:class:`OwnUtility`).
        bids: the party's own packages sorted by its utility
            (:class:`~accord.negotiation.bidspace.BidSpace`).
        public: the public rules (:class:`PublicInfo`).
    """

    __slots__ = ("_clock", "_events", "_offers", "bids", "history", "offers", "party", "public",
                 "utility")

    def __init__(self, utility: OwnUtility, bids: BidSpace, public: PublicInfo,
                 clock: Clock) -> None:
        self.party = utility.party
        self.utility = utility
        self.bids = bids
        self.public = public
        self._clock = clock
        self._events: list[Event] = []
        self._offers: list[Event] = []
        #: The events this party has witnessed, oldest first (read-only).
        self.history = EventLog(self._events)
        #: The offers, proposals and counter-proposals of the other parties, oldest first.
        self.offers = EventLog(self._offers)

    @property
    def reservation(self) -> float:
        """The party's reservation utility."""
        return self.utility.reservation

    @property
    def time(self) -> float:
        """Relative time of the current phase, in ``[0, 1]``."""
        return self._clock.time

    @property
    def round(self) -> int:
        """Current round of the current phase (0-based)."""
        return self._clock.round

    @property
    def phase(self) -> str:
        """Name of the current phase."""
        return self._clock.phase

    def witness(self, event: Event) -> None:
        """Record an event this party saw (called by the protocol, never by strategies)."""
        self._events.append(event)
        if event.action in OFFER_ACTIONS and event.party != self.party \
                and event.package is not None:
            self._offers.append(event)
