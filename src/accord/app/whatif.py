"""What-if: a scenario with some parties' stated numbers moved within their ranges.

A mediator asks "what if Ukraine cared more about security guarantees, or would walk away
sooner?". :class:`Adjustment` says, for one party, which weights and which reservation to
use instead of the nominal ones, and whether to set its red lines aside; :func:`adjusted`
builds the scenario with those numbers. Only numbers the modeller stated as uncertain may
move, and only inside their stated range, so a what-if never leaves what the scenario
itself calls plausible. :func:`accord.app.api.what_if` evaluates a plan on the result.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field

from accord.model import Scenario, ScenarioError
from accord.model.preferences import Form, Preferences
from accord.model.uncertainty import Param

#: Slack allowed at a range's ends (slider steps are decimal, ranges are floats).
_SLACK = 1e-9


@dataclass(frozen=True)
class Adjustment:
    """One party's what-if numbers.

    Attributes:
        weights: point id -> weight to use instead of the nominal weight (weights form).
        reservation: the reservation to use, or ``None`` to keep the nominal one.
        red_lines: ``False`` to set the party's red lines aside.
    """

    weights: Mapping[str, float] = field(default_factory=dict)
    reservation: float | None = None
    red_lines: bool = True

    @property
    def empty(self) -> bool:
        """Whether the adjustment changes nothing."""
        return not self.weights and self.reservation is None and self.red_lines


def param_range(param: Param) -> tuple[float, float]:
    """The stated range of a number: its distribution's bounds, or its value twice."""
    if param.dist is None:
        return param.value, param.value
    return param.dist.low, param.dist.high


def _moved(param: Param, value: float, where: str) -> Param:
    low, high = param_range(param)
    if not low - _SLACK <= value <= high + _SLACK:
        if low == high:
            raise ScenarioError(f"{value:g} is not the stated value {low:g}; this number "
                                "has no range to move in", where)
        raise ScenarioError(f"{value:g} lies outside the stated range [{low:g}, {high:g}]",
                            where)
    return dataclasses.replace(param, value=min(max(value, low), high))


def _adjust(prefs: Preferences, change: Adjustment) -> Preferences:
    where = f"preferences.{prefs.party}"
    weights = dict(prefs.weights)
    if change.weights and prefs.form is not Form.WEIGHTS:
        raise ScenarioError("this party scores options in points: it has no weights", where)
    for issue, value in change.weights.items():
        if issue not in weights:
            raise ScenarioError(f"no weight on point {issue!r}", f"{where}.weights")
        weights[issue] = _moved(weights[issue], float(value), f"{where}.weights.{issue}")
    if weights and not any(w.value > 0 for w in weights.values()):
        raise ScenarioError("at least one weight must stay positive", f"{where}.weights")
    reservation = prefs.reservation
    if change.reservation is not None:
        reservation = _moved(reservation, float(change.reservation), f"{where}.reservation")
    if not change.red_lines:  # soft ones too: their odds go with them
        return dataclasses.replace(prefs, weights=weights, reservation=reservation,
                                   red_lines=frozenset(), red_line_odds={})
    return dataclasses.replace(prefs, weights=weights, reservation=reservation)


def adjusted(scenario: Scenario, changes: Mapping[str, Adjustment]) -> Scenario:
    """``scenario`` with each named party's numbers replaced as ``changes`` say.

    Returns ``scenario`` itself when nothing changes (so its compiled tables are reused).

    Raises:
        ScenarioError: an unknown party or point, a number outside its stated range, or
            weights asked of a party that scores in points.
    """
    changes = {p: c for p, c in changes.items() if not c.empty}
    if not changes:
        return scenario
    prefs = dict(scenario.preferences)
    for party, change in changes.items():
        scenario.party(party)
        prefs[party] = _adjust(prefs[party], change)
    return dataclasses.replace(scenario, preferences=prefs)
