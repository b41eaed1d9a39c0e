"""Soft red lines: the file syntax, its errors, and robustness drawing whether they hold."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import accord
from accord.analysis.robustness import robustness
from accord.cli import app
from accord.formats.scenario_file import dump_scenario, loads_scenario
from accord.model import FileFormatError, RedLineOdds

SCENARIO = """\
accord: 1
id: soft
title: Soft red lines
sources: {S1: a source}
parties: [{id: A, name: Alpha}, {id: B}]
issues:
  - {id: x, title: X, options: [{id: a}, {id: b}]}
  - {id: y, title: Y, options: [{id: a}, {id: b}, {id: c}]}
preferences:
  A:
    weights: {x: 1, y: 1}
    values: {x: {a: 1, b: 0}, y: {a: 0.5, b: 1, c: 0}}
    reservation: 0.3
    red_lines:
      - x.b
      - {option: y.a, probability: 0.6, why: "may soften", sources: [S1]}
  B:
    weights: {x: 1, y: 1}
    values: {x: {a: 0, b: 1}, y: {a: 1, b: 0, c: 0.5}}
    reservation: 0.2
    red_lines:
      - {option: y.c, probability: 0.25}
plans:
  - {id: soft, choices: {x: a, y: a}}
  - {id: open, choices: {x: a, y: {open: [a, b]}}}
"""


def test_soft_and_certain_red_lines_are_read() -> None:
    s = loads_scenario(SCENARIO, "soft.yaml")
    a = s.preferences["A"]
    assert a.red_lines == frozenset({("x", "b"), ("y", "a")})
    assert a.red_line_odds == {("y", "a"): RedLineOdds(0.6, "may soften", ("S1",))}
    assert s.preferences["B"].red_line_odds[("y", "c")].probability == 0.25
    again = loads_scenario(dump_scenario(s), "again.yaml")
    assert again.preferences == s.preferences


def test_nominal_analysis_treats_a_soft_red_line_as_holding() -> None:
    s = loads_scenario(SCENARIO, "soft.yaml")
    outcome = accord.evaluate(s, "soft").plans[0].outcome("A")
    assert outcome.red_lines_hit == ("y.a",)
    assert not outcome.acceptable


@pytest.mark.parametrize(("old", "new", "reason", "anchor"), [
    ("probability: 0.6", "probability: 1.6", "less than or equal to 1", None),
    ("probability: 0.6", "probability: -0.1", "greater than or equal to 0", None),
    ("probability: 0.6", "probability: .nan", "finite", None),
    ("probability: 0.6", "probability: high", "number", None),
    ("option: y.a,", "option: y.z,", "no option 'z'", "    red_lines:"),
    ("sources: [S1]", "sources: [S9]", "S9", None),
])
def test_a_bad_soft_red_line_names_file_and_line(old: str, new: str, reason: str,
                                                 anchor: str | None) -> None:
    text = SCENARIO.replace(old, new)
    line = next(k for k, row in enumerate(text.splitlines(), 1) if (anchor or new) in row)
    with pytest.raises(FileFormatError) as info:
        loads_scenario(text, "soft.yaml")
    assert info.value.line == line
    assert reason in str(info.value)


def test_bad_probability_exits_2_on_the_cli(tmp_path: Path) -> None:
    path = tmp_path / "soft.yaml"
    path.write_text(SCENARIO.replace("probability: 0.6", "probability: 1.5"))
    for command in ("evaluate", "robustness"):
        run = CliRunner().invoke(app, [command, str(path)])
        assert run.exit_code == 2
        assert f"{path}:16" in run.stderr and "probability" in run.stderr


def test_robustness_draws_each_soft_red_line_with_its_probability() -> None:
    s = loads_scenario(SCENARIO, "soft.yaml")
    n = 4000
    result = robustness(s, list(s.plans), np.random.default_rng(7), n)
    soft = result.plans[0]
    # A accepts "soft" exactly when its red line on y.a does not hold (utility 0.75 > 0.3).
    tolerance = 4 * math.sqrt(0.6 * 0.4 / n)
    assert abs(soft.accept_probability["A"] - 0.4) < tolerance
    (driver,) = soft.structural
    assert driver.assumption == "Alpha's red line on y.a holds"
    assert driver.kind == "red_line" and driver.party == "A"
    assert abs(driver.frequency - 0.6) < tolerance
    assert driver.accept_effect["A"] == -1.0 and driver.ratify_effect is not None
    assert driver.accept_effect["B"] == 0.0
    # The open plan is read as y=a or y=b; B's soft red line on y.c is crossed by no reading.
    opened = result.plans[1]
    labels = {d.assumption for d in opened.structural}
    assert labels == {"Alpha's red line on y.a holds", "y read as a", "y read as b"}
    read_a = next(d for d in opened.structural if d.assumption == "y read as a")
    assert abs(read_a.frequency - 0.5) < 4 * math.sqrt(0.25 / n)
    # Read as y=a: B accepts (0.5 >= 0.2), A only when its soft red line fails (40%);
    # read as y=b: B refuses (0 < 0.2), A accepts (1.0).
    assert read_a.accept_effect["B"] == 1.0
    assert read_a.accept_effect["A"] is not None
    assert abs(read_a.accept_effect["A"] + 0.6) < 2 * tolerance
    as_json = opened.to_dict()["structural_drivers"]
    assert {d["assumption"] for d in as_json} == labels


def test_certain_red_lines_draw_nothing_so_old_seeds_give_old_answers() -> None:
    s = loads_scenario(SCENARIO.replace(
        "{option: y.a, probability: 0.6, why: \"may soften\", sources: [S1]}", "y.a").replace(
        "{option: y.c, probability: 0.25}", "y.c"), "hard.yaml")
    result = robustness(s, [s.plan("soft")], np.random.default_rng(7), 500)
    assert result.plans[0].accept_probability["A"] == 0.0
    assert result.plans[0].structural == ()
    assert result.plans[0].red_lines == ("A",)


def test_ukraine_robustness_keeps_its_shape() -> None:
    result = accord.robustness("ukraine-2025", samples=200, seed=1).to_dict()
    for plan in result["plans"]:
        assert isinstance(plan["structural_drivers"], list)


def test_the_mediation_room_labels_a_soft_red_line() -> None:
    from accord.web.room import Labels

    labels = Labels.of({"issues": [{"id": "y", "title": "Y", "point": 2,
                                    "options": [{"id": "a", "label": "Option A"}]}]})
    assert labels.option_ref("y.a") == "2. Y: Option A"
    assert labels.option_ref({"option": "y.a", "probability": 0.6}) == (
        "2. Y: Option A (holds with p = 0.6)")


def test_the_report_names_structural_assumptions() -> None:
    from accord.report.sections import robustness_section

    s = loads_scenario(SCENARIO, "soft.yaml")
    html = robustness_section(s, accord.robustness(s, samples=500, seed=3).raw)
    assert "Alpha&#x27;s red line on y.a holds" in html and "ΔP(ratified)" in html
    assert "y read as a" in html


def test_soft_red_lines_are_listed_among_the_assumptions() -> None:
    from accord.app.assumptions import assumptions

    s = loads_scenario(SCENARIO, "soft.yaml")
    found = {a.what: a for a in assumptions(s)}
    a = found["A red line y=a holds"]
    assert a.value == "probability 0.6" and a.why == "may soften" and a.sources == ("S1",)
    assert "B red line y=c holds" in found
