"""Sessions, domains, views, bid spaces and metrics against brute-force references."""

from __future__ import annotations

import itertools
import json
import pickle

import numpy as np
import pytest

from accord.analysis.tables import ParameterSpace, compile_scenario
from accord.model import Scenario
from accord.negotiation.bidspace import build_bid_space
from accord.negotiation.domain import Domain
from accord.negotiation.metrics import reference_for
from accord.negotiation.session import replay, run_session
from tests.negotiation.conftest import square


def all_packages(domain: Domain) -> list[tuple[int, ...]]:
    return [tuple(p) for p in itertools.product(*[range(s) for s in domain.sizes])]


def test_own_utilities_match_the_tables(tiny: Scenario, tiny_domain: Domain) -> None:
    tables = compile_scenario(tiny)
    packages = all_packages(tiny_domain)
    expected = tables.utilities(np.asarray(packages))
    for p in range(tiny_domain.n_parties):
        own = tiny_domain.own_utility(p)
        got = [own(x) for x in packages]
        assert np.allclose(got, expected[:, p], atol=1e-12)
        assert np.allclose(own.batch(np.asarray(packages)), expected[:, p], atol=1e-12)
    red = tables.red_lines_hit(np.asarray(packages))
    for k, x in enumerate(packages):
        assert tiny_domain.acceptable(x) == tuple(
            bool(expected[k, p] >= tables.reservation[0, p] - 1e-9 and not red[k, p])
            for p in range(3))


def test_own_utility_is_a_private_copy(tiny_domain: Domain) -> None:
    own = tiny_domain.own_utility(0)
    assert own.values.base is None or own.values.base is not tiny_domain.tables.util
    assert not np.shares_memory(own.values, tiny_domain.tables.util)
    assert own.values.ndim == 1


def test_exhaustive_bid_space_is_sorted_and_admissible(tiny_domain: Domain) -> None:
    bids = tiny_domain.bid_space(0)
    assert bids.exhaustive
    assert np.all(np.diff(bids.utilities) >= 0)
    own, public = tiny_domain.own_utility(0), tiny_domain.public()
    packages = {bids.package(k) for k in range(len(bids))}
    expected = {x for x in all_packages(tiny_domain)
                if public.valid(x) and not own.crosses_red_line(x)}
    assert packages == expected
    assert bids.worst_at_least(bids.best_utility + 1) == bids.best()


def test_sampled_bid_space_covers_the_range(tiny_domain: Domain) -> None:
    own, public = tiny_domain.own_utility(0), tiny_domain.public()
    full = tiny_domain.bid_space(0)
    sampled = build_bid_space(own, public, np.random.default_rng(0), limit=1, samples=200)
    assert not sampled.exhaustive
    assert sampled.best_utility == pytest.approx(full.best_utility)
    for k in range(len(sampled)):
        x = sampled.package(k)
        assert public.valid(x) and not own.crosses_red_line(x)
        assert own(x) == pytest.approx(sampled.utilities[k])


def test_domain_pickles_and_rebuilds(tiny_domain: Domain) -> None:
    copy = pickle.loads(pickle.dumps(tiny_domain))
    a = run_session(tiny_domain, "saop", ["boulware", "linear", "conceder"], 4)
    b = run_session(copy, "saop", ["boulware", "linear", "conceder"], 4)
    assert a.trace == b.trace


def test_sessions_are_deterministic_and_seed_sensitive(tiny_domain: Domain) -> None:
    runs = [run_session(tiny_domain, "single-text:rounds=50", ["random"], seed).trace
            for seed in (1, 1, 2)]
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_replay_from_the_record_alone(tiny_domain: Domain) -> None:
    first = run_session(tiny_domain, "backchannel:drafters=B+C,briefing_rounds=2",
                        {"A": "random", "B": "tit-for-tat", "C": "boulware-om"}, 99)
    record = json.loads(json.dumps(first.trace_lines()[0]))
    again = replay(tiny_domain, record)
    assert again.trace == first.trace
    assert again.to_dict() == first.to_dict()


