"""A plain, one-package-at-a-time evaluator: the reference the fast paths are tested against.

Deliberately written from the definitions in :mod:`accord.model.preferences` without
numpy, so that it shares no code with :mod:`accord.analysis.tables`.
"""

from __future__ import annotations

from collections.abc import Mapping

from accord.model import Form, Preferences, Scenario


def _option_value(prefs: Preferences, issue: str, option: str) -> float:
    value = 0.0
    if issue in prefs.values and option in prefs.values[issue]:
        value = prefs.values[issue][option].value
    for c in prefs.commitments:
        if c.issue == issue and c.option == option:
            p = c.credibility.value
            value = p * value + (1 - p) * c.value_if_broken.value
    return value


def _bounds(scenario: Scenario, prefs: Preferences) -> tuple[float, float]:
    if prefs.form is Form.WEIGHTS:
        return 0.0, 1.0
    if prefs.scale is not None:
        return 0.0, prefs.scale.value
    low = high = 0.0
    for issue in scenario.issues:
        vals = [_option_value(prefs, issue.id, o.id) for o in issue.options]
        low += min(vals)
        high += max(vals)
    for term in prefs.terms:
        low += min(term.value.value, 0.0)
        high += max(term.value.value, 0.0)
    return low, (high - low) if high > low else 1.0


def raw_score(scenario: Scenario, party: str, choices: Mapping[str, str]) -> float:
    """A party's score of a complete package in its raw units (before normalisation)."""
    prefs = scenario.preferences[party]
    total = 0.0
    if prefs.form is Form.WEIGHTS:
        weight_sum = sum(max(w.value, 0.0) for w in prefs.weights.values())
        for issue_id, weight in prefs.weights.items():
            share = max(weight.value, 0.0) / weight_sum
            total += share * _option_value(prefs, issue_id, choices[issue_id])
    else:
        for issue in scenario.issues:
            total += _option_value(prefs, issue.id, choices[issue.id])
    for term in prefs.terms:
        if term.holds(choices):
            total += term.value.value
    return total


def utility(scenario: Scenario, party: str, choices: Mapping[str, str]) -> float:
    """A party's normalised utility of a complete package."""
    prefs = scenario.preferences[party]
    low, span = _bounds(scenario, prefs)
    u = (raw_score(scenario, party, choices) - low) / span
    if prefs.clipped:
        u = min(1.0, max(0.0, u))
    return u


def reservation(scenario: Scenario, party: str) -> float:
    """A party's normalised reservation utility."""
    prefs = scenario.preferences[party]
    low, span = _bounds(scenario, prefs)
    return (prefs.reservation.value - low) / span


def admissible(scenario: Scenario, choices: Mapping[str, str]) -> bool:
    """No linkage broken and no red line crossed."""
    if not all(c.holds(dict(choices)) for c in scenario.constraints):
        return False
    return not any(
        (issue, option) in scenario.preferences[p].red_lines
        for p in scenario.party_ids
        for issue, option in choices.items()
    )
