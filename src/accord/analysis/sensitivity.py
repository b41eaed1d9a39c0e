"""Sensitivity: which single assumptions, moved within their stated ranges, flip a draft.

For each party and one plan: every uncertain number of that party's preferences
(reservation, weights, option values, commitment credibilities and values if broken,
interaction terms, scale) is moved alone across its stated range, and every red line the
plan crosses is dropped alone. A *flip* is a change that turns the party's acceptance of
the plan around; it is reported with the value just across the boundary.

Method, per number: evaluate the party's margin at a grid of :data:`GRID` points over the
range (all numbers of a party in one batch of tables); walking outward from the nominal
value on each side, the first grid point where acceptance differs brackets the boundary,
which bisection narrows to a width of ``1e-12`` of the range. A party's acceptance is
monotone in each single number (utility is linear in a value, a credibility, a term or
the reservation, a ratio of linear functions in a weight, and normalisation by a score
sheet's range divides both utility and reservation), so the grid cannot miss a flip. The
reported value is the boundary rounded outward to about 1e-4 of the range (or, when that
rounding does not flip, the bisection's outer end), checked once more by evaluating the
tables built with it.

A red line can flip a refusing party only when it is the one red line the plan crosses
and the plan reaches the party's reservation. Its ``from``/``to`` are ``true``/``false``
(holds / dropped).

Flips are ranked by relative change: ``|to - from| / |from|`` (``/ (high - low)`` when
``from`` is 0); a dropped red line counts as 1.

The plan is evaluated at its nominal reading (an open point takes its default), as
``accord evaluate`` does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from accord.analysis.tables import ParameterSpace
from accord.model import EPS, InvalidPlanError, Param, Plan, Scenario, ScenarioError

#: Grid points scanned over each range.
GRID = 33
#: Bisection steps (the bracket shrinks to 2**-50 of a grid cell).
_STEPS = 50
#: Bars per party in the tornado.
TORNADO_BARS = 8

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Flip:
    """One assumption whose change flips a party's acceptance."""

    parameter: str
    label: str
    start: float | bool
    to: float | bool
    relative: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"parameter": self.parameter, "from": self.start, "to": self.to}


@dataclass(frozen=True)
class TornadoBar:
    """A party's margin (utility - reservation) at both ends of one number's range."""

    parameter: str
    label: str
    low: float
    high: float
    margin_low: float
    margin_high: float

    @property
    def swing(self) -> float:
        """How far the margin moves across the range."""
        return abs(self.margin_high - self.margin_low)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"parameter": self.parameter, "label": self.label, "low": self.low,
                "high": self.high, "margin_low": self.margin_low,
                "margin_high": self.margin_high}


@dataclass(frozen=True)
class PartySensitivity:
    """What flips one party's acceptance of a plan."""

    party: str
    accepts: bool
    margin: float
    flips: tuple[Flip, ...]
    tornado: tuple[TornadoBar, ...]

    @property
    def to_accept(self) -> Flip | None:
        """The smallest single change that makes a refusing party accept.

        ``None`` if the party accepts already or no single change within the ranges does.
        """
        return None if self.accepts or not self.flips else self.flips[0]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"accepts": self.accepts, "margin": self.margin,
                "flips": [f.to_dict() for f in self.flips]}


@dataclass(frozen=True)
class Sensitivity:
    """What flips each party's acceptance of one plan."""

    plan: str
    parties: tuple[PartySensitivity, ...]

    def party(self, party: str) -> PartySensitivity:
        """The sensitivity of ``party``."""
        return next(p for p in self.parties if p.party == party)

    def to_dict(self) -> dict[str, Any]:
        """JSON form (``accord sensitivity --json``)."""
        return {"plan": self.plan, "parties": {p.party: p.to_dict() for p in self.parties}}


def _relative(start: float, to: float, low: float, high: float) -> float:
    return abs(to - start) / (abs(start) if start != 0 else (high - low))


def _outward(boundary: float, start: float, low: float, high: float) -> float | None:
    """``boundary`` rounded away from ``start`` to about 1e-4 of the range."""
    decimals = max(0, -math.floor(math.log10((high - low) * 1e-4)))
    scale = 10.0 ** decimals
    value = (math.floor(boundary * scale) if boundary < start
             else math.ceil(boundary * scale)) / scale
    value = round(value, decimals)
    return value if low <= value <= high else None


