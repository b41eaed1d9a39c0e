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


@dataclass(frozen=True, slots=True)
class Constituent:
    """A domestic veto player inside a party: a referendum, a parliament, member states.

    A constituent is not at the table: it counts in no welfare, product or vote. It only
    constrains its party's acceptance: when it is *consulted* on a package, the party
    accepts only if the constituent accepts too (its utility reaches its reservation and
    the package crosses none of its red lines). Its preferences sit in the scenario's
    preferences under its own id.

    Attributes:
        id: short identifier, unique among parties and constituents.
        parent: the party at the table whose acceptance it gates.
        name: full name.
        consulted_when: ``(point, option)`` pairs of which any one in a package makes the
            party consult the constituent; empty: consulted on every package.
        description: who they are, in the modeller's words.
        why: why the modeller gives them a veto.
        sources: source tags backing that.
    """

    id: str
    parent: str
    name: str = ""
    consulted_when: frozenset[tuple[str, str]] = frozenset()
    description: str = ""
    why: str = ""
    sources: tuple[str, ...] = ()

    @property
    def always(self) -> bool:
        """Whether the constituent is consulted on every package."""
        return not self.consulted_when

    @property
    def title(self) -> str:
        """The name, or the id where there is none."""
        return self.name or self.id

    @property
    def label(self) -> str:
        """``PARENT/ID``, the name evaluations give it (``UA/UA-voters``)."""
        return f"{self.parent}/{self.id}"
