"""What-if evaluation: parties' weights, reservations and red lines moved within their ranges."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.app import api
from accord.app.whatif import Adjustment, adjusted, param_range
from accord.model import Plan, ScenarioError

S = api.load("ukraine-2025")
PLAN = "us-28-point"
#: The US has neither interaction terms nor commitments: its utility is a plain weighted sum.
US = S.preferences["US"]


def _weighted_sum(weights: dict[str, float], choices: dict[str, str]) -> float:
    """The weights-form utility written out by hand (no terms, no commitments)."""
    total = sum(weights.values())
    return sum(w / total * (US.values.get(i, {}).get(choices[i]).value  # type: ignore[union-attr]
                            if choices[i] in US.values.get(i, {}) else 0.0)
               for i, w in weights.items())


def test_no_change_is_the_plain_evaluation() -> None:
    assert adjusted(S, {}) is S
    assert adjusted(S, {"UA": Adjustment()}) is S
    plain = api.evaluate(S, PLAN, dominance=False).plans[0]
    same = api.what_if(S, PLAN, {}, dominance=False).plans[0]
    assert [o.utility for o in same.parties] == [o.utility for o in plain.parties]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=len(US.weights), max_size=len(US.weights)))
def test_moved_weights_match_the_weighted_sum(shares: list[float]) -> None:
    weights = {}
    for (issue, param), share in zip(US.weights.items(), shares, strict=True):
        low, high = param_range(param)
        weights[issue] = low + share * (high - low)
    e = api.what_if(S, PLAN, {"US": Adjustment(weights)}, dominance=False).plans[0]
    assert e.outcome("US").utility == pytest.approx(_weighted_sum(weights, e.choices), abs=1e-9)
    # the other parties are untouched
    plain = api.evaluate(S, PLAN, dominance=False).plans[0]
    for p in ("UA", "RU", "EU"):
        assert e.outcome(p).utility == pytest.approx(plain.outcome(p).utility, abs=1e-12)


def test_reservation_moves_the_margin_and_acceptance() -> None:
    low, high = param_range(S.preferences["RU"].reservation)
    plain = api.evaluate(S, PLAN, dominance=False).plans[0].outcome("RU")
    for r in (low, high):
        o = api.what_if(S, PLAN, {"RU": Adjustment(reservation=r)}, dominance=False
                        ).plans[0].outcome("RU")
        assert o.utility == pytest.approx(plain.utility)
        assert o.reservation == pytest.approx(r)
        assert o.margin == pytest.approx(plain.utility - r)


def test_red_lines_set_aside() -> None:
    plain = api.evaluate(S, PLAN, dominance=False).plans[0]
    crossed = [o.party for o in plain.parties if o.red_lines_hit]
    assert crossed, "the 28-point draft crosses someone's red line"
    changes = {p: Adjustment(red_lines=False) for p in crossed}
    e = api.what_if(S, PLAN, changes, dominance=False).plans[0]
    for p in crossed:
        o = e.outcome(p)
        assert not o.red_lines_hit
        assert o.acceptable == (o.utility >= o.reservation - 1e-9)


@pytest.mark.parametrize(("change", "says"), [
    (Adjustment(reservation=0.99), "outside the stated range"),
    (Adjustment(weights={"nope": 0.1}), "no weight on point 'nope'"),
])
def test_out_of_range_is_refused(change: Adjustment, says: str) -> None:
    with pytest.raises(ScenarioError, match=says):
        api.what_if(S, PLAN, {"UA": change})
    with pytest.raises(ScenarioError):
        api.what_if(S, PLAN, {"XX": Adjustment(reservation=0.5)})


def test_soft_red_lines_are_set_aside_with_the_certain_ones() -> None:
    soft = S.preferences["RU"].red_line_odds
    assert soft, "Russia's withdrawal condition is a soft red line"
    (issue, option), _ = next(iter(soft.items()))
    plan = Plan("freeze", {**S.complete(S.plan(PLAN)), issue: option})
    (plain,) = api.evaluate(S, plan, dominance=False).plans
    assert f"{issue}.{option}" in plain.outcome("RU").red_lines_hit
    (moved,) = api.what_if(S, plan, {"RU": Adjustment(red_lines=False)},
                           dominance=False).plans
    assert not moved.outcome("RU").red_lines_hit
