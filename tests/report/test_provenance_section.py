"""The report's drafts table shows how each draft's choices are known."""

from __future__ import annotations

from accord.app import api
from accord.formats.scenario_file import loads_scenario
from accord.report.sections import drafts_section

from ..formats.test_plan_file import HEAD, PLANS


def test_drafts_section_marks_assumed_open_and_invented_choices() -> None:
    s = loads_scenario(HEAD + PLANS, "p.yaml")
    html = drafts_section(s, list(api.evaluate(s, dominance=False)))
    assert "1 assumed" in html and "1 open" in html
    assert "invented: land.swap" in html
    assert "open points: " in html and "accepts under every reading" in html
    assert "carried over from first" in html
