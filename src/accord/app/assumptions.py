"""The explicit modelling choices of a scenario.

Every justified or uncertain number, every soft red line (with its probability of holding)
and every linkage, in the form the report, the web workbench and the CLI list them.
"""

from __future__ import annotations

from dataclasses import dataclass

from accord.analysis.tables import ParameterSpace
from accord.model import Param, Scenario

__all__ = ["Assumption", "assumptions"]

@dataclass(frozen=True)
class Assumption:
    """An explicit modelling choice: an uncertain or justified number, or a linkage.

    ``party`` is the party whose preferences hold the number ("" for a linkage).
    """

    what: str
    party: str
    value: str
    spread: str
    why: str
    sources: tuple[str, ...]


def _spread(p: Param) -> str:
    d = p.dist
    if d is None or not p.uncertain:
        return "fixed"
    shape = d.kind.value
    extra = f", sd {d.sd:g}" if d.sd else ""
    return f"{shape} [{d.low:g}, {d.high:g}]{extra}"


def assumptions(scenario: Scenario) -> list[Assumption]:
    """Every uncertain or justified number, every soft red line, and every linkage."""
    out = []
    for ref in ParameterSpace(scenario).refs:
        p = ref.param
        if p.uncertain or p.rationale or p.sources:
            out.append(Assumption(ref.label, ref.party, f"{p.value:g}", _spread(p),
                                  p.rationale, p.sources))
    for pid in (*scenario.party_ids, *scenario.constituent_ids):
        prefs = scenario.preferences[pid]
        for k, t in enumerate(prefs.terms):
            if t.rationale and not t.value.rationale:
                when = " and ".join(str(c) for c in t.conditions)
                out.append(Assumption(f"{pid} interaction {k + 1} ({when})", pid,
                                      f"{t.value.value:g}", _spread(t.value), t.rationale, ()))
        for (issue, option), odds in sorted(prefs.red_line_odds.items()):
            out.append(Assumption(f"{pid} red line {issue}={option} holds", pid,
                                  f"probability {odds.probability:g}",
                                  f"Bernoulli({odds.probability:g})", odds.rationale,
                                  odds.sources))
        for c in prefs.commitments:
            if c.rationale:
                out.append(Assumption(f"{pid} relies on {c.promisor} for {c.issue}={c.option}",
                                      pid, f"credibility {c.credibility.value:g}",
                                      _spread(c.credibility), c.rationale, ()))
    for con in scenario.constraints:
        out.append(Assumption(f"linkage {con.id}: {con.describe()}", "", "-", "-",
                              con.rationale, ()))
    return out
