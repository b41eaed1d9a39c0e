"""Where each choice of a named plan comes from: reported, assumed, or still open.

A draft rarely settles every point. What the model does with the rest is a modelling
choice an analyst must be able to defend, so every point of a named plan carries a
:class:`ChoiceNote`: the text **reports** it (with source tags), the modeller **assumes**
it (with the rule or reason, e.g. "carried over from us-28-point"), or it is **open**
(bracketed, not decided; evaluated over the options still on the table).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    """How a plan's choice on one point is known."""

    REPORTED = "reported"
    ASSUMED = "assumed"
    OPEN = "open"


@dataclass(frozen=True, slots=True)
class ChoiceNote:
    """The provenance of one choice.

    Attributes:
        status: reported, assumed or open.
        why: the rule or reason (required in spirit for an assumed choice).
        sources: source tags the choice rests on.
    """

    status: Status
    why: str = ""
    sources: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {"status": self.status.value, "why": self.why, "sources": list(self.sources)}
