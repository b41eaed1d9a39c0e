"""Ratification: from who accepts a plan to whether it passes, and who blocks it."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from accord.model import ACTIVE, RatificationRule, RuleKind

BoolArray = NDArray[np.bool_]


def ratified(accept: BoolArray, rule: RatificationRule, party_ids: Sequence[str]) -> BoolArray:
    """Whether each plan passes.

    Args:
        accept: ``(m, P)`` whether each party accepts each plan.
        rule: the ratification rule.
        party_ids: party ids in column order.

    Returns:
        ``(m,)`` booleans.
    """
    accept = np.asarray(accept, dtype=bool)
    veto = np.array([p in rule.veto for p in party_ids], dtype=bool)
    vetoed = (~accept & veto).any(axis=1)
    if rule.kind is RuleKind.UNANIMITY:
        return np.asarray(accept.all(axis=1))
    if rule.kind is RuleKind.K_OF_N:
        assert rule.k is not None
        return np.asarray((accept.sum(axis=1) >= rule.k) & ~vetoed)
    weights = _weights(rule, party_ids)
    assert rule.threshold is not None
    share = (accept * weights).sum(axis=1) / weights.sum()
    return np.asarray((share >= rule.threshold - ACTIVE) & ~vetoed)


def _weights(rule: RatificationRule, party_ids: Sequence[str]) -> NDArray[np.float64]:
    given = dict(rule.weights)
    weights = np.array([given.get(p, 1.0 if not given else 0.0) for p in party_ids])
    return weights if weights.sum() > 0 else np.ones(len(party_ids))


def blockers(accept: BoolArray, rule: RatificationRule, party_ids: Sequence[str]) -> list[str]:
    """The parties standing in the way of one plan (``accept`` of shape ``(P,)``).

    Under unanimity: every party that does not accept. Otherwise: the veto holders that
    do not accept, and, when the plan is short of the required count or weight, every
    other party that does not accept (any of them could carry it).
    """
    accept = np.asarray(accept, dtype=bool)
    if bool(ratified(accept[None, :], rule, party_ids)[0]):
        return []
    refusing = [p for p, a in zip(party_ids, accept, strict=True) if not a]
    if rule.kind is RuleKind.UNANIMITY:
        return refusing
    vetoing = [p for p in refusing if p in rule.veto]
    others = [p for p in refusing if p not in rule.veto]
    forced = np.array([a or p in rule.veto for p, a in zip(party_ids, accept, strict=True)])
    short = not bool(ratified(forced[None, :], rule, party_ids)[0])
    return vetoing + (others if short else [])
