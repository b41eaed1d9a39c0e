"""Rules that decide whether a plan is ratified, given who accepts it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from accord.model.errors import ScenarioError


class RuleKind(StrEnum):
    """The supported ratification rules."""

    UNANIMITY = "unanimity"
    K_OF_N = "k-of-n"
    WEIGHTED_MAJORITY = "weighted-majority"


@dataclass(frozen=True, slots=True)
class RatificationRule:
    """How acceptances turn into ratification.

    * ``unanimity``: every party must accept.
    * ``k-of-n``: at least ``k`` parties accept and every party in ``veto`` accepts.
    * ``weighted-majority``: the accepting parties' ``weights`` add up to at least
      ``threshold`` of the total, and every party in ``veto`` accepts.
    """

    kind: RuleKind = RuleKind.UNANIMITY
    k: int | None = None
    veto: frozenset[str] = frozenset()
    weights: tuple[tuple[str, float], ...] = field(default=())
    threshold: float | None = None

    def __post_init__(self) -> None:
        where = "ratification"
        if self.kind is RuleKind.K_OF_N:
            if self.k is None or self.k < 1:
                raise ScenarioError("k-of-n needs k >= 1", where)
        elif self.k is not None:
            raise ScenarioError(f"k only applies to k-of-n, not {self.kind.value}", where)
        if self.kind is RuleKind.WEIGHTED_MAJORITY:
            if self.threshold is None or not 0 < self.threshold <= 1:
                raise ScenarioError("weighted-majority needs 0 < threshold <= 1", where)
            if any(w < 0 for _, w in self.weights):
                raise ScenarioError("voting weights must be >= 0", where)
        if self.kind is RuleKind.UNANIMITY and self.veto:
            raise ScenarioError("under unanimity every party already holds a veto", where)

    def describe(self) -> str:
        """One line in plain words."""
        veto = f", veto: {', '.join(sorted(self.veto))}" if self.veto else ""
        if self.kind is RuleKind.K_OF_N:
            return f"at least {self.k} parties accept{veto}"
        if self.kind is RuleKind.WEIGHTED_MAJORITY:
            return f"accepting weight >= {self.threshold:.0%} of the total{veto}"
        return "every party accepts"
