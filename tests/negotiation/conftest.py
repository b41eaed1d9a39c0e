"""Small hand-made scenarios for the negotiation tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.app.catalog import resolve
from accord.model import (
    Constraint,
    Form,
    Issue,
    LinkKind,
    Option,
    Party,
    Preferences,
    RatificationRule,
    RuleKind,
    Scenario,
    Selector,
    fixed,
    uniform,
)
from accord.negotiation.domain import Domain

TINY = str(Path(__file__).parent.parent / "fixtures" / "tiny.yaml")


def square(parties: int = 2, rule: RatificationRule | None = None) -> Scenario:
    """Two points with three options each; party k prefers option k on both points.

    A linkage forbids (x=2, y=0). Reservations 0.2; party P0 has a red line on y=2.
    """
    ids = [f"P{k}" for k in range(parties)]
    issues = tuple(Issue(i, i, tuple(Option(f"o{j}") for j in range(3))) for i in ("x", "y"))
    prefs = {}
    for k, pid in enumerate(ids):
        best = k % 3
        values = {i: {f"o{j}": fixed(1.0 if j == best else (0.5 if j == (best + 1) % 3
                                                             else 0.0)) for j in range(3)}
                  for i in ("x", "y")}
        prefs[pid] = Preferences(
            pid, Form.WEIGHTS, values,
            {"x": uniform(0.6, 0.4, 0.8) if k == 0 else fixed(0.5), "y": fixed(0.5)},
            fixed(0.2), frozenset({("y", "o2")}) if k == 0 else frozenset())
    link = Constraint("c", LinkKind.EXCLUDES, Selector("x", frozenset({"o2"})),
                      Selector("y", frozenset({"o0"})))
    return Scenario("square", "Square", tuple(Party(p) for p in ids), issues, prefs, (link,),
                    rule or RatificationRule())


@pytest.fixture(scope="session")
def tiny() -> Scenario:
    return resolve(TINY)


@pytest.fixture(scope="session")
def tiny_domain(tiny: Scenario) -> Domain:
    return Domain.from_scenario(tiny)


@pytest.fixture()
def square2() -> Domain:
    return Domain.from_scenario(square(2))


@pytest.fixture()
def square3() -> Domain:
    return Domain.from_scenario(square(3, RatificationRule(RuleKind.K_OF_N, k=2,
                                                           veto=frozenset({"P0"}))))
