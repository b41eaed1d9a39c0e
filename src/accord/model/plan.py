"""Plans: a choice of option per point (complete) or for some points (partial)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from accord.model.errors import InvalidPlanError


@dataclass(frozen=True, slots=True)
class Plan:
    """A draft agreement.

    Plans are values: immutable and hashable. A point missing from ``choices`` is
    open; evaluation settles it with the issue's default option.

    Attributes:
        id: identifier (unique among a scenario's named plans).
        choices: issue id -> option id.
        title: human-readable name.
        description: what the draft is, in the modeller's words.
        date: ISO date of the draft, if known.
        sources: tags of the facts it rests on.
        no_deal: the disagreement outcome: no agreement, every party gets its
            reservation; ``choices`` must be empty.
    """

    id: str
    choices: Mapping[str, str]
    title: str = ""
    description: str = ""
    date: str = ""
    sources: tuple[str, ...] = field(default=())
    no_deal: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "choices", MappingProxyType(dict(self.choices)))
        if self.no_deal and self.choices:
            raise InvalidPlanError(f"plan {self.id!r} is 'no deal' and cannot choose options")

    def _key(self) -> tuple[object, ...]:
        return (self.id, tuple(sorted(self.choices.items())), self.title, self.description,
                self.date, self.sources, self.no_deal)

    def __hash__(self) -> int:
        return hash(self._key())

    def __eq__(self, other: object) -> bool:
        """Equal when every field is equal (choices compared as a mapping)."""
        if not isinstance(other, Plan):
            return NotImplemented
        return self._key() == other._key()

    def __getstate__(self) -> dict[str, object]:
        state = {name: getattr(self, name) for name in self.__slots__}
        state["choices"] = dict(self.choices)
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        object.__setattr__(self, "choices", MappingProxyType(dict(self.choices)))

    @property
    def name(self) -> str:
        """The title, or the id where there is none."""
        return self.title or self.id

    def with_choice(self, issue: str, option: str, new_id: str | None = None) -> Plan:
        """A copy with one point changed."""
        choices = dict(self.choices)
        choices[issue] = option
        return Plan(new_id or self.id, choices, self.title, self.description, self.date,
                    self.sources)

    def __repr__(self) -> str:
        return f"Plan({self.id!r}, {dict(self.choices)!r})"
