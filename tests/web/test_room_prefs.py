"""The preference sliders of a party's room page: bounds, and writing a form back."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.web.room import Labels
from accord.web.room_prefs import apply_sliders, preference_sliders

LABELS = Labels(points={"a": "1. A", "b": "2. B"},
                options={"a": {"x": "X", "y": "Y"}, "b": {"u": "U", "v": "V"}},
                order=["a", "b"])

number = st.floats(min_value=0, max_value=100, allow_nan=False).map(lambda x: round(x, 2))


@st.composite
def ranged(draw: Any) -> Any:
    """A number as a block writes it: bare, or ``{value, range}`` around the value."""
    value = draw(number)
    if draw(st.booleans()):
        return value
    low = draw(st.floats(min_value=0, max_value=value, allow_nan=False))
    high = draw(st.floats(min_value=value, max_value=200, allow_nan=False))
    return {"value": value, "range": [low, high], "why": "stated"}


@st.composite
def blocks(draw: Any) -> dict[str, Any]:
    form = draw(st.sampled_from(["weights", "scores"]))
    block: dict[str, Any] = {"form": form, "reservation": draw(ranged()),
                             "values": {"a": {"x": draw(ranged()), "y": draw(ranged())},
                                        "b": {"options": {"u": draw(ranged()),
                                                          "v": draw(ranged())},
                                              "why": "nested"}}}
    if form == "weights":
        block["weights"] = {"a": draw(ranged()), "b": draw(ranged())}
    return block


def _value(node: Any) -> float:
    return float(node["value"] if isinstance(node, dict) else node)


@given(blocks())
def test_every_slider_spans_its_value_and_any_stated_range(block: dict[str, Any]) -> None:
    groups = preference_sliders(block, LABELS)
    sliders = [s for g in groups for s in g.sliders]
    assert len(sliders) == 5 + (2 if "weights" in block else 0)
    for s in sliders:
        assert s.low <= s.value <= s.high
    nodes = {"reservation": block["reservation"], "v|a|x": block["values"]["a"]["x"],
             "v|b|u": block["values"]["b"]["options"]["u"]}
    by_field = {s.field: s for s in sliders}
    for field, node in nodes.items():
        s = by_field[field]
        assert s.value == _value(node)
        if isinstance(node, dict):
            assert (s.low, s.high, s.stated) == (node["range"][0], node["range"][1], True)


@given(blocks(), st.data())
def test_a_form_changes_exactly_the_numbers_it_sends(block: dict[str, Any], data: Any) -> None:
    sliders = [s for g in preference_sliders(block, LABELS) for s in g.sliders]
    moved = data.draw(st.sets(st.sampled_from([s.field for s in sliders])))
    form = {s.field: str(s.value + 1 if s.field in moved else s.value) for s in sliders}
    out = apply_sliders(block, {**form, "version": "3"})
    after = {s.field: s.value for g in preference_sliders(out, LABELS) for s in g.sliders}
    for s in sliders:
        assert after[s.field] == pytest.approx(s.value + (1 if s.field in moved else 0))
    # reasons and ranges are kept; the input block is not changed
    assert out["values"]["b"]["why"] == "nested"
    assert apply_sliders(block, {}) == block


def test_a_form_naming_no_number_is_refused() -> None:
    block = {"form": "scores", "reservation": 5, "values": {"a": {"x": 1, "y": 2}}}
    with pytest.raises(ValueError, match="no such option"):
        apply_sliders(block, {"v|a|z": "1"})
    with pytest.raises(ValueError, match="not a number"):
        apply_sliders(block, {"reservation": "lots"})
    with pytest.raises(ValueError, match="finite"):
        apply_sliders(block, {"reservation": "inf"})
    assert apply_sliders(block, {"reservation": "7"})["reservation"] == 7
