"""Open points evaluated as open: ranges and quantifiers against brute force."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.analysis import reference
from accord.analysis.readings import readings
from accord.analysis.tables import compile_scenario
from accord.model import EPS, Plan, Scenario

from ..property.strategies import scenarios

SETTINGS = settings(max_examples=80, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _with_plan(s: Scenario, plan: Plan) -> Scenario:
    return Scenario(s.id, s.title, s.parties, s.issues, s.preferences, s.constraints,
                    s.ratification, (plan,))


def _accepts(s: Scenario, party: str, choices: dict[str, str], reservation: float,
             utility: float) -> bool:
    reds = s.preferences[party].red_lines
    return utility >= reservation - EPS and not any(choices[i] == o for i, o in reds)


@st.composite
def open_plans(draw: st.DrawFn) -> tuple[Scenario, Plan]:
    s = draw(scenarios(max_issues=4, max_options=3))
    base = s.plans[0]
    choices, open_ = {}, {}
    for issue in s.issues:
        kind = draw(st.sampled_from(["set", "open", "subset"]))
        if kind == "set":
            choices[issue.id] = base.choices[issue.id]
        elif kind == "open":
            open_[issue.id] = frozenset(o.id for o in issue.options)
        else:
            subset = draw(st.lists(st.sampled_from([o.id for o in issue.options]),
                                   min_size=1, unique=True))
            open_[issue.id] = frozenset(subset)
    return s, Plan("draft", choices, open=open_)


@SETTINGS
@given(open_plans())
def test_ranges_and_quantifiers_match_brute_force(case: tuple[Scenario, Plan]) -> None:
    s, plan = case
    s = _with_plan(s, plan)
    tables = compile_scenario(s)
    got = readings(s, tables, plan)
    if not plan.open:
        assert got is None
        return
    assert got is not None and got.exact
    # Brute force: every reading spelled out by hand with the scalar reference evaluator.
    open_ids = [i.id for i in s.issues if i.id in plan.open]
    lists = [[o.id for o in s.issue(i).options if o.id in plan.open[i]] for i in open_ids]
    res = dict(zip(s.party_ids, tables.reservation[0], strict=True))
    utils: dict[str, list[float]] = {p: [] for p in s.party_ids}
    accepts: dict[str, int] = dict.fromkeys(s.party_ids, 0)
    count = 0
    for combo in itertools.product(*lists):
        choices = dict(plan.choices) | dict(zip(open_ids, combo, strict=True))
        count += 1
        for p in s.party_ids:
            u = reference.utility(s, p, choices)
            utils[p].append(u)
            accepts[p] += _accepts(s, p, choices, float(res[p]), u)
    assert got.count == got.evaluated == count
    for p in s.party_ids:
        r = got.party(p)
        np.testing.assert_allclose([r.low, r.high], [min(utils[p]), max(utils[p])], atol=1e-9)
        assert r.accepting == accepts[p]
        want = "every" if accepts[p] == count else ("none" if accepts[p] == 0 else "some")
        assert r.accepts == want


def test_sampled_readings_say_so() -> None:
    s = _with_plan(_scenario_with_open(), Plan("x", {}, open={"a": frozenset({"o0", "o1"}),
                                                               "b": frozenset({"o0", "o1"})}))
    got = readings(s, compile_scenario(s), s.plans[0], np.random.default_rng(1), limit=3)
    assert got is not None and not got.exact and got.evaluated == 3 and got.count == 4
    assert "sampled" in got.method


def _scenario_with_open() -> Scenario:
    from accord.model import Form, Issue, Option, Party, Preferences, fixed

    issues = tuple(Issue(i, i, (Option("o0"), Option("o1"))) for i in ("a", "b"))
    prefs = {"P": Preferences("P", Form.WEIGHTS, values={i: {"o0": fixed(0.0), "o1": fixed(1.0)}
                                           for i in ("a", "b")},
                              weights={"a": fixed(1.0), "b": fixed(1.0)})}
    return Scenario("t", "t", (Party("P"),), issues, prefs)


def test_nominal_reading_is_the_default_when_on_the_table() -> None:
    from accord.model import Issue, Option

    s = _scenario_with_open()
    issues = (Issue("a", "a", (Option("o0"), Option("o1")), default="o1"), s.issues[1])
    s2 = Scenario("t", "t", s.parties, issues, s.preferences)
    plan = Plan("x", {}, open={"a": frozenset({"o0", "o1"}), "b": frozenset({"o1"})})
    assert s2.complete(plan) == {"a": "o1", "b": "o1"}
    plan = Plan("x", {}, open={"a": frozenset({"o0"}), "b": frozenset({"o0", "o1"})})
    assert s2.complete(plan) == {"a": "o0", "b": "o0"}


def test_robustness_samples_the_readings_of_open_points() -> None:
    from accord.analysis.robustness import robustness
    from accord.model import Form, Issue, Option, Party, Preferences, fixed, uniform

    # P accepts only when point a reads o1; a is open, so about half the draws accept.
    issues = tuple(Issue(i, i, (Option("o0"), Option("o1")), default="o0") for i in ("a", "b"))
    prefs = {"P": Preferences("P", Form.WEIGHTS,
                              values={i: {"o0": fixed(0.0), "o1": fixed(1.0)} for i in "ab"},
                              weights={"a": fixed(1.0), "b": fixed(1.0)},
                              reservation=uniform(0.45, 0.4, 0.5))}
    plan = Plan("x", {"b": "o0"}, open={"a": frozenset({"o0", "o1"})})
    fixed_plan = Plan("y", {"a": "o0", "b": "o0"})
    s = Scenario("t", "t", (Party("P"),), issues, prefs, plans=(plan, fixed_plan))
    r = robustness(s, [plan, fixed_plan], np.random.default_rng(5), 4000)
    assert r.plans[0].readings == 2 and r.plans[1].readings == 1
    assert 0.45 < r.plans[0].accept_probability["P"] < 0.55
    assert r.plans[1].accept_probability["P"] == 0.0
    # A plan without open points gets the same answer as before, whatever else is sampled.
    alone = robustness(s, [fixed_plan], np.random.default_rng(5), 4000)
    assert alone.plans[0].to_dict()["accept_probability"] == \
        r.plans[1].to_dict()["accept_probability"]
