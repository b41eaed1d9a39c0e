"""The shared test base every registered strategy runs through (after Axelrod's
``tests/strategies/test_player.py``).

A test class declares ``spec = "name..."`` and inherits checks that the strategy
(1) offers only valid packages, (2) replays identically under a seed, (3) clones and
pickles, bound or not, (4) can reach no other party's preferences from its view,
(5) never accepts below its reservation or across its red lines, and
(6) round-trips through the registry's text form.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from typing import Any, ClassVar

import numpy as np
import pytest

from accord.analysis.tables import Tables
from accord.model import Preferences, Scenario
from accord.negotiation.domain import Domain
from accord.negotiation.protocols.base import Context
from accord.negotiation.session import run_session
from accord.negotiation.strategies import Response, Strategy, make_strategy
from accord.negotiation.views import Clock, OwnUtility, PartyView

PROTOCOLS = ("alternating:rounds=30", "saop:rounds=30", "single-text:rounds=60",
             "vote:rounds=10", "backchannel:drafters=B+C,briefing_rounds=2,rounds=30")


def reachable(root: object) -> Iterator[object]:
    """Every object reachable from ``root`` through attributes, slots and containers."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, str | bytes | int | float | bool | type(None)):
            continue
        seen.add(id(obj))
        yield obj
        if isinstance(obj, np.random.Generator | np.random.BitGenerator | type):
            continue
        if isinstance(obj, np.ndarray):
            if obj.base is not None:
                stack.append(obj.base)
            continue
        if isinstance(obj, dict):
            stack.extend(obj.keys())
            stack.extend(obj.values())
        elif isinstance(obj, list | tuple | set | frozenset):
            stack.extend(obj)
        for name in getattr(type(obj), "__slots__", ()):
            if hasattr(obj, name):
                stack.append(getattr(obj, name))
        for klass in type(obj).__mro__:
            for name in getattr(klass, "__slots__", ()):
                if hasattr(obj, name):
                    stack.append(getattr(obj, name))
        if hasattr(obj, "__dict__"):
            stack.append(vars(obj))


class StrategyContract:
    """Inherit, and set ``spec`` to the strategy's text form."""

    spec: ClassVar[str] = ""
    params: ClassVar[dict[str, Any]] = {}

    def make(self) -> Strategy:
        return make_strategy(self.spec)

    def session(self, domain: Domain, protocol: str, seed: int) -> Any:
        others = ["linear", "conceder", "boulware"]
        strategies = [self.spec, *others[:domain.n_parties - 1]]
        return run_session(domain, protocol, strategies, seed)

    # 1 ---------------------------------------------------------------- valid offers
    @pytest.mark.parametrize("protocol", PROTOCOLS)
    def test_offers_are_valid(self, tiny_domain: Domain, square2: Domain, protocol: str
                              ) -> None:
        domain = square2 if protocol.startswith("alternating") else tiny_domain
        public = domain.public()
        for seed in (1, 2):
            result = self.session(domain, protocol, seed)
            for row in result.trace:
                if row["package"] is not None:
                    assert public.valid(tuple(row["package"])), row

    def test_offers_valid_on_a_sampled_space(self, square2: Domain) -> None:
        result = run_session(square2, "saop:rounds=20", [self.spec, self.spec], 5)
        public = square2.public()
        assert all(public.valid(tuple(r["package"])) for r in result.trace or [] if r["package"])

    # 2 ------------------------------------------------------------------- replay
    def test_identical_replay_under_a_seed(self, tiny_domain: Domain) -> None:
        for protocol in ("saop:rounds=40", "single-text:rounds=40"):
            a = self.session(tiny_domain, protocol, 11)
            b = self.session(tiny_domain, protocol, 11)
            assert a.trace == b.trace
            assert a.metrics == b.metrics

    # 3 ------------------------------------------------------------ clone / pickle
    def test_clone_and_pickle(self, tiny_domain: Domain) -> None:
        s = self.make()
        twin = s.clone()
        assert type(twin) is type(s) and twin.spec == s.spec and twin is not s
        assert pickle.loads(pickle.dumps(s)).spec == s.spec
        result = run_session(tiny_domain, "saop:rounds=20", [s, "linear", "conceder"], 3)
        again = run_session(tiny_domain, "saop:rounds=20",
                            [pickle.loads(pickle.dumps(s)), "linear", "conceder"], 3)
        assert result.trace == again.trace

    def test_pickle_bound(self, tiny_domain: Domain) -> None:
        s = self.make()
        view = PartyView(tiny_domain.own_utility(0), tiny_domain.bid_space(0),
                         tiny_domain.public(), Clock())
        s.bind(view, np.random.default_rng(0))
        copy = pickle.loads(pickle.dumps(s))
        assert copy.spec == s.spec
        assert copy.propose() == s.propose()

    # 4 ----------------------------------------------------------- restricted view
    def test_sees_only_its_own_party(self, tiny_domain: Domain) -> None:
        strategies = [self.make(), make_strategy("linear"), make_strategy("conceder")]
        run_session(tiny_domain, "saop:rounds=10", strategies, 1)
        mine = self.make()
        run_session(tiny_domain, "saop:rounds=10", [mine, "linear", "conceder"], 1)
        clock = Clock()
        view = PartyView(tiny_domain.own_utility(1), tiny_domain.bid_space(1),
                         tiny_domain.public(), clock)
        mine.bind(view, np.random.default_rng(0))
        mine.propose()
        forbidden = (Domain, Tables, Scenario, Preferences, Context)
        for obj in reachable(mine):
            assert not isinstance(obj, forbidden), type(obj)
            if isinstance(obj, OwnUtility):
                assert obj.party == "B"
            if isinstance(obj, Strategy):
                assert obj is mine
            # the own column is (options, 1); a table with a column per party is not allowed
            if isinstance(obj, np.ndarray) and obj.dtype == np.float64 and obj.ndim == 2 \
                    and obj.shape[1] > 1:
                raise AssertionError("a table of several parties is reachable from the "
                                     "strategy")

    # 5 ------------------------------------------------------------- rationality
    def test_never_accepts_below_reservation(self, tiny_domain: Domain) -> None:
        s = self.make()
        view = PartyView(tiny_domain.own_utility(0), tiny_domain.bid_space(0),
                         tiny_domain.public(), Clock())
        s.bind(view, np.random.default_rng(0))
        own = view.utility
        bids = view.bids
        for k in range(len(bids)):
            package = bids.package(k)
            if not own.acceptable(package):
                assert s.respond(package) is not Response.ACCEPT
                assert not s.ratify(package)

    # 6 ----------------------------------------------------------------- registry
    def test_spec_round_trips(self) -> None:
        s = self.make()
        assert make_strategy(s.spec).spec == s.spec
        assert s.name in s.spec
