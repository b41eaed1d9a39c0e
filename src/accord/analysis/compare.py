"""Compare two drafts point by point: what changed and who gained from the revision."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from accord.analysis.evaluate import PlanEvaluation, evaluate_plan
from accord.analysis.tables import Tables, compile_scenario
from accord.model import EPS, InvalidPlanError, Plan, Scenario


@dataclass(frozen=True)
class PointChange:
    """One point whose option differs between the two drafts."""

    issue: str
    title: str
    before: str
    after: str
    before_open: bool
    after_open: bool
    utility_change: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"issue": self.issue, "title": self.title, "before": self.before,
                "after": self.after, "before_open": self.before_open,
                "after_open": self.after_open, "utility_change": self.utility_change}


@dataclass(frozen=True)
class Comparison:
    """The difference between draft ``a`` and its revision ``b``."""

    a: PlanEvaluation
    b: PlanEvaluation
    changes: tuple[PointChange, ...]
    unchanged: tuple[str, ...]
    utility_change: dict[str, float]
    winners: tuple[str, ...]
    losers: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (see ``docs/reference/json-output.md``)."""
        return {
            "from": self.a.plan.id,
            "to": self.b.plan.id,
            "changes": [c.to_dict() for c in self.changes],
            "unchanged": list(self.unchanged),
            "utility_change": self.utility_change,
            "gained": list(self.winners),
            "lost": list(self.losers),
            "acceptable_before": {o.party: o.acceptable for o in self.a.parties},
            "acceptable_after": {o.party: o.acceptable for o in self.b.parties},
            "ratified_before": self.a.ratified,
            "ratified_after": self.b.ratified,
        }


def compare(scenario: Scenario, a: Plan, b: Plan, tables: Tables | None = None,
            *, eps: float = EPS) -> Comparison:
    """Point-by-point diff of ``a`` and ``b`` with each party's utility change.

    A point's utility change is the change of each party's weighted value on that point
    alone (interaction terms are attributed to the plan total, not to points). ``gained``
    lists the parties whose total utility rose by more than ``eps``.
    """
    if a.no_deal or b.no_deal:
        raise InvalidPlanError("compare two drafts; 'no deal' has no points to compare")
    tables = tables or compile_scenario(scenario)
    ea = evaluate_plan(scenario, a, tables, dominance_limit=0)
    eb = evaluate_plan(scenario, b, tables, dominance_limit=0)
    util = tables.util[0]
    lay = tables.layout
    changes = []
    unchanged = []
    for i, issue in enumerate(scenario.issues):
        before, after = ea.choices[issue.id], eb.choices[issue.id]
        if before == after and (issue.id in a.choices) == (issue.id in b.choices):
            unchanged.append(issue.id)
            continue
        ka, kb = issue.index(before), issue.index(after)
        delta = util[lay.offsets[i] + kb] - util[lay.offsets[i] + ka]
        changes.append(PointChange(
            issue.id, issue.title, before, after, issue.id not in a.choices,
            issue.id not in b.choices,
            {pid: float(delta[k]) for k, pid in enumerate(scenario.party_ids)},
        ))
    total = {o.party: eb.outcome(o.party).utility - o.utility for o in ea.parties}
    return Comparison(
        ea, eb, tuple(changes), tuple(unchanged), total,
        tuple(p for p, d in total.items() if d > eps),
        tuple(p for p, d in total.items() if d < -eps),
    )
