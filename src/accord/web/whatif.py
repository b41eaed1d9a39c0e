"""The plan editor's what-if controls: sliders for the parties' stated numbers.

The editor's query string carries a moved weight as ``w.<party>.<point>=<value>``, a moved
reservation as ``r.<party>=<value>`` and ``rl.<party>=off`` to set a party's red lines
aside. :func:`adjustments_from_query` reads them into
:class:`~accord.app.whatif.Adjustment` objects for :func:`accord.app.api.what_if`;
:func:`controls` lists the sliders the page draws, each within its stated range. No
utility is computed here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from accord.app.whatif import Adjustment, param_range
from accord.model import InvalidPlanError, Scenario
from accord.model.preferences import Form

WEIGHT, RESERVATION, RED_LINES = "w.", "r.", "rl."
#: A slider value this close to the nominal one counts as not moved.
_SAME = 1e-9


@dataclass(frozen=True)
class Slider:
    """One number a slider moves.

    Attributes:
        name: the query parameter (``w.UA.nato``, ``r.UA``).
        label: what it is, in words.
        nominal: the scenario's value.
        low: the stated range's lower end.
        high: the stated range's upper end.
        value: the value the page shows (moved or nominal).
    """

    name: str
    label: str
    nominal: float
    low: float
    high: float
    value: float

    @property
    def moved(self) -> bool:
        """Whether the value differs from the nominal one."""
        return abs(self.value - self.nominal) > _SAME


@dataclass(frozen=True)
class PartyControls:
    """One party's what-if controls."""

    party: str
    name: str
    reservation: Slider | None
    weights: list[Slider]
    red_lines: list[str]
    red_lines_off: bool
    fixed: int

    @property
    def moved(self) -> bool:
        """Whether any control of this party is away from the scenario's value."""
        return (self.red_lines_off or any(s.moved for s in self.weights)
                or bool(self.reservation and self.reservation.moved))


def _number(text: str, name: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InvalidPlanError(f"{name}: {text!r} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise InvalidPlanError(f"{name}: {text!r} is not a finite number")
    return value


def adjustments_from_query(scenario: Scenario, query: Mapping[str, str]
                           ) -> dict[str, Adjustment]:
    """The what-if adjustments a query string asks for (values at the nominal are dropped).

    Raises:
        InvalidPlanError: a value that is not a number, or a red-line switch other than
            ``off``.
        ScenarioError: an unknown party or point (ranges are checked by the app layer).
    """
    weights: dict[str, dict[str, float]] = {}
    reservations: dict[str, float] = {}
    off: set[str] = set()
    for key, text in query.items():
        if key.startswith(WEIGHT):
            party, _, issue = key[len(WEIGHT):].partition(".")
            prefs = scenario.preferences.get(party)
            if prefs is None:
                scenario.party(party)  # raises: unknown party
                continue
            value = _number(text, key)
            nominal = prefs.weights[issue].value if issue in prefs.weights else None
            if nominal is None or abs(value - nominal) > _SAME:
                weights.setdefault(party, {})[issue] = value
        elif key.startswith(RESERVATION):
            party = key[len(RESERVATION):]
            scenario.party(party)
            value = _number(text, key)
            if abs(value - scenario.preferences[party].reservation.value) > _SAME:
                reservations[party] = value
        elif key.startswith(RED_LINES):
            party = key[len(RED_LINES):]
            scenario.party(party)
            if text != "off":
                raise InvalidPlanError(f"{key}: say 'off' to set the red lines aside")
            off.add(party)
    return {p: Adjustment(weights.get(p, {}), reservations.get(p), p not in off)
            for p in sorted(set(weights) | set(reservations) | off)}


def controls(scenario: Scenario, changes: Mapping[str, Adjustment], point_label: Mapping[str, str]
             ) -> list[PartyControls]:
    """The sliders and switches of every party, showing ``changes`` where they apply.

    Only numbers with a stated range get a slider; ``fixed`` counts the others.
    """
    out = []
    for party in scenario.parties:
        prefs = scenario.preferences[party.id]
        change = changes.get(party.id, Adjustment())
        sliders = []
        fixed = 0
        if prefs.form is Form.WEIGHTS:
            for issue in scenario.issues:
                param = prefs.weights.get(issue.id)
                if param is None:
                    continue
                low, high = param_range(param)
                if low == high:
                    fixed += 1
                    continue
                sliders.append(Slider(f"{WEIGHT}{party.id}.{issue.id}",
                                      f"weight of {point_label[issue.id]}", param.value, low,
                                      high, change.weights.get(issue.id, param.value)))
        low, high = param_range(prefs.reservation)
        reservation = None
        if low < high:
            value = prefs.reservation.value if change.reservation is None else change.reservation
            reservation = Slider(f"{RESERVATION}{party.id}", "reservation (walk-away utility)"
                                 if prefs.form is Form.WEIGHTS else
                                 f"reservation ({prefs.unit or 'points'})",
                                 prefs.reservation.value, low, high, value)
        else:
            fixed += 1
        reds = sorted(f"{point_label[i]}: {scenario.issue(i).option(o).title}"
                      for i, o in prefs.red_lines)
        out.append(PartyControls(party.id, party.title, reservation, sliders, reds,
                                 not change.red_lines, fixed))
    return out
