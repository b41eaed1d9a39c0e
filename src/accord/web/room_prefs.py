"""A party's own preferences as sliders on its room page, and the block a slider form yields.

Each number a party may tune (a point's weight, an option's value, the reservation) gets a
slider. Where the preferences block states a range for the number (``{value, range}``),
the slider spans exactly that range; otherwise it spans the scale of the block's form: 0
to 1 in the weights form (values, reservation; a weight up to the largest weight), and
in the scores form 0 to the largest value (options) or the largest attainable total (the
reservation). A slider always reaches the number's current value.

Saving writes the slider positions back into a copy of the block the party last read,
keeping every other field (reasons, ranges, red lines, interactions) as it was; the
service checks the result exactly as it checks a block sent to its API.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

_FIELD_SEP = "|"


class LabelSource(Protocol):
    """What the sliders need of a scenario's labels (see :class:`accord.web.room.Labels`)."""

    points: dict[str, str]
    options: dict[str, dict[str, str]]
    order: list[str]


@dataclass(frozen=True)
class Slider:
    """One tunable number: its form field, label, value and bounds."""

    field: str
    label: str
    value: float
    low: float
    high: float
    step: float
    stated: bool  # the bounds are the range the block states

    @property
    def dom_id(self) -> str:
        """An HTML id for the slider."""
        return "pref-" + "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in self.field)


@dataclass(frozen=True)
class SliderGroup:
    """The sliders of one point (its weight, then its options), or of the reservation."""

    title: str
    sliders: list[Slider]


def _number(node: Any) -> tuple[float | None, tuple[float, float] | None]:
    if isinstance(node, bool):
        return None, None
    if isinstance(node, int | float):
        return float(node), None
    if isinstance(node, Mapping) and isinstance(node.get("value"), int | float):
        rng = node.get("range")
        bounds = (float(rng[0]), float(rng[1])) if isinstance(rng, list | tuple) and len(rng) == 2 \
            else None
        return float(node["value"]), bounds
    return None, None


def _options(values: Mapping[str, Any], iid: str) -> Mapping[str, Any]:
    raw = values.get(iid) or {}
    if isinstance(raw, Mapping) and isinstance(raw.get("options"), Mapping):
        return raw["options"]  # type: ignore[no-any-return]
    return raw if isinstance(raw, Mapping) else {}


def _slider(field: str, label: str, node: Any, low: float, high: float, step: float
            ) -> Slider | None:
    value, stated = _number(node)
    if value is None:
        return None
    if stated is not None:
        return Slider(field, label, value, stated[0], stated[1], step, True)
    return Slider(field, label, value, min(low, value), max(high, value), step, False)


def preference_sliders(block: Mapping[str, Any], labels: LabelSource) -> list[SliderGroup]:
    """The sliders of a party's preferences block, point by point, then the reservation."""
    scores = block.get("form", "weights") == "scores"
    weights = block.get("weights") or {}
    values = block.get("values") or {}
    option_values = [v for iid in labels.order for v in
                     (_number(x)[0] for x in _options(values, iid).values()) if v is not None]
    top = max(option_values, default=1.0)
    weight_top = max((w for w in (_number(x)[0] for x in weights.values()) if w is not None),
                     default=1.0)
    step = 1.0 if scores and all(float(v).is_integer() for v in option_values) else 0.01
    groups = []
    for iid in labels.order:
        sliders = []
        if iid in weights:
            s = _slider(f"w{_FIELD_SEP}{iid}", "Weight", weights[iid], 0.0,
                        max(1.0, weight_top), 0.01)
            if s is not None:
                sliders.append(s)
        opts = _options(values, iid)
        for oid, label in labels.options.get(iid, {}).items():
            if oid in opts:
                s = _slider(f"v{_FIELD_SEP}{iid}{_FIELD_SEP}{oid}", label, opts[oid], 0.0,
                            top if scores else 1.0, step)
                if s is not None:
                    sliders.append(s)
        if sliders:
            groups.append(SliderGroup(labels.points.get(iid, iid), sliders))
    best_total = sum(max((v for v in (_number(x)[0] for x in _options(values, iid).values())
                          if v is not None), default=0.0) for iid in labels.order)
    res = _slider("reservation", "Reservation (walk-away)", block.get("reservation", 0.0), 0.0,
                  best_total if scores else 1.0, step if scores else 0.01)
    if res is not None:
        groups.append(SliderGroup("Your reservation", [res]))
    return groups


def _put(node: Any, x: float | int) -> Any:
    if isinstance(node, Mapping):
        return {**node, "value": x}
    return x


def apply_sliders(block: Mapping[str, Any], form: Mapping[str, str]) -> dict[str, Any]:
    """A copy of ``block`` with the numbers a slider form sent.

    Raises:
        ValueError: a field names no number of the block, or is not a finite number.
    """
    out: dict[str, Any] = copy.deepcopy(dict(block))
    for field, text in form.items():
        if not (field == "reservation" or field.startswith(("w" + _FIELD_SEP, "v" + _FIELD_SEP))):
            continue
        try:
            x = float(text)
        except ValueError:
            raise ValueError(f"{field}: {text!r} is not a number") from None
        if not math.isfinite(x):
            raise ValueError(f"{field}: must be a finite number")
        num: float | int = int(x) if x.is_integer() else x
        parts = field.split(_FIELD_SEP)
        if parts[0] == "reservation":
            out["reservation"] = _put(out.get("reservation", 0.0), num)
        elif parts[0] == "w" and len(parts) == 2 and parts[1] in (out.get("weights") or {}):
            out["weights"][parts[1]] = _put(out["weights"][parts[1]], num)
        elif parts[0] == "v" and len(parts) == 3:
            raw = (out.get("values") or {}).get(parts[1])
            opts = raw.get("options") if isinstance(raw, dict) and isinstance(
                raw.get("options"), dict) else raw
            if not isinstance(opts, dict) or parts[2] not in opts:
                raise ValueError(f"{field}: the preferences have no such option")
            opts[parts[2]] = _put(opts[parts[2]], num)
        else:
            raise ValueError(f"{field}: the preferences have no such number")
    return out
