"""A party's private preferences over packages.

Two ways to write them, both normalised to a utility in ``[0, 1]``:

* ``weights`` form: a weight per point and a value in ``[0, 1]`` per option;
  ``utility = sum_i (w_i / sum(w)) * v_i(option_i) + interaction terms``. Interaction
  terms and the reservation are in utility units. When there are interaction terms the
  utility is clipped into ``[0, 1]`` (a package cannot be better than best or worse than
  worst); without them it lies in ``[0, 1]`` by construction.
* ``scores`` form: raw points per option (a score sheet, as in scoreable negotiation
  games), the reservation and the interaction terms in the same points.
  ``utility = (points - low) / (high - low)`` where ``low``/``high`` are the least and
  most points any package could score (per-point minima/maxima plus the negative/positive
  terms), or ``points / scale`` when an explicit ``scale`` is given. Multiplying every
  score, term and the reservation by the same positive factor changes no utility.

``saturate`` clips the utility into ``[0, 1]`` (GENIUS nonlinear profiles use
``min(1, points / scale)``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from accord.model.constraints import Selector
from accord.model.errors import ScenarioError
from accord.model.uncertainty import Param, fixed


class Form(StrEnum):
    """How a party's preferences are written."""

    WEIGHTS = "weights"
    SCORES = "scores"


@dataclass(frozen=True, slots=True)
class Term:
    """A bonus or penalty paid when every condition holds together.

    A pairwise interaction has two conditions with one option each; a GENIUS
    hyper-rectangle has one condition per constrained issue with a range of options.
    """

    conditions: tuple[Selector, ...]
    value: Param
    rationale: str = ""

    def __post_init__(self) -> None:
        issues = [c.issue for c in self.conditions]
        if not issues:
            raise ScenarioError("an interaction term needs at least one condition")
        if len(set(issues)) != len(issues):
            raise ScenarioError(f"an interaction term names a point twice: {issues}")

    def holds(self, choices: Mapping[str, str]) -> bool:
        """Whether every condition holds for a complete set of choices."""
        return all(choices[c.issue] in c.options for c in self.conditions)


@dataclass(frozen=True, slots=True)
class Commitment:
    """An option whose worth depends on another party keeping its word.

    In the evaluating party's eyes the option is worth
    ``credibility * value + (1 - credibility) * value_if_broken``, where ``value`` is the
    option's ordinary value (or score) and ``value_if_broken`` is in the same units.
    """

    issue: str
    option: str
    promisor: str
    credibility: Param
    value_if_broken: Param
    rationale: str = ""

    def __post_init__(self) -> None:
        dist = self.credibility.dist
        lo, hi = (dist.low, dist.high) if dist else (self.credibility.value,) * 2
        if not (lo >= 0 and hi <= 1):
            raise ScenarioError("a credibility is a probability in [0, 1]")


@dataclass(frozen=True, slots=True)
class RedLineOdds:
    """How likely a soft red line is to hold, and the modeller's reason.

    Nominal analysis treats the red line as holding; robustness draws whether it holds
    (a Bernoulli draw with ``probability``) and reports its effect.
    """

    probability: float
    rationale: str = ""
    sources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not 0.0 <= self.probability <= 1.0:
            raise ScenarioError(
                f"a red line's probability lies in [0, 1], got {self.probability}")


def _freeze(mapping: Mapping[str, Mapping[str, Param]]) -> Mapping[str, Mapping[str, Param]]:
    return MappingProxyType({k: MappingProxyType(dict(v)) for k, v in mapping.items()})


