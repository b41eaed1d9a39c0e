"""What a negotiator may see: its own utility, the public rules, the public record, the clock.

A strategy never receives the session, the scenario or the compiled tables. It receives
a :class:`PartyView` (the idea of NegMAS's ``NegotiatorMechanismInterface``, and of the
restricted ``AgentInfo`` of GENIUS): its own :class:`OwnUtility` (a copy of its own
column of the utility tables, nothing else), its :class:`~accord.negotiation.bidspace.BidSpace`,
the :class:`PublicInfo` everyone knows (party ids, option counts, the scenario's
linkages and ratification rule), the events it has witnessed and the :class:`Clock`.
No attribute of a view leads to another party's preferences; the shared strategy test
base walks every reachable object to check it.

A *package* is a tuple of option positions, one per issue (``Package``); tuples are
hashable, so utilities are memoised per package.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from operator import add
from typing import TYPE_CHECKING, NamedTuple, TypeAlias, overload

import numpy as np
from numpy.typing import NDArray

from accord.model import EPS, RatificationRule

if TYPE_CHECKING:
    from accord.negotiation.bidspace import BidSpace

#: A complete package: one option position per issue, in scenario issue order.
Package: TypeAlias = tuple[int, ...]
#: Actions that put a package on the table.
OFFER_ACTIONS = frozenset({"offer", "counter"})
IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


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


@dataclass(frozen=True, slots=True)
class OwnTerm:
    """One of the party's own interaction terms: pays ``value`` when every condition holds."""

    issues: tuple[int, ...]
    allowed: tuple[frozenset[int], ...]
    value: float

    def holds(self, package: Package) -> bool:
        """Whether the term pays for ``package``."""
        return all(package[i] in a for i, a in zip(self.issues, self.allowed, strict=True))


@dataclass(frozen=True, eq=False)
class OwnUtility:
    """One party's utility over packages, and its reservation: copies of its own numbers.

    Attributes:
        party: the party's id.
        sizes: options per issue.
        offsets: flat index of each issue's first option.
        values: ``(n_options,)`` the party's contribution of each option (a private copy).
        base: constant added to every package.
        terms: the party's interaction terms.
        clip: whether the utility is clipped into ``[0, 1]``.
        red: per issue, the option positions on the party's red lines.
        reservation: the walk-away utility.
    """

    party: str
    sizes: tuple[int, ...]
    offsets: tuple[int, ...]
    values: FloatArray
    base: float
    terms: tuple[OwnTerm, ...]
    clip: bool
    red: tuple[frozenset[int], ...]
    reservation: float
    _flat: tuple[float, ...] = field(init=False, repr=False)
    _cache: dict[Package, float] = field(init=False, repr=False)
    _ok: dict[Package, bool] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        values = np.array(self.values, dtype=np.float64, copy=True)
        values.setflags(write=False)
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "_flat", tuple(float(v) for v in values))
        object.__setattr__(self, "_cache", {})
        object.__setattr__(self, "_ok", {})

    def __getstate__(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in (
            "party", "sizes", "offsets", "values", "base", "terms", "clip", "red",
            "reservation")}

    def __setstate__(self, state: dict[str, object]) -> None:
        for k, v in state.items():
            object.__setattr__(self, k, v)
        self.__post_init__()

    @property
    def n_issues(self) -> int:
        """Number of issues."""
        return len(self.sizes)

    def __call__(self, package: Package) -> float:
        """The utility of one package (memoised)."""
        u = self._cache.get(package)
        if u is None:
            flat = self._flat
            u = self.base + sum(map(flat.__getitem__, map(add, self.offsets, package)))
            for term in self.terms:
                if term.holds(package):
                    u += term.value
            if self.clip:
                u = min(1.0, max(0.0, u))
            self._cache[package] = u
        return u

    def batch(self, packages: IntArray) -> FloatArray:
        """Utilities ``(m,)`` of a batch ``(m, n_issues)``."""
        packages = np.asarray(packages, dtype=np.int64)
        flat = packages + np.asarray(self.offsets, dtype=np.int64)
        u = self.base + self.values[flat].sum(axis=1)
        for term in self.terms:
            ok = np.ones(packages.shape[0], dtype=bool)
            for i, allowed in zip(term.issues, term.allowed, strict=True):
                ok &= np.isin(packages[:, i], list(allowed))
            u = u + term.value * ok
        if self.clip:
            u = np.clip(u, 0.0, 1.0)
        return np.asarray(u, dtype=np.float64)

    def crosses_red_line(self, package: Package) -> bool:
        """Whether the package uses an option the party never accepts."""
        return any(x in r for x, r in zip(package, self.red, strict=True) if r)

    def red_mask(self, packages: IntArray) -> BoolArray:
        """``(m,)`` whether each package of a batch crosses one of the party's red lines."""
        out = np.zeros(packages.shape[0], dtype=bool)
        for i, r in enumerate(self.red):
            if r:
                out |= np.isin(packages[:, i], list(r))
        return out

    def acceptable(self, package: Package) -> bool:
        """At least the reservation (within ``EPS``) and no red line crossed."""
        ok = self._ok.get(package)
        if ok is None:
            ok = self(package) >= self.reservation - EPS and not self.crosses_red_line(package)
            self._ok[package] = ok
        return ok


@dataclass(frozen=True, slots=True)
class PublicLink:
    """A public linkage in array form: ``a => b`` (requires) or ``not (a and b)`` (excludes)."""

    excludes: bool
    issue_a: int
    allowed_a: frozenset[int]
    issue_b: int
    allowed_b: frozenset[int]

    def broken(self, package: Package) -> bool:
        """Whether ``package`` breaks the linkage."""
        a = package[self.issue_a] in self.allowed_a
        b = package[self.issue_b] in self.allowed_b
        return (a and b) if self.excludes else (a and not b)

    def broken_mask(self, packages: IntArray) -> BoolArray:
        """``(m,)`` whether each package of a batch breaks the linkage."""
        a = np.isin(packages[:, self.issue_a], list(self.allowed_a))
        b = np.isin(packages[:, self.issue_b], list(self.allowed_b))
        return np.asarray(a & b if self.excludes else a & ~b, dtype=bool)


@dataclass(frozen=True, slots=True)
class PublicInfo:
    """What every party knows: who negotiates, over what, under which rules.

    Attributes:
        scenario: the scenario's id.
        parties: party ids in scenario order.
        sizes: options per issue.
        links: the scenario's linkages (public rules every package must respect).
        rule: the scenario's ratification rule.
    """

    scenario: str
    parties: tuple[str, ...]
    sizes: tuple[int, ...]
    links: tuple[PublicLink, ...]
    rule: RatificationRule

    def valid(self, package: object) -> bool:
        """Whether ``package`` names one option per issue and breaks no linkage."""
        if not isinstance(package, tuple) or len(package) != len(self.sizes):
            return False
        for x, size in zip(package, self.sizes, strict=True):
            if not isinstance(x, int | np.integer) or not 0 <= x < size:
                return False
        return not any(link.broken(package) for link in self.links)

    def valid_mask(self, packages: IntArray) -> BoolArray:
        """``(m,)`` whether each package of a batch breaks no linkage."""
        ok = np.ones(packages.shape[0], dtype=bool)
        for link in self.links:
            ok &= ~link.broken_mask(packages)
        return ok


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
