"""Every registered strategy through the shared base, plus each one's own cases."""

from __future__ import annotations

import numpy as np
import pytest

from accord.negotiation.domain import Domain
from accord.negotiation.errors import SpecError
from accord.negotiation.strategies import (
    ACConst,
    ACNext,
    ACTime,
    FrequencyModel,
    TimeDependent,
    make_strategy,
    parse_acceptance,
    strategy_names,
)
from accord.negotiation.views import Clock, PartyView
from tests.negotiation.strategy_base import StrategyContract


class TestBoulware(StrategyContract):
    spec = "boulware"


class TestLinear(StrategyContract):
    spec = "linear"


class TestConceder(StrategyContract):
    spec = "conceder"


class TestHardliner(StrategyContract):
    spec = "hardliner"


class TestTimeDependent(StrategyContract):
    spec = "time-dependent:e=0.5,k=0.1,accept=next+time(0.9)"


class TestTitForTat(StrategyContract):
    spec = "tit-for-tat:delta=2"


class TestRandom(StrategyContract):
    spec = "random:p_accept=0.7"


class TestFrequencyModelled(StrategyContract):
    spec = "boulware-om"


def test_every_registered_strategy_has_a_contract_test() -> None:
    covered = {cls.spec.split(":")[0] for cls in StrategyContract.__subclasses__()}
    assert set(strategy_names()) <= covered


def _bound(domain: Domain, spec: str, party: int = 0) -> tuple[object, Clock]:
    clock = Clock()
    s = make_strategy(spec)
    s.bind(PartyView(domain.own_utility(party), domain.bid_space(party), domain.public(),
                     clock), np.random.default_rng(0))
    return s, clock


def test_time_dependent_formula(tiny_domain: Domain) -> None:
    s, _ = _bound(tiny_domain, "time-dependent:e=0.5,k=0.1")
    assert isinstance(s, TimeDependent)
    bids = tiny_domain.bid_space(0)
    pmax = bids.best_utility
    pmin = max(tiny_domain.reservations[0], bids.worst_utility)
    for t in (0.0, 0.3, 0.9, 1.0):
        f = 0.1 + 0.9 * t ** 2.0
        assert s.target(t) == pytest.approx(pmin + (pmax - pmin) * (1 - f))


def test_concession_order(tiny_domain: Domain) -> None:
    """At any 0 < t < 1: Hardliner >= Boulware >= Linear >= Conceder."""
    targets = [_bound(tiny_domain, n)[0].target(0.5)  # type: ignore[attr-defined]
               for n in ("hardliner", "boulware", "linear", "conceder")]
    assert targets == sorted(targets, reverse=True)
    assert targets[0] == pytest.approx(tiny_domain.bid_space(0).best_utility)


def test_acceptance_conditions() -> None:
    assert ACNext().accepts(0.5, 0.5, 0.0) and not ACNext().accepts(0.49, 0.5, 0.0)
    assert ACNext(1.0, 0.1).accepts(0.41, 0.5, 0.0)
    assert ACConst(0.7).accepts(0.7, 1.0, 0.0) and not ACConst(0.7).accepts(0.69, 0.0, 1.0)
    assert ACTime(0.9).accepts(0.0, 1.0, 0.95) and not ACTime(0.9).accepts(1.0, 0.0, 0.9)
    combi = ACNext() | ACTime(0.9)
    assert combi.accepts(0.1, 0.9, 0.95) and combi.accepts(0.9, 0.9, 0.0)
    assert not combi.accepts(0.1, 0.9, 0.5)
    assert parse_acceptance(combi.spec) == combi
    with pytest.raises(ValueError):
        parse_acceptance("never")


def test_frequency_model_learns_what_an_opponent_insists_on() -> None:
    model = FrequencyModel((3, 3))
    for package in [(2, 0), (2, 1), (2, 2), (2, 0)]:
        model.observe("X", package)
    est = model.estimate("X", np.asarray([[2, 0], [0, 0]]))
    assert est[0] > est[1]
    weights = model._weights["X"]
    assert weights[0] > weights[1]


def test_tit_for_tat_reciprocates(tiny_domain: Domain) -> None:
    from accord.negotiation.protocols.base import Context

    s, clock = _bound(tiny_domain, "tit-for-tat")
    views = [s.view]  # type: ignore[attr-defined]
    ctx = Context(tiny_domain, [s], views, clock, np.random.default_rng(0), None)  # type: ignore[list-item]
    start = s.aspiration()  # type: ignore[attr-defined]
    bids = tiny_domain.bid_space(0)
    worse, better = bids.package(0), bids.package(len(bids) - 2)
    ctx.views[0].witness(_event(0, "B", worse))
    ctx.views[0].witness(_event(1, "B", better))
    assert s.aspiration() < start or tiny_domain.own_utility(0)(worse) == 0  # type: ignore[attr-defined]


def _event(seq: int, party: str, package: tuple[int, ...]):  # type: ignore[no-untyped-def]
    from accord.negotiation.views import Event

    return Event(seq, "negotiation", seq, 0.0, party, "offer", package)


def test_bad_specs() -> None:
    with pytest.raises(SpecError):
        make_strategy("no-such-strategy")
    with pytest.raises(SpecError):
        make_strategy("boulware:e=-1")
    with pytest.raises(SpecError):
        make_strategy("boulware:nonsense")
    with pytest.raises(SpecError):
        make_strategy("linear:colour=blue")
