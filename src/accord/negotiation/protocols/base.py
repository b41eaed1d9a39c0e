"""What every protocol shares: the session context it drives, its outcome, its interface.

A protocol is a small state machine over packages. It holds only its rules (deadline,
who drafts, the voting rule...) and drives a :class:`Context`: it asks the bound
strategies to act, checks every offer, records every action as an event for those who
witness it and as a trace row (with every party's utility) for the analyst, and returns
an :class:`Outcome`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

import numpy as np

from accord.negotiation.domain import Domain
from accord.negotiation.errors import InvalidOfferError
from accord.negotiation.strategies.base import Strategy
from accord.negotiation.views import Clock, Deadline, Event, Package, PartyView


class Status(StrEnum):
    """How a protocol ended."""

    AGREEMENT = "agreement"
    DEADLINE = "deadline"
    ENDED = "ended"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Outcome:
    """What a protocol produced.

    Attributes:
        status: how it ended.
        agreement: the agreed package (``None`` unless ``status`` is ``agreement``).
        rounds: rounds used (of the main phase).
        time: relative time when it ended (of the main phase).
        signatories: the parties that agreed to the package inside the protocol.
        details: protocol-specific facts (briefing order, the original draft...).
    """

    status: Status
    agreement: Package | None = None
    rounds: int = 0
    time: float = 0.0
    signatories: tuple[str, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"status": self.status.value,
                "agreement": None if self.agreement is None else list(self.agreement),
                "rounds": self.rounds, "time": self.time,
                "signatories": list(self.signatories), "details": self.details}


class Context:
    """A session in progress, as protocols see it.

    Attributes:
        domain: the referee's data (never shown to strategies).
        strategies: the bound strategies, one per party in scenario order.
        views: the parties' views, one per party.
        clock: the phase clock shared by every view.
        rng: the protocol's own generator (the mediator's chance).
        trace: rows for the analyst (``None``: not recorded).
    """

    def __init__(self, domain: Domain, strategies: Sequence[Strategy],
                 views: Sequence[PartyView], clock: Clock, rng: np.random.Generator,
                 trace: list[dict[str, Any]] | None) -> None:
        self.domain = domain
        self.strategies = list(strategies)
        self.views = list(views)
        self.clock = clock
        self.rng = rng
        self.trace = trace
        self.public = views[0].public if views else domain.public()
        self._seq = 0
        self._valid: set[Package] = set()

    def log(self, party: int | None, action: str, package: Package | None,
            audience: Sequence[int]) -> None:
        """Record an action: an event for each witness, a trace row for the analyst."""
        clock = self.clock
        who = "" if party is None else self.domain.parties[party]
        event = Event(self._seq, clock.phase, clock.round, clock.time, who, action, package)
        self._seq += 1
        for p in audience:
            self.views[p].witness(event)
        if self.trace is not None:
            self.trace.append({
                "seq": event.seq, "phase": event.phase, "round": event.round,
                "time": round(event.time, 12), "party": who, "action": action,
                "package": None if package is None else list(package),
                "utilities": None if package is None else list(self.domain.utilities(package)),
            })

    def offer(self, party: int, audience: Sequence[int], action: str = "offer") -> Package:
        """Ask ``party`` for a package, check it, record it."""
        package = self.strategies[party].propose()
        if package not in self._valid:
            if not self.public.valid(package):
                raise InvalidOfferError(
                    f"{self.strategies[party].spec} ({self.domain.parties[party]}) offered "
                    f"{package!r}: not one valid option per point, or a linkage is broken")
            package = tuple(int(x) for x in package)
            self._valid.add(package)
        self.log(party, action, package, audience)
        return package


class Protocol:
    """Base class of protocols.

    Subclasses set :attr:`name`, return their constructor arguments from :attr:`params`
    and implement :meth:`run`.
    """

    #: The registry name.
    name: ClassVar[str] = "protocol"

    def __init__(self, deadline: Deadline | None = None) -> None:
        self.deadline = deadline or Deadline()

    @property
    def params(self) -> dict[str, Any]:
        """The constructor arguments, JSON-ready (the deadline flattened)."""
        return {"rounds": self.deadline.rounds, "seconds": self.deadline.seconds}

    @property
    def spec(self) -> str:
        """``name:key=value,...`` (parsed back by :func:`make_protocol`)."""
        items = [f"{k}={_fmt(v)}" for k, v in self.params.items() if v is not None]
        return self.name + (":" + ",".join(items) if items else "")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.spec!r})"

    def run(self, ctx: Context, parties: Sequence[int], phase: str = "negotiation"
            ) -> Outcome:
        """Run among ``parties`` (party positions, in turn order)."""
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"name": self.name, "spec": self.spec, **self.params}


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, tuple | list):
        return "+".join(str(v) for v in value)
    return str(value)


def deadline_of(rounds: int | None = 100, seconds: float | None = None) -> Deadline:
    """A :class:`Deadline` from the flattened parameters."""
    return Deadline(rounds=rounds, seconds=seconds)