class _Party:
    """Margins of one party on one package as its numbers move (batched)."""

    def __init__(self, space: ParameterSpace, package: NDArray[np.int64], party: int) -> None:
        self.space = space
        self.package = package[None, :]
        self.party = party

    def margins(self, theta: FloatArray) -> FloatArray:
        """The party's margin under each row of ``theta``."""
        out = np.empty(theta.shape[0])
        step = 4096
        for start in range(0, theta.shape[0], step):
            tables = self.space.build(theta[start:start + step])
            u = tables.utilities_all_draws(self.package)[:, 0, self.party]
            out[start:start + step] = u - tables.reservation[:, self.party]
        return out

    def rows(self, columns: list[int], values: FloatArray) -> FloatArray:
        """Nominal parameter vectors with ``columns[k]`` set to ``values[k, :]`` ``(K*G, n)``."""
        n = values.shape[1]
        theta = np.repeat(self.space.nominal[None, :], len(columns) * n, axis=0)
        for k, col in enumerate(columns):
            theta[k * n:(k + 1) * n, col] = values[k]
        return theta


def _numeric(space: ParameterSpace, part: _Party, pid: str, accepts: bool
             ) -> tuple[list[Flip], list[TornadoBar]]:
    columns = [k for k in space.uncertain if space.refs[k].party == pid]
    if not columns:
        return [], []
    lows = np.array([_dist(space, k)[0] for k in columns])
    highs = np.array([_dist(space, k)[1] for k in columns])
    grid = lows[:, None] + (highs - lows)[:, None] * np.linspace(0.0, 1.0, GRID)[None, :]
    margins = part.margins(part.rows(columns, grid)).reshape(len(columns), GRID)
    tornado = [TornadoBar(space.refs[c].path, space.refs[c].label, float(lows[k]),
                          float(highs[k]), float(margins[k, 0]), float(margins[k, -1]))
               for k, c in enumerate(columns)]
    tornado.sort(key=lambda b: -b.swing)
    # Brackets [inside, across] of each boundary nearest the nominal value, per side.
    brackets: list[tuple[int, float, float]] = []
    for k, col in enumerate(columns):
        start = float(space.nominal[col])
        flips_at = (margins[k] >= -EPS) != accepts
        for side in (-1, 1):
            order = [g for g in np.argsort(np.abs(grid[k] - start), kind="stable")
                     if (grid[k, g] - start) * side > 0]
            last = start
            for g in order:
                if flips_at[g]:
                    brackets.append((k, last, float(grid[k, g])))
                    break
                last = float(grid[k, g])
    if not brackets:
        return [], tornado[:TORNADO_BARS]
    cols = [columns[k] for k, _, _ in brackets]
    inside = np.array([b[1] for b in brackets])
    across = np.array([b[2] for b in brackets])
    for _ in range(_STEPS):
        mid = (inside + across) / 2
        flipped = (part.margins(part.rows(cols, mid[:, None])) >= -EPS) != accepts
        across = np.where(flipped, mid, across)
        inside = np.where(flipped, inside, mid)
    best: dict[int, Flip] = {}
    for b, (k, _, _) in enumerate(brackets):
        col = columns[k]
        start = float(space.nominal[col])
        lo, hi = float(lows[k]), float(highs[k])
        candidates = [v for v in (_outward(float(across[b]), start, lo, hi),) if v is not None]
        candidates.append(float(across[b]))
        trial = part.margins(part.rows([col] * len(candidates),
                                       np.array(candidates)[:, None]))
        value = next((v for v, m in zip(candidates, trial, strict=True)
                      if (m >= -EPS) != accepts), None)
        if value is None:
            continue
        flip = Flip(space.refs[col].path, space.refs[col].label, start, value,
                    _relative(start, value, lo, hi))
        if k not in best or flip.relative < best[k].relative:
            best[k] = flip
    return list(best.values()), tornado[:TORNADO_BARS]


def _dist(space: ParameterSpace, k: int) -> tuple[float, float]:
    dist = space.refs[k].param.dist
    assert dist is not None
    return dist.low, dist.high


