"""Enumeration and the skyline against brute force."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.analysis.problem import as_problem
from accord.model import RESOLUTION
from accord.solve.enumerate import admissible_block, iter_admissible, skyline
from accord.solve.errors import SpaceTooLargeError
from tests.solve.strategies import SETTINGS, brute, scenarios


@SETTINGS
@given(scenarios(max_parties=4, max_issues=5), st.sampled_from([4, 64, 1 << 18]))
def test_enumeration_matches_brute_force(scenario, chunk):
    b = brute(scenario)
    problem = as_problem(b.tables)
    block = admissible_block(problem, chunk=chunk)
    order = np.argsort(block.ids)
    assert np.array_equal(block.ids[order], problem.layout.encode(b.adm_packages))
    assert np.allclose(block.utilities[order], b.adm_utilities, atol=1e-12)
    assert np.allclose(problem.evaluate(b.packages), b.utilities, atol=1e-12)
    assert np.array_equal(problem.admissible(b.packages), b.admissible)
    assert np.array_equal(problem.layout.decode(problem.layout.encode(b.packages)), b.packages)


def _brute_skyline(u: np.ndarray, keep: str) -> list[int]:
    out = [j for j in range(len(u))
           if not ((u >= u[j]).all(axis=1) & (u > u[j]).any(axis=1)).any()]
    if keep == "all":
        return out
    first: dict[tuple[float, ...], int] = {}
    for j in out:
        first.setdefault(tuple(u[j]), j)
    return sorted(first.values())


@SETTINGS
@given(st.integers(1, 5), st.integers(1, 400), st.integers(0, 2**32 - 1),
       st.sampled_from(["one", "all"]), st.booleans())
def test_skyline_matches_brute_force(p, n, seed, keep, ties):
    rng = np.random.default_rng(seed)
    u = rng.integers(0, 4, (n, p)).astype(float) if ties else rng.random((n, p))
    assert sorted(skyline(u, keep=keep).tolist()) == _brute_skyline(u, keep)
    groups = rng.integers(0, 3, n)
    expected = []
    for g in range(3):
        idx = np.flatnonzero(groups == g)
        expected += [int(idx[j]) for j in _brute_skyline(u[idx], keep)]
    assert sorted(skyline(u, keep=keep, groups=groups).tolist()) == sorted(expected)


def test_skyline_large_and_resolution():
    rng = np.random.default_rng(7)
    u = rng.normal(size=(30_000, 3))
    got = set(skyline(u).tolist())
    total = u.sum(axis=1)
    top = np.argsort(-total)[:50]
    assert set(top[:1].tolist()) <= got
    for j in list(got)[:50]:
        assert not ((u >= u[j]).all(axis=1) & (u > u[j]).any(axis=1)).any()
    # a one-ulp difference is a tie at RESOLUTION, a strict domination without it
    v = np.array([[0.3, 0.5], [0.3, np.nextafter(0.5, 1.0)]])
    assert skyline(v).tolist() == [1]
    assert len(skyline(v, resolution=RESOLUTION)) == 1
    assert sorted(skyline(v, keep="all", resolution=RESOLUTION).tolist()) == [0, 1]


def test_limit_is_enforced(ukraine_like):
    with pytest.raises(SpaceTooLargeError):
        next(iter_admissible(ukraine_like, limit=10))


@pytest.fixture
def ukraine_like():
    from tests.solve.strategies import random_tables

    return random_tables(np.random.default_rng(0), n_issues=12, n_options=4, n_parties=2)


@SETTINGS
@given(st.integers(1, 5), st.integers(1, 60), st.integers(0, 2**32 - 1),
       st.sampled_from(["one", "all"]), st.booleans())
def test_pairwise_skyline_of_few_rows_equals_the_sorted_one(p, n, seed, keep, ties):
    """Same indices in the same order whichever path ``skyline`` takes."""
    import accord.solve.enumerate as enumerate_module

    rng = np.random.default_rng(seed)
    u = rng.integers(0, 4, (n, p)).astype(float) if ties else rng.random((n, p))
    for groups in (rng.integers(0, 3, n), None):
        small = skyline(u, keep=keep, groups=groups)
        saved = enumerate_module._SMALL
        enumerate_module._SMALL = 0
        try:
            large = skyline(u, keep=keep, groups=groups)
            large_by_index = skyline(u, keep=keep, groups=groups, order="index")
        finally:
            enumerate_module._SMALL = saved
        assert small.tolist() == large.tolist()
        small_by_index = skyline(u, keep=keep, groups=groups, order="index")
        assert small_by_index.tolist() == large_by_index.tolist() == sorted(small.tolist())


@SETTINGS
@given(st.integers(3, 5), st.integers(1, 400), st.integers(0, 2**32 - 1),
       st.sampled_from(["one", "all"]), st.booleans(), st.booleans())
def test_bitset_and_block_skylines_agree_with_brute_force(p, n, seed, keep, ties, bitset):
    """The bitset path (large skylines) and the block filter give the brute-force answer."""
    import accord.solve.enumerate as enumerate_module

    rng = np.random.default_rng(seed)
    u = rng.integers(0, 4, (n, p)).astype(float) if ties else rng.random((n, p))
    saved = enumerate_module._BITSET_SHARE, enumerate_module._SMALL
    # bitset: after the first block whatever survived; otherwise never
    enumerate_module._BITSET_SHARE = 0.0 if bitset else 2.0
    enumerate_module._SMALL = 0
    try:
        got = skyline(u, keep=keep)
    finally:
        enumerate_module._BITSET_SHARE, enumerate_module._SMALL = saved
    assert sorted(got.tolist()) == _brute_skyline(u, keep)
