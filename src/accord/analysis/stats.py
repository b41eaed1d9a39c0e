"""Small statistics shared by the Monte Carlo analyses."""

from __future__ import annotations

import math

#: The 97.5% quantile of the standard normal: two-sided 95% intervals.
Z95 = 1.959963984540054


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion.

    Wilson, "Probable inference, the law of succession, and statistical inference",
    *JASA* 22, 1927. Steps: (1) the observed proportion ``p``; (2) the interval's centre
    ``(p + z²/2n) / (1 + z²/n)`` and half-width
    ``z √(p(1−p)/n + z²/4n²) / (1 + z²/n)``; (3) the ends are exactly 0 (no success) or
    1 (all successes) at the extremes. ``n = 0`` gives ``(0, 1)``.
    """
    if n == 0:
        return (0.0, 1.0)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return (low, high)
