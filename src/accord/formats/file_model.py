"""Pydantic models of the scenario file: the edge where untrusted input is validated.

The JSON Schema that ``accord schema`` prints is generated from these models. They
describe the file's shape only; :mod:`accord.formats.scenario_file` turns a validated
file into the domain model, whose own checks (ids that exist, numbers in range)
complete the validation.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    model_validator,
)

Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$", max_length=80)]
OptionRef = Annotated[
    str,
    StringConstraints(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*\.[A-Za-z0-9][A-Za-z0-9_-]*$", max_length=161
    ),
]
Text = Annotated[str, StringConstraints(max_length=20_000)]


class Strict(BaseModel):
    """Base: unknown keys are errors, so typos do not pass silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ParamSpec(Strict):
    """An uncertain number: nominal ``value``, optional ``range``/``dist``, and the reason."""

    value: float = Field(allow_inf_nan=False)
    range: tuple[float, float] | None = None
    dist: Literal["uniform", "triangular", "normal"] = "uniform"
    sd: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    why: Text = ""
    sources: list[Id] = Field(default_factory=list)

    @model_validator(mode="after")
    def _range_ok(self) -> ParamSpec:
        if self.range is not None:
            lo, hi = self.range
            if not lo <= self.value <= hi:
                raise ValueError(f"value {self.value} lies outside its range [{lo}, {hi}]")
        if self.dist == "normal" and self.sd is None:
            raise ValueError("a normal distribution needs sd")
        if self.dist != "uniform" and self.range is None:
            raise ValueError(f"a {self.dist} distribution needs a range")
        return self


Number = Annotated[float, Field(allow_inf_nan=False)]
ParamIn = Number | ParamSpec


class IssueValues(Strict):
    """The values of one point's options, with defaults shared by all of them."""

    options: dict[Id, ParamIn]
    why: Text = ""
    sources: list[Id] = Field(default_factory=list)
    spread: float | None = Field(default=None, ge=0, allow_inf_nan=False)


def _value_form(data: Any) -> str:
    # A block is recognised by its "options" mapping; anything else is the short form.
    if isinstance(data, dict) and isinstance(data.get("options"), dict):
        return "block"
    if isinstance(data, IssueValues):
        return "block"
    return "short"


IssueValuesIn = Annotated[
    Annotated[IssueValues, Tag("block")] | Annotated[dict[Id, ParamIn], Tag("short")],
    Discriminator(_value_form),
]


class SelectorIn(Strict):
    """A condition on one point: it takes one of ``options``."""

    issue: Id
    options: list[Id] = Field(min_length=1)


class InteractionIn(Strict):
    """A bonus or penalty when every listed condition holds together."""

    when: list[OptionRef | SelectorIn] = Field(min_length=1)
    value: ParamIn
    why: Text = ""


class CommitmentIn(Strict):
    """An option whose worth depends on ``promisor`` keeping its word."""

    option: OptionRef
    promisor: Id
    credibility: ParamIn
    value_if_broken: ParamIn
    why: Text = ""


class RedLineIn(Strict):
    """A soft red line: the party refuses ``option`` with this ``probability``."""

    option: OptionRef
    probability: float = Field(ge=0, le=1, allow_inf_nan=False,
                               description="how likely the red line is to hold, in [0, 1]")
    why: Text = ""
    sources: list[Id] = Field(default_factory=list)


def _red_line_form(data: Any) -> str:
    return "certain" if isinstance(data, str) else "soft"


RedLineEntry = Annotated[
    Annotated[OptionRef, Tag("certain")] | Annotated[RedLineIn, Tag("soft")],
    Discriminator(_red_line_form),
]


class PreferencesIn(Strict):
    """One party's preferences (see the format reference for the two forms)."""

    form: Literal["weights", "scores"] = "weights"
    reservation: ParamIn = 0.0
    weights: dict[Id, ParamIn] = Field(default_factory=dict)
    values: dict[Id, IssueValuesIn] = Field(default_factory=dict)
    red_lines: list[RedLineEntry] = Field(
        default_factory=list,
        description="'point.option' (certain) or {option, probability, why, sources} (soft)")
    interactions: list[InteractionIn] = Field(default_factory=list)
    commitments: list[CommitmentIn] = Field(default_factory=list)
    scale: ParamIn | None = None
    saturate: bool = False
    unit: Text = ""


