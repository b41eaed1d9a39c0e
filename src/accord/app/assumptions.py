"""The explicit modelling choices of a scenario.

Every justified or uncertain number, every soft red line (with its probability of holding)
and every linkage, in the form the report, the web workbench and the CLI list them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from accord.analysis.tables import ParameterSpace
from accord.model import Param, Scenario
from accord.model.constraints import Constraint, Selector

__all__ = ["Assumption", "assumptions", "linkage_words"]

@dataclass(frozen=True)
class Assumption:
    """An explicit modelling choice: an uncertain or justified number, or a linkage.

    ``party`` is the party whose preferences hold the number ("" for a linkage). ``what``
    names it by ids (as the CLI and the report list it); ``label`` says the same in the
    scenario's words (party names, point titles, option labels); ``kind`` is what sort of
    number it is (``weight``, ``value``, ``reservation``, ``credibility``, ``value if
    broken``, ``scale``, ``interaction``, ``linkage``) and ``point`` the point it is about
    ("" when none), so that a reader can group and filter them.
    """

    what: str
    party: str
    value: str
    spread: str
    why: str
    sources: tuple[str, ...]
    label: str = ""
    kind: str = ""
    point: str = ""


def _spread(p: Param) -> str:
    d = p.dist
    if d is None or not p.uncertain:
        return "fixed"
    shape = d.kind.value
    extra = f", sd {d.sd:g}" if d.sd else ""
    return f"{shape} [{d.low:g}, {d.high:g}]{extra}"


_REF = re.compile(r"^(?P<party>\S+) (?:(?P<kind>weight|value if broken|value|reservation|scale|"
                  r"interaction)|credibility of (?P<promisor>\S+) on)(?: (?P<rest>.*))?$")


def _title(scenario: Scenario, pid: str) -> str:
    """A party's title, or ``Constituent (of Party)`` for a domestic constituent."""
    parent = next((c.parent for c in scenario.constituents if c.id == pid), None)
    title = scenario.title_of(pid)
    return title if parent is None else f"{title} (of {scenario.title_of(parent)})"


def _point(scenario: Scenario, issue_id: str) -> str:
    issue = scenario.issue(issue_id)
    return f"{issue.point}. {issue.title}" if issue.point is not None else issue.title


def _option(scenario: Scenario, ref: str) -> tuple[str, str]:
    """``issue=option`` -> (issue id, "“option label” on point label")."""
    issue_id, _, option_id = ref.partition("=")
    title = scenario.issue(issue_id).option(option_id).title
    return issue_id, f"“{title}” on {_point(scenario, issue_id)}"


def _selector(scenario: Scenario, sel: Selector) -> str:
    issue = scenario.issue(sel.issue)
    options = " or ".join(f"“{o.title}”" for o in issue.options if o.id in sel.options)
    return f"{_point(scenario, sel.issue)} is {options}"


def linkage_words(scenario: Scenario, con: Constraint) -> str:
    """A linkage in the scenario's words (point titles and option labels, not ids)."""
    return f"{_selector(scenario, con.if_)} {con.kind.value} {_selector(scenario, con.then)}"


def _labelled(scenario: Scenario, label: str) -> tuple[str, str, str]:
    """(words, kind, point id) for a parameter's label (see ``ParameterSpace``)."""
    m = _REF.match(label)
    if m is None:
        return label, "", ""
    party = _title(scenario, m["party"])
    kind, rest = m["kind"], m["rest"] or ""
    if m["promisor"]:
        issue_id, where = _option(scenario, rest)
        promisor = scenario.party(m["promisor"]).title
        return (f"{party}: credibility of {promisor}'s promise of {where}", "credibility",
                issue_id)
    if kind == "weight":
        return f"{party}: weight of {_point(scenario, rest)}", kind, rest
    if kind in ("value", "value if broken"):
        issue_id, where = _option(scenario, rest)
        return f"{party}: {kind} of {where}", kind, issue_id
    return f"{party}: {kind}{' ' + rest if rest else ''}", kind, ""


def assumptions(scenario: Scenario) -> list[Assumption]:
    """Every uncertain or justified number, every soft red line, and every linkage."""
    out = []
    for ref in ParameterSpace(scenario).refs:
        p = ref.param
        if p.uncertain or p.rationale or p.sources:
            words, kind, point = _labelled(scenario, ref.label)
            out.append(Assumption(ref.label, ref.party, f"{p.value:g}", _spread(p),
                                  p.rationale, p.sources, words, kind, point))
    for pid in (*scenario.party_ids, *scenario.constituent_ids):
        prefs = scenario.preferences[pid]
        for k, t in enumerate(prefs.terms):
            if t.rationale and not t.value.rationale:
                when = " and ".join(str(c) for c in t.conditions)
                words = " and ".join(_selector(scenario, c) for c in t.conditions)
                out.append(Assumption(f"{pid} interaction {k + 1} ({when})", pid,
                                      f"{t.value.value:g}", _spread(t.value), t.rationale, (),
                                      f"{_title(scenario, pid)}: interaction {k + 1} "
                                      f"(when {words})", "interaction",
                                      t.conditions[0].issue))
        for (issue, option), odds in sorted(prefs.red_line_odds.items()):
            _, where = _option(scenario, f"{issue}={option}")
            out.append(Assumption(f"{pid} red line {issue}={option} holds", pid,
                                  f"probability {odds.probability:g}",
                                  f"Bernoulli({odds.probability:g})", odds.rationale,
                                  odds.sources,
                                  f"{_title(scenario, pid)}: red line on {where} holds",
                                  "red line", issue))
        for c in prefs.commitments:
            if c.rationale:
                _, where = _option(scenario, f"{c.issue}={c.option}")
                out.append(Assumption(f"{pid} relies on {c.promisor} for {c.issue}={c.option}",
                                      pid, f"credibility {c.credibility.value:g}",
                                      _spread(c.credibility), c.rationale, (),
                                      f"{_title(scenario, pid)} relies on "
                                      f"{scenario.party(c.promisor).title} for {where}",
                                      "credibility", c.issue))
    for con in scenario.constraints:
        out.append(Assumption(f"linkage {con.id}: {con.describe()}", "", "-", "-",
                              con.rationale, (), f"linkage: {linkage_words(scenario, con)}",
                              "linkage", con.if_.issue))
    return out
