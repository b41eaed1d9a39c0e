"""Negotiation under two-level ratification: a party's yes needs its constituents' yes."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from accord.model import Constituent, Form, Issue, Option, Party, Preferences, Scenario, fixed
from accord.negotiation.domain import Domain
from accord.negotiation.session import run_session
from accord.negotiation.utility import OwnUtility


def _prefs(pid: str, values: tuple[float, float, float], res: float) -> Preferences:
    return Preferences(pid, Form.WEIGHTS,
                       {"deal": {f"o{k}": fixed(v) for k, v in enumerate(values)}},
                       {"deal": fixed(1.0)}, reservation=fixed(res))


def _scenario(voters: bool) -> Scenario:
    """A wants o0, B wants o2; o1 is the only package both accept at the table.

    With ``voters``, A's voters (always consulted) refuse o1: nothing is left that A
    could ratify and B accepts.
    """
    s = Scenario(
        "two-level", "two-level", (Party("A"), Party("B")),
        (Issue("deal", "deal", tuple(Option(f"o{k}") for k in range(3))),),
        {"A": _prefs("A", (1.0, 0.6, 0.0), 0.5), "B": _prefs("B", (0.0, 0.6, 1.0), 0.5)})
    if not voters:
        return s
    prefs = dict(s.preferences)
    prefs["A-voters"] = _prefs("A-voters", (1.0, 0.3, 0.0), 0.5)
    return replace(s, preferences=prefs, constituents=(Constituent("A-voters", "A"),))


@pytest.mark.parametrize("protocol", ["saop:rounds=40", "vote:rounds=40",
                                      "single-text:rounds=40"])
def test_a_constituent_veto_changes_the_outcome(protocol: str) -> None:
    plain = run_session(Domain.from_scenario(_scenario(False)), protocol, ["linear"], 3)
    assert plain.outcome.agreement == (1,)
    assert plain.metrics["ratified"]
    domain = Domain.from_scenario(_scenario(True))
    assert domain.acceptable((1,)) == (False, True)
    assert not domain.constituents_accept(0, (1,)) and domain.constituents_accept(1, (1,))
    # A's own bid space holds only what its voters accept
    assert {tuple(p) for p in domain.bid_space(0).packages} == {(0,)}
    gated = run_session(domain, protocol, ["linear"], 3)
    assert not gated.metrics["ratified"]
    if gated.outcome.agreement is not None:
        assert gated.votes is not None and not all(gated.votes.values())


def test_the_ratification_vote_asks_the_scenario_not_the_strategy(
        monkeypatch: pytest.MonkeyPatch) -> None:
    domain = Domain.from_scenario(_scenario(True))
    # the party's own view knows its constituents: o1 is not acceptable to A
    own = domain.own_utility(0)
    assert own((1,)) >= own.reservation and not own.acceptable((1,))
    # B's view knows nothing of A's voters
    assert domain.own_utility(1).problem.gates is None
    assert domain.own_utility(1).acceptable((1,))
    # a negotiator that ignores its voters agrees to o1 at the table and votes yes;
    # the session still counts A's yes as a no, since A's voters refuse
    monkeypatch.setattr(OwnUtility, "acceptable", lambda self, package: self(package)
                        >= self.reservation - 1e-9 and not self.crosses_red_line(package))
    monkeypatch.setattr(OwnUtility, "vetoed_mask",
                        lambda self, packages: np.zeros(len(packages), dtype=bool))
    res = run_session(Domain.from_scenario(_scenario(True)), "saop:rounds=40", ["linear"], 3)
    assert res.outcome.agreement == (1,)
    assert res.votes == {"A": False, "B": True}
    assert not res.metrics["ratified"]
