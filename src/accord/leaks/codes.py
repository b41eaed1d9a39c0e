"""Keyed codewords (HMAC-SHA256 bit streams) and the binomial tail used to score matches."""

from __future__ import annotations

import hashlib
import hmac
import math
from functools import lru_cache

import numpy as np

#: Domain-separation prefix: a change of scheme must change every codeword.
_DOMAIN = b"accord-leak-fingerprint-v1"

#: Stream labels, one per channel.
ZERO_WIDTH = "zw"
LINGUISTIC = "ling"


def _field(value: str) -> bytes:
    raw = value.encode("utf-8")
    return len(raw).to_bytes(4, "big") + raw


def stream(key: bytes, channel: str, draft_id: str, recipient: str, point_id: str,
           nbits: int) -> int:
    """The first ``nbits`` bits of a recipient's keyed stream for one point and channel.

    Bit ``i`` of the stream is ``(result >> i) & 1``. The stream is HMAC-SHA256 in counter
    mode over length-prefixed fields, so distinct (channel, draft, recipient, point) tuples
    give independent-looking streams, and nobody without the key can predict any bit.

    Args:
        key: the room secret.
        channel: :data:`ZERO_WIDTH` or :data:`LINGUISTIC`.
        draft_id: the draft version.
        recipient: the recipient id.
        point_id: the point id.
        nbits: how many bits are needed.

    Returns:
        The bits as a non-negative integer.
    """
    base = _keyed(key, channel, draft_id, recipient)
    point = _field(point_id)
    blocks = []
    for counter in range(max(1, -(-nbits // 256))):
        mac = base.copy()
        mac.update(point + counter.to_bytes(4, "big"))
        blocks.append(mac.digest())
    value = int.from_bytes(b"".join(blocks), "little")
    return value & ((1 << nbits) - 1)


@lru_cache(maxsize=4096)
def _keyed(key: bytes, channel: str, draft_id: str, recipient: str) -> hmac.HMAC:
    """HMAC state after the fields shared by all of a recipient's points (never mutated)."""
    return hmac.new(key, _DOMAIN + _field(channel) + _field(draft_id) + _field(recipient),
                    hashlib.sha256)


@lru_cache(maxsize=65536)
def log10_tail(n: int, k: int) -> float:
    """``log10 P(X >= k)`` for ``X ~ Binomial(n, 1/2)``: how often chance agrees this well.

    Exact (a sum of binomial terms in log space, stopped once further terms are negligible),
    so it stays accurate far below the smallest float.

    Args:
        n: bits compared.
        k: bits that agreed.

    Returns:
        A value <= 0; ``0.0`` when ``k <= 0``.
    """
    if k <= 0 or n <= 0:
        return 0.0
    if k > n:
        return -math.inf
    ln2n = n * math.log(2.0)
    lgn = math.lgamma(n + 1)

    def log_term(i: int) -> float:
        return lgn - math.lgamma(i + 1) - math.lgamma(n - i + 1) - ln2n

    if 2 * k >= n:
        # Upper tail: the terms fall from i = k upwards, by the ratio (n - i) / (i + 1).
        return min(0.0, (log_term(k) + math.log(_ratio_sum(n, k, 1))) / math.log(10.0))
    # k below the mean: P(X >= k) = 1 - P(X <= k - 1); the lower tail falls from k - 1 down.
    lower = log_term(k - 1) + math.log(_ratio_sum(n, k - 1, -1))
    return math.log10(max(1e-300, 1.0 - math.exp(lower)))


def _ratio_sum(n: int, i: int, step: int) -> float:
    """Sum of binomial terms from ``i`` outwards (``step`` +1 or -1), relative to term ``i``."""
    total = term = 1.0
    while 0 <= i + step <= n:
        term *= (n - i) / (i + 1) if step > 0 else i / (n - i + 1)
        i += step
        total += term
        if term < 1e-18 * total:
            break
    return total


def clip_margin(n: int) -> int:
    """The per-point margin ``c`` of :func:`clipped_tails`: ``ceil(sqrt(n))``."""
    return math.isqrt(n - 1) + 1 if n > 0 else 0


def clipped_score(n: int, k: int) -> int:
    """One point's share of the mixture statistic: ``max(0, 2k - n - c(n))``."""
    return max(0, 2 * k - n - clip_margin(n))


def clipped_tails(ns: list[int]) -> list[float]:
    """Null tail of ``T = sum of clipped_score(n_p, k_p)`` over independent points.

    Under "unrelated recipient", each ``k_p ~ Binomial(n_p, 1/2)`` independently, so the
    distribution of ``T`` is the convolution of the points' clipped distributions. A copy
    that contributes only some of the points scores high on those and about zero elsewhere,
    which this statistic tolerates and the plain binomial does not.

    Args:
        ns: bits observed per point.

    Returns:
        ``tails[t] = P(T >= t)`` for ``t = 0 .. max T`` (exact up to float rounding; values
        below about 1e-300 underflow to 0).
    """
    dist = np.ones(1)
    for n in ns:
        if n <= 0:
            continue
        pmf = np.zeros(max(0, n - clip_margin(n)) + 1)
        lgn = math.lgamma(n + 1) - n * math.log(2.0)
        for k in range(n + 1):
            pmf[clipped_score(n, k)] += math.exp(lgn - math.lgamma(k + 1)
                                                 - math.lgamma(n - k + 1))
        dist = np.convolve(dist, pmf)
    tails = np.minimum(1.0, np.cumsum(dist[::-1])[::-1])
    return [float(x) for x in tails]


def format_p(log10_p: float) -> str:
    """A p-value given as its log10, readable even far below the smallest float."""
    if not math.isfinite(log10_p):
        return "0"
    if log10_p > -4:
        return f"{10 ** log10_p:.3g}"
    exp = math.floor(log10_p)
    mant = 10 ** (log10_p - exp)
    if mant >= 9.95:
        mant, exp = 1.0, exp + 1
    return f"{mant:.1f}e{exp}"
