"""Sensitivity: every reported flip really flips, and no single-number flip is missed."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import accord
from accord.analysis.evaluate import evaluate_packages
from accord.analysis.sensitivity import sensitivity, with_change
from accord.analysis.tables import ParameterSpace, compile_scenario
from accord.cli import app
from accord.formats.scenario_file import loads_scenario
from accord.model import (
    Commitment,
    DistKind,
    Distribution,
    Form,
    InvalidPlanError,
    Param,
    Preferences,
    RedLineOdds,
    Scenario,
    ScenarioError,
    Term,
    UnknownIdError,
)

from ..property.strategies import scenarios

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def accepts(s: Scenario, plan_id: str, party: str) -> bool:
    """Acceptance through the normal evaluation path (compile, evaluate the package)."""
    package = np.array([s.indices(s.plan(plan_id))], dtype=np.int64)
    batch = evaluate_packages(s, compile_scenario(s), package)
    return bool(batch.acceptable[0, s.party_index(party)])


def _ranged(p: Param, lo: float, hi: float) -> Param:
    lo, hi = min(lo, p.value), max(hi, p.value)
    return Param(p.value, Distribution(DistKind.UNIFORM, lo, hi, p.value))


@st.composite
def ranged_scenarios(draw: st.DrawFn) -> Scenario:
    """Random small scenarios whose every number carries a range around its value."""
    s = draw(scenarios(max_issues=3, max_options=3, max_parties=3))
    prefs = {}
    for pid, p in s.preferences.items():
        width = draw(st.sampled_from([0.1, 0.3, 0.6]))
        unit = 1.0 if p.form is Form.WEIGHTS else 30.0
        vlo, vhi = (0.0, 1.0) if p.form is Form.WEIGHTS else (-np.inf, np.inf)

        def spread(x: Param, lo: float = vlo, hi: float = vhi, u: float = unit,
                   w: float = width) -> Param:
            return _ranged(x, max(lo, x.value - w * u), min(hi, x.value + w * u))

        values = {i: {o: spread(v) for o, v in opts.items()} for i, opts in p.values.items()}
        weights = {i: _ranged(w, max(0.5, w.value - 5 * width), w.value + 5 * width)
                   for i, w in p.weights.items()}
        res_lo, res_hi = (0.0, 1.0) if p.form is Form.WEIGHTS else (-np.inf, np.inf)
        reservation = _ranged(p.reservation, max(res_lo, p.reservation.value - width * unit),
                              min(res_hi, p.reservation.value + width * unit))
        terms = tuple(Term(t.conditions, _ranged(t.value, t.value.value - 0.1 * unit,
                                                 t.value.value + 0.1 * unit)) for t in p.terms)
        commitments = tuple(Commitment(c.issue, c.option, c.promisor,
                                       _ranged(c.credibility, 0.0, 1.0),
                                       spread(c.value_if_broken)) for c in p.commitments)
        odds = {r: RedLineOdds(0.5) for r in p.red_lines if draw(st.booleans())}
        prefs[pid] = replace(p, values=values, weights=weights, reservation=reservation,
                             terms=terms, commitments=commitments, red_line_odds=odds)
    return replace(s, preferences=prefs)


def test_every_flip_of_ukraine_2025_really_flips() -> None:
    s = accord.load("ukraine-2025")
    seen = 0
    for plan in s.plans:
        if plan.no_deal:
            continue
        result = accord.sensitivity(s, plan.id)
        for p in result.raw.parties:
            assert p.accepts == accepts(s, plan.id, p.party)
            for f in p.flips:
                changed = with_change(s, f.parameter, f.to)
                assert accepts(changed, plan.id, p.party) != p.accepts, f
                assert accord.evaluate(changed, plan.id).plans[0].outcome(
                    p.party).acceptable != p.accepts
                seen += 1
            relatives = [f.relative for f in p.flips]
            assert relatives == sorted(relatives)
    assert seen > 0


@pytest.mark.long
@SETTINGS
@given(ranged_scenarios())
def test_flips_are_real_and_complete_on_random_scenarios(s: Scenario) -> None:
    plan = s.plans[0]
    result = sensitivity(s, plan)
    space = ParameterSpace(s)
    for p in result.parties:
        nominal = accepts(s, plan.id, p.party)
        assert p.accepts == nominal
        reported = {f.parameter: f for f in p.flips}
        assert len(reported) == len(p.flips)
        for f in p.flips:
            assert accepts(with_change(s, f.parameter, f.to), plan.id, p.party) != nominal
            if not isinstance(f.to, bool):
                assert abs(f.to - f.start) > 0
        # Brute force: scan a grid of each range; any flip found must have been reported,
        # and no reported flip is farther from the nominal value than one the scan finds.
        for ref in space.refs:
            if ref.party != p.party or not ref.param.uncertain:
                continue
            dist = ref.param.dist
            assert dist is not None
            for x in np.linspace(dist.low, dist.high, 41):
                if accepts(with_change(s, ref.path, float(x)), plan.id, p.party) != nominal:
                    assert ref.path in reported, (ref.path, float(x))
                    got = reported[ref.path]
                    assert isinstance(got.to, float)
                    assert abs(got.to - ref.param.value) <= abs(x - ref.param.value) + 1e-3 * (
                        dist.high - dist.low)
        prefs = s.preferences[p.party]
        for issue, option in prefs.red_lines:
            path = f"preferences.{p.party}.red_lines.{issue}.{option}"
            flips = accepts(with_change(s, path, False), plan.id, p.party) != nominal
            assert flips == (path in reported)


RED = """\
accord: 1
id: red
title: Red
parties: [{id: A}, {id: B}]
issues:
  - {id: x, title: X, options: [{id: a}, {id: b}]}
  - {id: y, title: Y, options: [{id: a}, {id: b}]}
