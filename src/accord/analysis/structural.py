"""Structural uncertainty for robustness: soft red lines and readings of open points.

Numbers are not the only assumptions of a scenario. A soft red line (a red line declared
with a probability) may or may not hold; an open point of a plan may be read as any of
the options still on the table. Robustness draws both per draw, alongside the numbers:
each soft red line holds in a draw with its probability (independent Bernoulli draws),
and each draw takes one reading of a plan's open points. This module draws the red lines,
says which red lines each (draw, plan) crosses, and measures the effect of each
structural assumption as the difference of conditional frequencies, e.g.
``P(accept | holds) - P(accept | does not hold)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from accord.analysis.tables import Tables
from accord.model import Plan, Scenario

BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class SoftRedLine:
    """A soft red line in array form: its owner, option and probability of holding."""

    party: int
    party_id: str
    issue: int
    option: int
    ref: str
    probability: float
    rationale: str


def soft_red_lines(scenario: Scenario) -> tuple[SoftRedLine, ...]:
    """Every soft red line of the scenario, party by party in file order of points."""
    out = []
    for p, pid in enumerate(scenario.party_ids):
        prefs = scenario.preferences[pid]
        for (issue_id, option_id), odds in sorted(prefs.red_line_odds.items()):
            out.append(SoftRedLine(
                p, pid, scenario.issue_index(issue_id),
                scenario.issue(issue_id).index(option_id), f"{issue_id}.{option_id}",
                odds.probability, odds.rationale))
    return tuple(out)


def red_lines_crossed(tables: Tables, soft: tuple[SoftRedLine, ...], packages: IntArray,
                      pick: IntArray, holds: BoolArray) -> BoolArray:
    """``(S, plans, P)``: which parties' red lines, as drawn, each (draw, plan) crosses.

    A certain red line always holds; soft red line ``k`` holds in draw ``s`` when
    ``holds[s, k]``.

    Args:
        tables: the nominal tables (their ``red`` marks every red line, soft or certain).
        soft: the soft red lines.
        packages: ``(R, issues)`` the readings of every plan.
        pick: ``(S, plans)`` the row of ``packages`` each draw evaluates for each plan.
        holds: ``(S, len(soft))`` whether each soft red line holds in each draw.
    """
    certain = tables.red.copy()
    for r in soft:
        certain[int(tables.layout.offsets[r.issue]) + r.option, r.party] = False
    flat = tables.layout.flat(np.asarray(packages, dtype=np.int64))
    out: BoolArray = np.asarray(certain[flat].any(axis=1))[pick]
    for k, r in enumerate(soft):
        hit = packages[:, r.issue] == r.option  # (R,)
        out[:, :, r.party] |= hit[pick] & holds[:, k, None]
    return out


@dataclass(frozen=True)
class StructuralDriver:
    """A structural assumption and how much the outcome moves with it.

    ``frequency`` is the share of draws in which the assumption holds; the effects are
    ``P(· | holds) - P(· | does not hold)`` over the draws (``None`` when it held in every
    draw or in none, so that there is nothing to compare).
    """

    assumption: str
    kind: str
    party: str
    frequency: float
    ratify_effect: float | None
    accept_effect: dict[str, float | None]
    rationale: str = ""

    @property
    def strength(self) -> float:
        """The largest absolute effect (for ranking)."""
        effects = [self.ratify_effect, *self.accept_effect.values()]
        return max((abs(e) for e in effects if e is not None), default=0.0)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"assumption": self.assumption, "kind": self.kind, "party": self.party,
                "frequency": self.frequency, "ratify_effect": self.ratify_effect,
                "accept_effect": self.accept_effect, "why": self.rationale}


def _effect(condition: BoolArray, outcome: BoolArray) -> float | None:
    yes = int(condition.sum())
    if yes == 0 or yes == condition.shape[0]:
        return None
    return float(outcome[condition].mean() - outcome[~condition].mean())


def structural_drivers(scenario: Scenario, plan: Plan, soft: tuple[SoftRedLine, ...],
                       holds: BoolArray, readings: IntArray, accept: BoolArray,
                       passed: BoolArray) -> list[StructuralDriver]:
    """The structural assumptions of one plan with their effects, strongest first.

    Args:
        scenario: the scenario.
        plan: the plan.
        soft: the soft red lines.
        holds: ``(S, len(soft))`` whether each soft red line held in each draw.
        readings: ``(S, issues)`` the package (reading) each draw evaluated.
        accept: ``(S, P)`` whether each party accepted in each draw.
        passed: ``(S,)`` whether the plan was ratified in each draw.
    """
    ids = scenario.party_ids
    names = {p.id: p.name or p.id for p in scenario.parties}
    out = []
    crossed = [bool((readings[:, r.issue] == r.option).any()) for r in soft]
    for k, r in enumerate(soft):
        if not crossed[k]:
            continue  # no reading of the plan touches this red line: it cannot matter
        cond = holds[:, k]
        out.append(StructuralDriver(
            f"{names[r.party_id]}'s red line on {r.ref} holds", "red_line", r.party_id,
            float(cond.mean()), _effect(cond, passed),
            {pid: _effect(cond, accept[:, q]) for q, pid in enumerate(ids)}, r.rationale))
    for issue_id, options in plan.open.items():
        i = scenario.issue_index(issue_id)
        issue = scenario.issue(issue_id)
        on_table = [o.id for o in issue.options if o.id in options]
        if len(on_table) < 2:
            continue
        for option_id in on_table:
            cond = readings[:, i] == issue.index(option_id)
            out.append(StructuralDriver(
                f"{issue_id} read as {option_id}", "reading", "", float(cond.mean()),
                _effect(cond, passed),
                {pid: _effect(cond, accept[:, q]) for q, pid in enumerate(ids)}))
    out.sort(key=lambda d: -d.strength)
    return out
