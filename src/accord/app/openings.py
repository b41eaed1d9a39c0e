"""What would open a zone of agreement: the structural assumptions a "no agreement" rests on.

When no admissible package gives every party its reservation, the answer rests on the
structure of the model as much as on its numbers: a soft red line counted as holding, a
domestic constituent that vetoes. :func:`openings` relaxes each such assumption alone
(every soft red line of one party; one constituent not consulted) and asks the same exact
solver again, so a reader sees which assumption the "no agreement" depends on and what the
Nash package would be without it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from accord.model import NoAgreementError, Scenario

__all__ = ["Opening", "Relaxation", "describe", "opening", "relaxations"]


@dataclass(frozen=True)
class Relaxation:
    """One structural assumption, and the scenario without it.

    Attributes:
        what: the assumption relaxed, in words.
        kind: ``"soft red lines"`` or ``"constituent"``.
        who: the party (or constituent) whose assumption it is.
        points: the points the assumption is about (shown with the package).
        scenario: the scenario with the assumption relaxed.
    """

    what: str
    kind: str
    who: str
    points: tuple[str, ...]
    scenario: Scenario


@dataclass(frozen=True)
class Opening:
    """The answer of the solver with one assumption relaxed.

    Attributes:
        relaxation: what was relaxed.
        utilities: each party's utility in the package (empty: still no agreement).
        choices: the package's option per point (empty: still no agreement).
    """

    relaxation: Relaxation
    utilities: dict[str, float]
    choices: dict[str, str]

    @property
    def opens(self) -> bool:
        """Whether a zone of agreement exists with the assumption relaxed."""
        return bool(self.choices)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        r = self.relaxation
        return {"relaxed": r.what, "kind": r.kind, "who": r.who, "opens": self.opens,
                "utilities": self.utilities,
                "choices": {p: self.choices[p] for p in r.points} if self.opens else {}}


def relaxations(s: Scenario) -> list[Relaxation]:
    """Each structural assumption the nominal analysis makes, relaxed alone."""
    out = []
    for pid, prefs in s.preferences.items():
        if not prefs.red_line_odds:
            continue
        odds = sorted({f"{o.probability:g}" for o in prefs.red_line_odds.values()})
        new = replace(prefs, red_lines=prefs.red_lines - set(prefs.red_line_odds),
                      red_line_odds={})
        n = len(prefs.red_line_odds)
        what = (f"{s.title_of(pid)}'s soft red line{'s' if n > 1 else ''} "
                f"({n} option{'s' if n > 1 else ''}, held with probability "
                f"{' or '.join(odds)}) do{'' if n > 1 else 'es'} not hold")
        points = tuple(sorted({i for i, _ in prefs.red_line_odds}, key=s.issue_index))
        out.append(Relaxation(what, "soft red lines", pid, points,
                              replace(s, preferences={**s.preferences, pid: new})))
    for c in s.constituents:
        what = (f"{c.title} are not consulted ({s.party(c.parent).title}'s own acceptance "
                "decides)")
        points = tuple(sorted({i for i, _ in c.consulted_when}, key=s.issue_index))
        rest = tuple(x for x in s.constituents if x.id != c.id)
        kept = {k: v for k, v in s.preferences.items() if k != c.id}
        out.append(Relaxation(what, "constituent", c.id, points,
                              replace(s, constituents=rest, preferences=kept)))
    return out


def opening(r: Relaxation, solve: Callable[[Scenario], tuple[dict[str, float],
                                                            dict[str, str]]]) -> Opening:
    """Solve the relaxed scenario with ``solve`` (utilities and choices of a package)."""
    try:
        utilities, choices = solve(r.scenario)
    except NoAgreementError:
        return Opening(r, {}, {})
    return Opening(r, utilities, choices)


def describe(s: Scenario, o: Opening) -> str:
    """One sentence: what is relaxed and what the package then is, in the scenario's words."""
    if not o.opens:
        return f"if {o.relaxation.what}: still no zone of agreement"
    picks = "; ".join(f"{s.issue(i).title}: {s.issue(i).option(o.choices[i]).title}"
                      for i in o.relaxation.points)
    utilities = ", ".join(f"{p} {u:.3f}" for p, u in o.utilities.items())
    return f"if {o.relaxation.what}: a package exists ({picks}; {utilities})"