@dataclass(frozen=True, slots=True)
class Preferences:
    """What one party wants (private to that party in a mediation room).

    Attributes:
        party: the party's id.
        form: ``weights`` or ``scores`` (see the module docstring).
        values: issue -> option -> value (``weights`` form, in ``[0, 1]``) or points.
            Points absent from ``values`` are worth nothing to the party.
        weights: issue -> weight (``weights`` form only).
        reservation: walk-away utility (``weights``) or points (``scores``).
        red_lines: (issue, option) pairs the party never accepts (every one, soft or
            certain, holds in nominal analysis).
        red_line_odds: the soft red lines among ``red_lines``: (issue, option) -> how
            likely it is to hold. A red line absent here is certain.
        terms: interaction terms.
        commitments: options whose value depends on a promise.
        scale: explicit normaliser for the ``scores`` form (``None``: use the range).
        saturate: clip utilities into ``[0, 1]``.
        unit: the name of the raw unit, for display.
    """

    party: str
    form: Form
    values: Mapping[str, Mapping[str, Param]]
    weights: Mapping[str, Param] = field(default_factory=dict)
    reservation: Param = field(default_factory=lambda: fixed(0.0))
    red_lines: frozenset[tuple[str, str]] = frozenset()
    terms: tuple[Term, ...] = ()
    commitments: tuple[Commitment, ...] = ()
    scale: Param | None = None
    saturate: bool = False
    unit: str = ""
    red_line_odds: Mapping[tuple[str, str], RedLineOdds] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", _freeze(self.values))
        object.__setattr__(self, "weights", MappingProxyType(dict(self.weights)))
        object.__setattr__(self, "red_line_odds", MappingProxyType(dict(self.red_line_odds)))
        where = f"preferences.{self.party}"
        for (issue, option), odds in self.red_line_odds.items():
            if (issue, option) not in self.red_lines:
                raise ScenarioError(f"{issue}.{option} has odds but is not a red line",
                                    f"{where}.red_lines")
            if not 0.0 <= odds.probability <= 1.0:
                raise ScenarioError("a red line's probability lies in [0, 1]",
                                    f"{where}.red_lines")
        if self.form is Form.WEIGHTS:
            if self.scale is not None:
                raise ScenarioError("scale applies to the scores form only", where)
            for issue, w in self.weights.items():
                low = w.dist.low if w.dist else w.value
                if low < 0:
                    raise ScenarioError("weights must be >= 0", f"{where}.weights.{issue}")
            if not any(w.value > 0 for w in self.weights.values()):
                raise ScenarioError("at least one weight must be positive", f"{where}.weights")
            for issue, options in self.values.items():
                for option, v in options.items():
                    lo, hi = (v.dist.low, v.dist.high) if v.dist else (v.value, v.value)
                    if lo < 0 or hi > 1:
                        raise ScenarioError(
                            f"values in the weights form lie in [0, 1], got {v.value}"
                            + (f" with range [{lo}, {hi}]" if v.dist else ""),
                            f"{where}.values.{issue}.{option}",
                        )
        elif self.weights:
            raise ScenarioError("weights apply to the weights form only", where)
        if self.scale is not None and not self.scale.value > 0:
            raise ScenarioError("scale must be > 0", f"{where}.scale")

    @property
    def clipped(self) -> bool:
        """Whether utilities are clipped into ``[0, 1]`` (explicitly, or by terms)."""
        return self.saturate or (self.form is Form.WEIGHTS and bool(self.terms))

    def rescaled(self, factor: float) -> Preferences:
        """The same preferences with every raw number multiplied by ``factor`` (> 0).

        Only meaningful for the ``scores`` form, whose utilities it leaves unchanged.
        """
        if self.form is not Form.SCORES or not factor > 0:
            raise ScenarioError("only score sheets can be rescaled, by a positive factor")
        values = {i: {o: p.scaled(factor) for o, p in opts.items()}
                  for i, opts in self.values.items()}
        terms = tuple(Term(t.conditions, t.value.scaled(factor), t.rationale) for t in self.terms)
        commitments = tuple(
            Commitment(c.issue, c.option, c.promisor, c.credibility,
                       c.value_if_broken.scaled(factor), c.rationale)
            for c in self.commitments
        )
        return Preferences(
            self.party, self.form, values, {}, self.reservation.scaled(factor), self.red_lines,
            terms, commitments, self.scale.scaled(factor) if self.scale else None,
            self.saturate, self.unit, self.red_line_odds,
        )
