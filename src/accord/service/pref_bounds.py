"""Numbers in a submitted preferences block: finite, bounded, reservation in range.

A weight of 1e308 makes the weight sum overflow and every package score 0, so every
number of a block (weights, values, reservation, interactions, credibilities, scales,
ranges) must be finite and at most :data:`LIMIT` in magnitude. In the weights form the
reservation is a utility, so it (its value and its range) must lie in [0, 1]; in the
scores form it is in the sheet's own points and only the general bound applies.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

from accord.service.errors import InvalidInputError

LIMIT = 1e12


def _numbers(value: Any, path: str) -> Iterator[tuple[str, float]]:
    if isinstance(value, bool):
        return
    if isinstance(value, int | float):
        yield path, float(value)
    elif isinstance(value, Mapping):
        for k, v in value.items():
            yield from _numbers(v, f"{path}.{k}")
    elif isinstance(value, list | tuple):
        for k, v in enumerate(value):
            yield from _numbers(v, f"{path}[{k}]")


def check_numbers(block: Mapping[str, Any], where: str = "preferences") -> None:
    """Raise 422 naming the first number out of bounds."""
    for path, x in _numbers(block, where):
        if not math.isfinite(x) or abs(x) > LIMIT:
            raise InvalidInputError(f"{path}: must be a finite number of magnitude at most "
                                    f"{LIMIT:.0e}")
    if block.get("form", "weights") == "weights":
        for path, x in _numbers(block.get("reservation", 0.0), f"{where}.reservation"):
            if not 0.0 <= x <= 1.0:
                raise InvalidInputError(f"{path}: a reservation in the weights form is a "
                                        "utility, between 0 and 1")
