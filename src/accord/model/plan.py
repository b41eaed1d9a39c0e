"""Plans: a choice of option per point (complete) or for some points (partial)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from accord.model.errors import InvalidPlanError
from accord.model.provenance import ChoiceNote


@dataclass(frozen=True, slots=True)
class Plan:
    """A draft agreement.

    Plans are values: immutable and hashable. A point in neither ``choices`` nor ``open``
    is not mentioned; evaluation settles it with the issue's default option (an assumed
    choice). A point in ``open`` is undecided: it is read as each of its options still on
    the table (see :mod:`accord.analysis.readings`); single-package views use its nominal
    reading (the issue's default when on the table, else the first option listed).

    Attributes:
        id: identifier (unique among a scenario's named plans).
        choices: issue id -> option id.
        title: human-readable name.
        description: what the draft is, in the modeller's words.
        date: ISO date of the draft, if known.
        sources: tags of the facts it rests on.
        no_deal: the disagreement outcome: no agreement, every party gets its
            reservation; ``choices`` must be empty.
        open: issue id -> the options still on the table for an undecided point.
        notes: issue id -> provenance of that point's choice where the file states it
            (a point without a note is reported if chosen, assumed if not mentioned);
            see :func:`accord.model.scenario.Scenario.provenance`.
        revises: id of the earlier draft this one revises ("" for none): the drafts'
            lineage, a tree that reports and the compare page draw by date.
    """

    id: str
    choices: Mapping[str, str]
    title: str = ""
    description: str = ""
    date: str = ""
    sources: tuple[str, ...] = field(default=())
    no_deal: bool = False
    open: Mapping[str, frozenset[str]] = field(default_factory=dict)
    notes: Mapping[str, ChoiceNote] = field(default_factory=dict)
    revises: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "choices", MappingProxyType(dict(self.choices)))
        object.__setattr__(self, "open", MappingProxyType(
            {i: frozenset(opts) for i, opts in self.open.items()}))
        object.__setattr__(self, "notes", MappingProxyType(dict(self.notes)))
        if self.no_deal and (self.choices or self.open or self.revises):
            raise InvalidPlanError(f"plan {self.id!r} is 'no deal' and cannot choose options "
                                   "or revise a draft")
        both = sorted(set(self.choices) & set(self.open))
        if both:
            raise InvalidPlanError(f"plan {self.id!r} both sets and leaves open {both}")
        empty = sorted(i for i, opts in self.open.items() if not opts)
        if empty:
            raise InvalidPlanError(f"plan {self.id!r} leaves {empty} open with no option on "
                                   "the table")

    def _key(self) -> tuple[object, ...]:
        return (self.id, tuple(sorted(self.choices.items())), self.title, self.description,
                self.date, self.sources, self.no_deal,
                tuple(sorted((i, tuple(sorted(o))) for i, o in self.open.items())),
                tuple(sorted(self.notes.items())), self.revises)

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
        state["open"] = dict(self.open)
        state["notes"] = dict(self.notes)
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        object.__setattr__(self, "choices", MappingProxyType(dict(self.choices)))
        object.__setattr__(self, "open", MappingProxyType(dict(self.open)))
        object.__setattr__(self, "notes", MappingProxyType(dict(self.notes)))

    @property
    def name(self) -> str:
        """The title, or the id where there is none."""
        return self.title or self.id

    def with_choice(self, issue: str, option: str, new_id: str | None = None) -> Plan:
        """A copy with one point settled (no longer open; provenance of the others kept)."""
        choices = dict(self.choices)
        choices[issue] = option
        return Plan(new_id or self.id, choices, self.title, self.description, self.date,
                    self.sources, open={i: o for i, o in self.open.items() if i != issue},
                    notes={i: n for i, n in self.notes.items() if i != issue},
                    revises=self.revises)

    def __repr__(self) -> str:
        return f"Plan({self.id!r}, {dict(self.choices)!r})"
