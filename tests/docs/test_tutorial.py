"""The tutorial's scenario and claims stay true."""

from __future__ import annotations

import re
from pathlib import Path

from accord.analysis.evaluate import evaluate_all
from accord.formats.scenario_file import loads_scenario

TUTORIAL = Path(__file__).parents[2] / "docs" / "tutorial.md"


def test_tutorial_scenario_loads_and_behaves_as_described() -> None:
    block = re.search(r"```yaml\n(.*?)```", TUTORIAL.read_text(), re.S)
    assert block is not None
    s = loads_scenario(block.group(1), "river.yaml")
    first, compromise, walk = evaluate_all(s)
    assert not first.outcome("S").acceptable and not first.ratified
    assert compromise.ratified
    assert walk.plan.no_deal
