"""The web plan editor shows the base draft's open points and assumed choices."""

from __future__ import annotations

from accord.app.api import evaluate
from accord.formats.scenario_file import loads_scenario
from accord.web.views import plan_from_query

from ..formats.test_plan_file import HEAD, PLANS


def test_editor_keeps_the_base_drafts_provenance_for_untouched_points() -> None:
    s = loads_scenario(HEAD + PLANS, "p.yaml")
    base = s.plan("second")
    untouched = plan_from_query(s, {}, base)
    assert untouched.open == base.open
    e = evaluate(s, untouched, dominance=False).plans[0]
    assert e.readings is not None and e.provenance["money"].why == "carried over from first"
    edited = plan_from_query(s, {"c.nato": "open-door", "c.money": "none"}, base)
    assert not edited.open and "money" not in edited.notes
