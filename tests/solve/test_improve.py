"""Post-settlement settlements really improve, and Pareto-optimality is proven otherwise."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from accord.solve.enumerate import admissible_block
from accord.solve.improve import post_settlement
from tests.solve.strategies import SETTINGS, brute, random_tables, scenarios


@SETTINGS
@given(scenarios(max_parties=4, max_issues=5), st.data(),
       st.sampled_from(["nash", "welfare", "egalitarian"]), st.sampled_from(["enumeration",
                                                                              "milp"]))
def test_improvements_improve(scenario, data, rank_by, method):
    b = brute(scenario)
    k = data.draw(st.integers(0, len(b.packages) - 1))
    tentative, ut = b.packages[k], b.utilities[k]
    u = b.adm_utilities
    improving = (u >= ut - 1e-9).all(axis=1) & ((u - ut).max(axis=1) >= 1e-9)
    res = post_settlement(b.tables, tentative, rank_by=rank_by, method=method)
    assert res.proven
    assert res.pareto_optimal == (not improving.any())
    assert res.pareto_optimal == (len(res.improvements) == 0)
    if method == "enumeration":
        assert res.count == int(improving.sum())
    for imp in res.improvements:
        got = b.tables.utilities(imp.package[None, :])[0]
        assert b.tables.admissible(imp.package[None, :])[0]
        assert (got >= ut - 1e-9).all() and (got - ut).max() >= 1e-9
        assert np.allclose(imp.gains, got - ut, atol=1e-12)
        assert set(imp.gainers.tolist()) == set(np.flatnonzero(got - ut >= 1e-9).tolist())
        assert set(imp.changed.tolist()) == set(np.flatnonzero(imp.package != tentative).tolist())
    # ranked best first
    scores = [imp.score for imp in res.improvements]
    assert all(a >= b - 1e-12 for a, b in itertools.pairwise(scores))


def test_milp_and_enumeration_find_the_same_best_improvement():
    tables = random_tables(np.random.default_rng(4), n_issues=6, n_options=3, n_parties=3,
                           n_terms=6, n_links=2)
    block = admissible_block(tables)
    tentative = tables.layout.decode(block.ids[np.argsort(block.utilities.sum(axis=1))[:1]])[0]
    for rank_by in ("nash", "welfare", "egalitarian"):
        enum = post_settlement(tables, tentative, rank_by=rank_by, method="enumeration")
        milp = post_settlement(tables, tentative, rank_by=rank_by, method="milp", limit=3)
        assert not enum.pareto_optimal and not milp.pareto_optimal and milp.proven
        assert abs(enum.improvements[0].score - milp.improvements[0].score) <= 1e-9


def test_each_next_nash_improvement_is_the_best_of_the_rest() -> None:
    """The no-good-cut series (sharing its tangent cuts) against brute force, step by step."""
    from accord.model import ACTIVE, EPS

    for seed in (4, 7, 12):
        tables = random_tables(np.random.default_rng(seed), n_issues=6, n_options=3,
                               n_parties=3, n_terms=6, n_links=2)
        block = admissible_block(tables)
        k = int(np.argsort(block.utilities.sum(axis=1))[len(block) // 10])
        tentative = tables.layout.decode(block.ids[k:k + 1])[0]
        gains = block.utilities - block.utilities[k]
        rest = (gains >= -EPS).all(axis=1) & (gains.max(axis=1) >= EPS)
        res = post_settlement(tables, tentative, rank_by="nash", method="milp", limit=4,
                              pareto_only=False)
        assert res.proven and 0 < len(res.improvements) <= 4
        found = {tuple(imp.package): imp for imp in res.improvements}
        order = sorted(found.values(), key=lambda imp: -imp.score)
        for imp in order:  # the series found them best first
            g = np.maximum(gains[rest], 0.0)
            active = g.max(axis=0) > ACTIVE
            best = float(np.prod(g[:, active], axis=1).max())
            mine = float(np.prod(np.maximum(imp.gains, 0.0)[active]))
            assert mine >= best - 1e-9 * max(1.0, best), seed
            rest &= block.ids != tables.layout.encode(imp.package[None, :])[0]