class OptionIn(Strict):
    """An option of a point (``invented: true`` for the modeller's own, with a ``why``)."""

    id: Id
    label: Text = ""
    description: Text = ""
    invented: bool = False
    why: Text = ""


class IssueIn(Strict):
    """A point of the plan."""

    id: Id
    title: Text
    description: Text = ""
    point: int | None = None
    default: Id | None = None
    options: list[OptionIn] = Field(min_length=1)


class PartyIn(Strict):
    """A negotiating party, or a domestic constituent of one (``constituent_of``)."""

    id: Id
    name: Text = ""
    description: Text = ""
    constituent_of: Id | None = Field(
        default=None,
        description="the party at the table whose acceptance this constituent gates "
                    "(a referendum, parliament, congress, member states); it is then not "
                    "a party at the table")
    consulted_when: list[OptionRef] | None = Field(
        default=None,
        description="constituents only: options (point.option) any one of which in a "
                    "package makes the party consult it; omitted: always consulted")
    why: Text = ""
    sources: list[Id] = Field(default_factory=list)


class ConstraintIn(Strict):
    """A linkage between options of two points."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    id: Id
    kind: Literal["requires", "implies", "excludes"]
    if_: OptionRef | list[OptionRef] = Field(alias="if")
    then: OptionRef | list[OptionRef]
    why: Text = ""


class RatificationIn(Strict):
    """The ratification rule."""

    rule: Literal["unanimity", "k-of-n", "weighted-majority"] = "unanimity"
    k: int | None = None
    veto: list[Id] = Field(default_factory=list)
    weights: dict[Id, float] = Field(default_factory=dict)
    threshold: float | None = None


class ChoiceIn(Strict):
    """One point of a plan in the long form: its option (or ``open``) and provenance.

    ``option: X`` with ``sources`` is a reported choice; with ``assumed: "reason"`` an
    assumed one. ``open: true`` (every option on the table) or ``open: [a, b]`` (those
    options) leaves the point undecided.
    """

    option: Id | None = None
    open: bool | list[Id] | None = None
    assumed: Text | None = None
    why: Text = ""
    sources: list[Id] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_reading(self) -> ChoiceIn:
        is_open = self.open is not None and self.open is not False
        if (self.option is None) == (not is_open):
            raise ValueError("give exactly one of 'option' and 'open'")
        if isinstance(self.open, list) and not self.open:
            raise ValueError("'open' lists no option: give at least one, or 'open: true'")
        if is_open and self.assumed is not None:
            raise ValueError("an open point is not assumed; give its reason as 'why'")
        return self


def _choice_form(data: Any) -> str:
    return "short" if isinstance(data, str) else "long"


ChoiceEntry = Annotated[
    Annotated[Id, Tag("short")] | Annotated[ChoiceIn, Tag("long")],
    Discriminator(_choice_form),
]


class PlanIn(Strict):
    """A named draft."""

    id: Id
    title: Text = ""
    description: Text = ""
    date: str | dt.date = ""
    sources: list[Id] = Field(default_factory=list)
    no_deal: bool = False
    inherits: Id | None = Field(
        default=None, description="points not listed are carried over from this plan")
    silent: Id | None = Field(
        default=None, description="points not listed: 'default', 'open', or an option id")
    revises: Id | None = Field(
        default=None, description="the earlier draft this one revises (the drafts' lineage)")
    choices: dict[Id, ChoiceEntry] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_rule(self) -> PlanIn:
        if self.inherits is not None and self.silent is not None:
            raise ValueError("give at most one carry-over rule: 'inherits' or 'silent'")
        return self


class ScenarioFile(Strict):
    """A whole scenario file."""

    accord: Literal[1] = Field(description="format version")
    id: Id
    title: Text
    description: Text = ""
    sources: dict[Id, Text] = Field(default_factory=dict)
    notes: list[Text] = Field(default_factory=list)
    parties: list[PartyIn] = Field(min_length=1)
    issues: list[IssueIn] = Field(min_length=1)
    preferences: dict[Id, PreferencesIn]
    constraints: list[ConstraintIn] = Field(default_factory=list)
    ratification: RatificationIn = Field(default_factory=RatificationIn)
    plans: list[PlanIn] = Field(default_factory=list)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of scenario files."""
    schema = ScenarioFile.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Accord scenario file"
    return schema
