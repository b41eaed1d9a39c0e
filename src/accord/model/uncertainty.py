"""Uncertain numbers: a nominal value, an optional distribution and the reason for it.

Every preference number in a scenario is a :class:`Param`. Its ``value`` is used for
point evaluation; its ``dist`` is sampled by the robustness analysis; ``rationale`` and
``sources`` say why the modeller chose it (an explicit assumption).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from accord.model.errors import ScenarioError


class DistKind(StrEnum):
    """Shapes of uncertainty a parameter can carry."""

    UNIFORM = "uniform"
    TRIANGULAR = "triangular"
    NORMAL = "normal"


@dataclass(frozen=True, slots=True)
class Distribution:
    """A distribution over a parameter, always bounded to ``[low, high]``.

    ``uniform`` draws evenly from the range; ``triangular`` peaks at ``mode``;
    ``normal`` has mean ``mode`` and standard deviation ``sd`` and is truncated to the
    range by rejection-free clipping.
    """

    kind: DistKind
    low: float
    high: float
    mode: float
    sd: float = 0.0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.low) and math.isfinite(self.high)):
            raise ScenarioError("range bounds must be finite numbers")
        if self.low > self.high:
            raise ScenarioError(f"range [{self.low}, {self.high}] has low > high")
        if not self.low <= self.mode <= self.high:
            raise ScenarioError(
                f"nominal value {self.mode} lies outside its range [{self.low}, {self.high}]"
            )
        if self.kind is DistKind.NORMAL and not self.sd > 0:
            raise ScenarioError("a normal distribution needs sd > 0")

    def sample(self, rng: np.random.Generator, n: int) -> NDArray[np.float64]:
        """Draw ``n`` values with ``rng``."""
        if self.low == self.high:
            return np.full(n, self.low)
        if self.kind is DistKind.UNIFORM:
            return rng.uniform(self.low, self.high, n)
        if self.kind is DistKind.TRIANGULAR:
            return rng.triangular(self.low, self.mode, self.high, n)
        draws = rng.normal(self.mode, self.sd, n)
        return np.clip(draws, self.low, self.high)


@dataclass(frozen=True, slots=True)
class Param:
    """A number that may be uncertain, with the modeller's reason for it."""

    value: float
    dist: Distribution | None = None
    rationale: str = ""
    sources: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if not math.isfinite(self.value):
            raise ScenarioError(f"{self.value!r} is not a finite number")

    @property
    def uncertain(self) -> bool:
        """Whether sampling can move this parameter away from its value."""
        return self.dist is not None and self.dist.low < self.dist.high

    def scaled(self, factor: float) -> Param:
        """The same assumption in units multiplied by ``factor`` (> 0)."""
        dist = self.dist
        if dist is not None:
            dist = Distribution(
                dist.kind, dist.low * factor, dist.high * factor, dist.mode * factor,
                dist.sd * factor,
            )
        return Param(self.value * factor, dist, self.rationale, self.sources)


def fixed(value: float) -> Param:
    """A certain parameter."""
    return Param(float(value))


def uniform(value: float, low: float, high: float, rationale: str = "") -> Param:
    """A parameter uniformly uncertain in ``[low, high]``."""
    return Param(
        float(value),
        Distribution(DistKind.UNIFORM, float(low), float(high), float(value)),
        rationale,
    )