def test_trace_rows_are_json_ready_and_complete(tiny_domain: Domain) -> None:
    res = run_session(tiny_domain, "saop:rounds=20", ["linear"], 0)
    lines = res.trace_lines()
    assert lines[0]["kind"] == "session" and all(r["kind"] == "event" for r in lines[1:])
    json.dumps(lines)
    for row in res.trace or []:
        assert {"seq", "phase", "round", "time", "party", "action", "package",
                "utilities"} <= set(row)
        if row["package"] is not None:
            assert row["utilities"] == list(tiny_domain.utilities(tuple(row["package"])))
    assert [r["seq"] for r in res.trace or []] == list(range(len(res.trace or [])))


def test_strategy_mapping_must_name_every_party(tiny_domain: Domain) -> None:
    with pytest.raises(ValueError):
        run_session(tiny_domain, "saop", {"A": "linear"}, 0)
    with pytest.raises(ValueError):
        run_session(tiny_domain, "saop", ["linear", "linear"], 0)


# ---------------------------------------------------------------------------- metrics
def brute_force(domain: Domain) -> tuple[np.ndarray, np.ndarray | None]:
    packages = [x for x in all_packages(domain) if domain.public().valid(x)
                and not domain.tables.red_lines_hit(np.asarray([x]))[0].any()]
    u = np.asarray([domain.utilities(x) for x in packages])
    front = np.asarray([a for a in u if not any((b >= a).all() and (b > a).any() for b in u)])
    d = domain.reservations
    ok = (u > d).all(axis=1)
    nash = None
    if ok.any():
        prod = np.where(ok, np.prod(np.maximum(u - d, 1e-300), axis=1), -1)
        nash = u[int(np.argmax(prod))]
    return front, nash


@pytest.mark.parametrize("parties", [2, 3])
def test_reference_matches_brute_force(parties: int) -> None:
    domain = Domain.from_scenario(square(parties))
    ref = reference_for(domain)
    front, nash = brute_force(domain)
    assert ref.frontier is not None
    assert {tuple(np.round(r, 9)) for r in ref.frontier} == {tuple(np.round(r, 9))
                                                              for r in front}
    if nash is None:
        assert ref.nash is None
    else:
        assert ref.nash is not None and np.allclose(ref.nash, nash)


def test_milp_gap_equals_the_enumerated_gap(tiny_domain: Domain) -> None:
    exact = reference_for(tiny_domain)
    milp = reference_for(tiny_domain, limit=1)
    assert milp.method == "milp-gap" and milp.frontier is None
    for x in all_packages(tiny_domain)[::3]:
        u = np.asarray(tiny_domain.utilities(x))
        a, b = exact.gap(tiny_domain, u), milp.gap(tiny_domain, u)
        assert a is not None and b is not None
        assert a == pytest.approx(b, abs=1e-7)


def test_session_metrics(tiny_domain: Domain) -> None:
    ref = reference_for(tiny_domain)
    res = run_session(tiny_domain, "saop", ["boulware", "linear", "conceder"], 1, reference=ref)
    m = res.metrics
    assert m["agreement"] and m["ratified"]
    u = np.asarray(list(m["utilities"].values()))
    assert m["welfare"] == pytest.approx(u.sum())
    assert ref.frontier is not None
    assert m["pareto_distance"] == pytest.approx(
        float(np.sqrt(((ref.frontier - u) ** 2).sum(1)).min()))
    assert ref.nash is not None
    assert m["nash_distance"] == pytest.approx(float(np.linalg.norm(ref.nash - u)))
    no_deal = run_session(tiny_domain, "saop:rounds=2", ["hardliner"], 1, reference=ref)
    assert not no_deal.metrics["agreement"]
    assert list(no_deal.metrics["utilities"].values()) == pytest.approx(
        list(tiny_domain.reservations))


def test_domain_from_a_sampled_draw(tiny: Scenario) -> None:
    space = ParameterSpace(tiny)
    theta = space.sample(np.random.default_rng(0), 2)
    a = Domain.from_scenario(tiny, theta[0], "s0", space)
    b = Domain.from_scenario(tiny, theta[1], "s1", space)
    assert a.utilities((0, 0, 0)) != b.utilities((0, 0, 0))
