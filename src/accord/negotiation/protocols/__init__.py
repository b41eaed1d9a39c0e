"""Negotiation protocols, each a small documented state machine over packages."""

from __future__ import annotations

from typing import Any

from accord.negotiation.errors import SpecError
from accord.negotiation.protocols.alternating import AlternatingOffers, StackedAlternatingOffers
from accord.negotiation.protocols.backchannel import Backchannel
from accord.negotiation.protocols.base import Context, Outcome, Protocol, Status
from accord.negotiation.protocols.single_text import SingleNegotiatingText
from accord.negotiation.protocols.vote import ProposalVote
from accord.negotiation.strategies.registry import parse_spec
from accord.negotiation.views import Deadline

#: Protocols by name.
PROTOCOLS: dict[str, type[Protocol]] = {
    cls.name: cls for cls in (AlternatingOffers, StackedAlternatingOffers,
                              SingleNegotiatingText, ProposalVote, Backchannel)
}


def protocol_names() -> list[str]:
    """Protocol names, sorted."""
    return sorted(PROTOCOLS)


def _ids(value: Any) -> list[str]:
    return [v for v in str(value).replace(",", "+").split("+") if v]


def make_protocol(spec: str | Protocol) -> Protocol:
    """A protocol from its text form ``name:key=value,...`` (or the protocol itself).

    Keys: ``rounds``, ``seconds`` (every protocol); for ``backchannel`` also
    ``drafters=US+RU``, ``briefing_rounds``, ``inner`` (the drafting protocol's name) and
    ``order=UA+EU``; for ``single-text`` also ``tries``.
    """
    if isinstance(spec, Protocol):
        return spec
    name, kw = parse_spec(spec)
    if name not in PROTOCOLS:
        raise SpecError(f"no protocol {name!r} (protocols: {', '.join(protocol_names())})")
    try:
        default_rounds = 200 if name == "single-text" else 100
        rounds = kw.pop("rounds", None)
        seconds = kw.pop("seconds", None)
        if rounds is None and seconds is None:
            rounds = default_rounds
        deadline = Deadline(rounds=None if rounds is None else int(rounds),
                            seconds=None if seconds is None else float(seconds))
        if name == "backchannel":
            inner = PROTOCOLS[str(kw.pop("inner", "saop"))](deadline)
            order = kw.pop("order", None)
            return Backchannel(_ids(kw.pop("drafters", "")), inner,
                               int(kw.pop("briefing_rounds", 3)),
                               None if order is None else _ids(order), **kw)
        return PROTOCOLS[name](deadline, **kw)
    except (TypeError, ValueError, KeyError) as exc:
        raise SpecError(f"bad protocol {spec!r}: {exc}") from None


__all__ = [
    "PROTOCOLS",
    "AlternatingOffers",
    "Backchannel",
    "Context",
    "Deadline",
    "Outcome",
    "ProposalVote",
    "Protocol",
    "SingleNegotiatingText",
    "StackedAlternatingOffers",
    "Status",
    "make_protocol",
    "protocol_names",
]
