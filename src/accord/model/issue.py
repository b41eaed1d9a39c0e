"""Issues (the points of a plan) and their options."""

from __future__ import annotations

from dataclasses import dataclass

from accord.model.errors import ScenarioError, UnknownIdError


@dataclass(frozen=True, slots=True)
class Option:
    """One way a point can be settled.

    Attributes:
        id: short identifier, unique within its issue.
        label: a human-readable name.
        description: what the option means, in the modeller's words.
        invented: the modeller's own option, proposed by no party or text (a compromise
            or a reading); results that rely on it say so.
        why: why an invented option is on the table.
    """

    id: str
    label: str = ""
    description: str = ""
    invented: bool = False
    why: str = ""

    @property
    def title(self) -> str:
        """The label, or the id where there is none."""
        return self.label or self.id


@dataclass(frozen=True, slots=True)
class Issue:
    """A point of a plan: a choice among options.

    Attributes:
        id: identifier, unique in the scenario.
        title: short human-readable name.
        options: the alternatives, at least one.
        description: what is at stake.
        point: the number of this point in a reference text (e.g. the 28-point draft).
        default: the option a partial plan takes when it leaves this point open
            (typically "point absent" or the status quo); ``None`` if the point must be set.
    """

    id: str
    title: str
    options: tuple[Option, ...]
    description: str = ""
    point: int | None = None
    default: str | None = None

    def __post_init__(self) -> None:
        if not self.options:
            raise ScenarioError("an issue needs at least one option", f"issues.{self.id}")
        ids = [o.id for o in self.options]
        if len(set(ids)) != len(ids):
            dup = sorted({i for i in ids if ids.count(i) > 1})
            raise ScenarioError(f"duplicate option ids {dup}", f"issues.{self.id}")
        if self.default is not None and self.default not in ids:
            raise UnknownIdError(
                f"default {self.default!r} is not one of its options {ids}",
                f"issues.{self.id}.default",
            )

    def index(self, option_id: str) -> int:
        """Position of ``option_id`` among the options."""
        for k, option in enumerate(self.options):
            if option.id == option_id:
                return k
        raise UnknownIdError(
            f"issue {self.id!r} has no option {option_id!r} "
            f"(options: {', '.join(o.id for o in self.options)})",
            f"issues.{self.id}",
        )

    def option(self, option_id: str) -> Option:
        """The option called ``option_id``."""
        return self.options[self.index(option_id)]

    @property
    def size(self) -> int:
        """Number of options."""
        return len(self.options)
