"""Scenario-wide linkages between options of different points."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from accord.model.errors import ScenarioError


class LinkKind(StrEnum):
    """How two sets of options are linked.

    ``requires`` and ``implies`` mean the same thing (if the first holds, the second
    must hold); both names are accepted because drafters use both. ``excludes``
    forbids the two from holding together.
    """

    REQUIRES = "requires"
    IMPLIES = "implies"
    EXCLUDES = "excludes"


@dataclass(frozen=True, slots=True)
class Selector:
    """A condition "point ``issue`` is settled with one of ``options``"."""

    issue: str
    options: frozenset[str]

    def __str__(self) -> str:
        return f"{self.issue} in {{{', '.join(sorted(self.options))}}}"


@dataclass(frozen=True, slots=True)
class Constraint:
    """A linkage: ``if_ requires then`` or ``if_ excludes then``.

    Attributes:
        id: identifier, unique in the scenario.
        kind: the kind of linkage.
        if_: the triggering condition.
        then: the required (or excluded) condition.
        rationale: why the linkage exists.
    """

    id: str
    kind: LinkKind
    if_: Selector
    then: Selector
    rationale: str = ""

    def __post_init__(self) -> None:
        if self.if_.issue == self.then.issue:
            raise ScenarioError(
                "a linkage must connect two different points", f"constraints.{self.id}"
            )
        if not self.if_.options or not self.then.options:
            raise ScenarioError("a linkage needs options on both sides", f"constraints.{self.id}")

    def holds(self, choices: dict[str, str]) -> bool:
        """Whether a complete set of choices satisfies the linkage."""
        first = choices[self.if_.issue] in self.if_.options
        second = choices[self.then.issue] in self.then.options
        if self.kind is LinkKind.EXCLUDES:
            return not (first and second)
        return (not first) or second

    def describe(self) -> str:
        """One line in plain words."""
        return f"{self.if_} {self.kind.value} {self.then}"
