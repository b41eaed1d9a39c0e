"""Parties to a negotiation."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Party:
    """A negotiating party (a state, a bloc, a faction).

    Attributes:
        id: short identifier, unique in the scenario (``UA``, ``RU``).
        name: full name.
        description: who they are and what they want, in the modeller's words.
    """

    id: str
    name: str = ""
    description: str = ""

    @property
    def title(self) -> str:
        """The name, or the id where there is none."""
        return self.name or self.id