def sensitivity(scenario: Scenario, plan: Plan) -> Sensitivity:
    """What single change of an assumption, within its range, flips each party on ``plan``.

    Raises:
        InvalidPlanError: ``plan`` is "no deal" (there is no package to accept).
    """
    if plan.no_deal:
        raise InvalidPlanError("'no deal' has no package whose acceptance could flip")
    space = ParameterSpace(scenario)
    package = np.array(scenario.indices(plan), dtype=np.int64)
    choices = scenario.complete(plan)
    nominal = space.build()
    margins = nominal.utilities_all_draws(package[None, :])[0, 0] - nominal.reservation[0]
    out = []
    for p, pid in enumerate(scenario.party_ids):
        prefs = scenario.preferences[pid]
        crossed = sorted((i, o) for i, o in prefs.red_lines if choices.get(i) == o)
        margin = float(margins[p])
        reaches = margin >= -EPS
        accepts = reaches and not crossed
        flips: list[Flip] = []
        tornado: list[TornadoBar] = []
        if not crossed:
            flips, tornado = _numeric(space, _Party(space, package, p), pid, accepts)
        else:
            _, tornado = _numeric(space, _Party(space, package, p), pid, reaches)
            if reaches and len(crossed) == 1:
                issue, option = crossed[0]
                flips = [Flip(f"preferences.{pid}.red_lines.{issue}.{option}",
                              f"{pid} red line {issue}={option}", True, False, 1.0)]
        flips.sort(key=lambda f: (f.relative, f.parameter))
        out.append(PartySensitivity(pid, accepts, margin, tuple(flips), tuple(tornado)))
    return Sensitivity(plan.id, tuple(out))


# ------------------------------------------------------------------ applying a change
def _set(param: Param, value: float) -> Param:
    dist = param.dist
    if dist is not None:
        if not dist.low <= value <= dist.high:
            raise ScenarioError(f"{value} lies outside the range [{dist.low}, {dist.high}]")
        dist = replace(dist, mode=value)
    return Param(float(value), dist, param.rationale, param.sources)


def with_change(scenario: Scenario, parameter: str, value: float | bool) -> Scenario:
    """The scenario with one assumption changed, as a flip names it.

    ``parameter`` is a path into the scenario file (``preferences.UA.reservation``,
    ``preferences.UA.weights.territory``, ``preferences.UA.values.territory.freeze``,
    ``preferences.EU.commitments[0].credibility``, ``preferences.RU.red_lines.territory.
    freeze``...); a red line takes ``False`` to drop it. The number keeps its range and
    reasons; its nominal value becomes ``value``.

    Raises:
        ScenarioError: an unknown path or a value outside the number's range.
    """
    parts = parameter.split(".")
    if len(parts) < 3 or parts[0] != "preferences" or parts[1] not in scenario.preferences:
        raise ScenarioError(f"not a path into a party's preferences: {parameter!r}")
    pid, rest = parts[1], parts[2:]
    prefs = scenario.preferences[pid]
    head = rest[0]
    if head == "red_lines" and len(rest) == 3:
        ref = (rest[1], rest[2])
        if ref not in prefs.red_lines or value is not False:
            raise ScenarioError(f"{parameter}: only a declared red line can be dropped (False)")
        new = replace(prefs, red_lines=prefs.red_lines - {ref},
                      red_line_odds={k: v for k, v in prefs.red_line_odds.items() if k != ref})
    else:
        number = float(value)
        if head == "reservation" and len(rest) == 1:
            new = replace(prefs, reservation=_set(prefs.reservation, number))
        elif head == "scale" and len(rest) == 1 and prefs.scale is not None:
            new = replace(prefs, scale=_set(prefs.scale, number))
        elif head == "weights" and len(rest) == 2 and rest[1] in prefs.weights:
            new = replace(prefs, weights={**prefs.weights,
                                          rest[1]: _set(prefs.weights[rest[1]], number)})
        elif (head == "values" and len(rest) == 3 and rest[1] in prefs.values
              and rest[2] in prefs.values[rest[1]]):
            block = dict(prefs.values[rest[1]])
            block[rest[2]] = _set(block[rest[2]], number)
            new = replace(prefs, values={**prefs.values, rest[1]: block})
        else:
            new = replace(prefs, **_indexed(prefs, rest, number, parameter))
    return replace(scenario, preferences={**scenario.preferences, pid: new})


def _indexed(prefs: Any, rest: list[str], number: float, parameter: str) -> dict[str, Any]:
    """A commitment's or an interaction term's number (``commitments[0].credibility``)."""
    import re

    match = re.fullmatch(r"(commitments|interactions)\[(\d+)\]", rest[0])
    if match is None or len(rest) != 2:
        raise ScenarioError(f"not a number of the preferences: {parameter!r}")
    k = int(match.group(2))
    if match.group(1) == "commitments" and k < len(prefs.commitments) and rest[1] in (
            "credibility", "value_if_broken"):
        items = list(prefs.commitments)
        items[k] = replace(items[k], **{rest[1]: _set(getattr(items[k], rest[1]), number)})
        return {"commitments": tuple(items)}
    if match.group(1) == "interactions" and k < len(prefs.terms) and rest[1] == "value":
        terms = list(prefs.terms)
        terms[k] = replace(terms[k], value=_set(terms[k].value, number))
        return {"terms": tuple(terms)}
    raise ScenarioError(f"not a number of the preferences: {parameter!r}")
