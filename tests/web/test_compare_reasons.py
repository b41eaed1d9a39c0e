"""The compare page's reasons: a draft that breaks a linkage shows it, in the scenario's words."""

from __future__ import annotations

from dataclasses import replace

from accord.app import api
from accord.model import Plan
from accord.web.views import compare_view, refusal
from accord.web.workspace import Loaded


def test_a_broken_linkage_and_a_refusal_are_shown_in_words() -> None:
    s = api.load("ukraine-2025")
    link = next(c for c in s.constraints if c.id == "no-expansion-closes-door")
    base = s.complete(s.plan("geneva-19-point"))
    broken = Plan("broken", {**base, link.if_.issue: sorted(link.if_.options)[0],
                             link.then.issue: sorted(link.then.options)[0]},
                  title="A draft that breaks a linkage")
    variant = replace(s, plans=(*s.plans, broken))
    view = compare_view(Loaded("ukraine-2025", variant), ["geneva-19-point", "broken"])
    assert view.broken[0] == []
    (words,) = view.broken[1]
    assert "NATO" in words and "excludes" in words and "no-expansion" not in words
    (e28,) = api.evaluate(s, "us-28-point", dominance=False).plans
    why = refusal(s, e28, "UA")
    assert "red line on" in why and "vetoed by Ukraine (Ukrainian voters" in why
