"""Keyed streams, the binomial tail and the per-point mixture statistic."""

from __future__ import annotations

import itertools
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from accord.leaks import codes

KEY = b"k" * 32


def exact_log10_tail(n: int, k: int) -> float:
    return math.log10(sum(math.comb(n, i) for i in range(max(k, 0), n + 1)) / 2**n)


@settings(max_examples=200, deadline=None)
@given(n=st.integers(1, 400), frac=st.floats(0, 1))
def test_log10_tail_is_exact(n: int, frac: float) -> None:
    k = round(frac * n)
    assert math.isclose(codes.log10_tail(n, k), exact_log10_tail(n, k), abs_tol=1e-9)


def test_log10_tail_far_below_the_smallest_float() -> None:
    assert math.isclose(codes.log10_tail(3000, 3000), -3000 * math.log10(2))
    assert codes.log10_tail(10, 0) == 0.0
    assert codes.log10_tail(0, 0) == 0.0


def test_streams_are_keyed_and_separated() -> None:
    base = codes.stream(KEY, codes.LINGUISTIC, "d", "alice", "1", 256)
    assert base == codes.stream(KEY, codes.LINGUISTIC, "d", "alice", "1", 256)
    others = [
        codes.stream(b"K" * 32, codes.LINGUISTIC, "d", "alice", "1", 256),
        codes.stream(KEY, codes.ZERO_WIDTH, "d", "alice", "1", 256),
        codes.stream(KEY, codes.LINGUISTIC, "e", "alice", "1", 256),
        codes.stream(KEY, codes.LINGUISTIC, "d", "bob", "1", 256),
        codes.stream(KEY, codes.LINGUISTIC, "d", "alice", "2", 256),
        # Length-prefixed fields: moving a character between fields changes the stream.
        codes.stream(KEY, codes.LINGUISTIC, "d", "alice1", "", 256),
    ]
    for other in others:
        assert other != base
        assert 80 < (other ^ base).bit_count() < 176
    long = codes.stream(KEY, codes.LINGUISTIC, "d", "alice", "1", 700)
    assert long.bit_length() <= 700
    assert long & ((1 << 256) - 1) == base


def brute_force_tails(ns: list[int]) -> list[float]:
    dist: dict[int, float] = {}
    for ks in itertools.product(*[range(n + 1) for n in ns]):
        t = sum(codes.clipped_score(n, k) for n, k in zip(ns, ks, strict=True))
        p = math.prod(math.comb(n, k) / 2**n for n, k in zip(ns, ks, strict=True))
        dist[t] = dist.get(t, 0.0) + p
    top = max(dist)
    return [sum(v for t, v in dist.items() if t >= s) for s in range(top + 1)]


def test_clipped_tails_match_brute_force() -> None:
    for ns in ([1], [4], [3, 5], [2, 7, 6], [9, 1, 4]):
        got = codes.clipped_tails(ns)
        want = brute_force_tails(ns)
        assert len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            assert math.isclose(g, w, rel_tol=1e-9, abs_tol=1e-15)


def test_format_p() -> None:
    assert codes.format_p(-0.5) == "0.316"
    assert codes.format_p(-409.8) == "1.6e-410"
    assert codes.format_p(-6.0) == "1.0e-6"
    assert codes.format_p(-math.inf) == "0"