preferences:
  A:
    weights: {x: 1, y: {value: 1, range: [0.5, 3]}}
    values: {x: {a: 1, b: 0}, y: {a: 0, b: {value: 0.8, range: [0.2, 1]}}}
    reservation: {value: 0.3, range: [0.1, 0.7]}
    red_lines: [{option: y.a, probability: 0.7, why: "may give"}]
  B:
    values: {x: {a: 0, b: 1}, y: {a: 1, b: 0}}
    weights: {x: 1, y: 1}
    reservation: {value: 0.6, range: [0.2, 0.8]}
    red_lines: [x.b]
plans:
  - {id: p, choices: {x: a, y: a}}
  - {id: q, choices: {x: a, y: b}}
  - {id: both, choices: {x: b, y: a}}
"""


def test_red_lines_and_the_smallest_change_to_accept() -> None:
    s = loads_scenario(RED, "red.yaml")
    p = accord.sensitivity(s, "p")
    a = p.raw.party("A")
    assert not a.accepts and a.margin == pytest.approx(0.2)
    assert [f.to_dict() for f in a.flips] == [
        {"parameter": "preferences.A.red_lines.y.a", "from": True, "to": False}]
    b = p.raw.party("B")  # u = 0.5 < 0.6: lowering the reservation to 0.5 flips it
    assert not b.accepts
    assert b.flips[0].parameter == "preferences.B.reservation"
    assert 0.49 < float(b.flips[0].to) <= 0.5
    assert p.to_accept()["B"] == b.flips[0].to_dict()
    # q: A gets (1 + 0.8) / 2 = 0.9; the value of y.b or the weight of y could not bring it
    # under 0.7 within their ranges, but the reservation range [0.1, 0.7] cannot either.
    q = accord.sensitivity(s, "q").raw.party("A")
    assert q.accepts and q.flips == ()
    assert {b.parameter for b in q.tornado} == {
        "preferences.A.reservation", "preferences.A.weights.y", "preferences.A.values.y.b"}
    # both: B gets 1.0 but crosses its certain red line on x.b: dropping it flips B; its
    # numbers cannot (the red line holds whatever they are).
    both = accord.sensitivity(s, "both").raw.party("B")
    assert [f.parameter for f in both.flips] == ["preferences.B.red_lines.x.b"]
    assert both.tornado  # the margin still swings with the reservation


def test_json_shape_on_the_cli(tmp_path: object) -> None:
    result = CliRunner().invoke(app, ["sensitivity", "ukraine-2025", "--plan",
                                      "geneva-19-point", "--json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert set(doc) == {"plan", "parties"} and doc["plan"] == "geneva-19-point"
    for party in doc["parties"].values():
        assert set(party) == {"accepts", "margin", "flips"}
        for f in party["flips"]:
            assert set(f) == {"parameter", "from", "to"}
            assert f["parameter"].startswith("preferences.")
    table = CliRunner().invoke(app, ["sensitivity", "ukraine-2025", "--plan",
                                     "geneva-19-point"])
    assert table.exit_code == 0 and "preferences.UA.reservation" in table.stdout


def test_bad_requests_are_clear_errors() -> None:
    s = loads_scenario(RED, "red.yaml")
    assert CliRunner().invoke(app, ["sensitivity", "ukraine-2025", "--plan",
                                    "nope"]).exit_code == 2
    with pytest.raises(UnknownIdError):
        accord.sensitivity(s, "nope")
    no_deal = next(p.id for p in accord.load("ukraine-2025").plans if p.no_deal)
    with pytest.raises(InvalidPlanError, match="no deal"):
        accord.sensitivity("ukraine-2025", no_deal)
    for path, value in [("preferences.A.reservation", 0.95), ("preferences.Z.reservation", 0.5),
                        ("preferences.A.weights.z", 1.0), ("preferences.A.red_lines.x.a", False),
                        ("preferences.A.commitments[0].credibility", 0.5),
                        ("weights.x", 1.0)]:
        with pytest.raises(ScenarioError):
            with_change(s, path, value)
    dropped = with_change(s, "preferences.A.red_lines.y.a", False)
    assert dropped.preferences["A"].red_lines == frozenset()
    assert dropped.preferences["A"].red_line_odds == {}
    moved = with_change(s, "preferences.A.values.y.b", 0.5).preferences["A"].values["y"]["b"]
    assert moved.value == 0.5 and moved.dist is not None and moved.dist.low == 0.2
    assert isinstance(s.preferences["A"], Preferences)


@pytest.mark.parametrize("name", ["ukraine-2025", "harbour-teaching", "gaza-2025"])
def test_one_party_tables_equal_that_partys_columns_of_the_full_tables(name: str) -> None:
    s = accord.load(name)
    space = ParameterSpace(s)
    theta = space.sample(np.random.default_rng(3), 40)
    full = space.build(theta)
    packages = np.stack([s.indices(p) for p in s.plans if not p.no_deal])
    every = full.utilities_all_draws(packages)
    for p in range(len(s.parties)):
        one = space.build(theta, party=p)
        np.testing.assert_array_equal(one.util[:, :, p], full.util[:, :, p])
        np.testing.assert_array_equal(one.reservation[:, p], full.reservation[:, p])
        np.testing.assert_array_equal(one.base[:, p], full.base[:, p])
        np.testing.assert_array_equal(one.utilities_all_draws(packages)[:, :, p],
                                      every[:, :, p])
