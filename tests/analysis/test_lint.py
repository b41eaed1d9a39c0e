"""Each lint rule fires on the smell it names, and only there."""

from __future__ import annotations

from accord.analysis.lint import lint
from accord.formats.scenario_file import loads_scenario

from ..formats.test_plan_file import HEAD


def codes(text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in lint(loads_scenario(text, "t.yaml")):
        out.setdefault(f.code, []).append(f.where)
    return out


def test_a_clean_toy_has_only_source_findings() -> None:
    assert set(codes(HEAD)) == {"unsourced-number"}


def test_default_on_red_line_and_assumed_choice_on_red_line() -> None:
    text = HEAD.replace("  B:\n", "    red_lines: [nato.none]\n  B:\n", 1)
    text += "plans:\n  - {id: p, choices: {land: cede}}\n"
    found = codes(text)
    assert found["default-on-red-line"] == ["issues.nato.default"]
    assert found["assumed-choice-on-red-line"] == ["plans.p"]


def test_reported_choice_on_red_line_is_not_a_smell() -> None:
    text = HEAD.replace("  B:\n", "    red_lines: [nato.ban]\n  B:\n", 1)
    text += "plans:\n  - {id: p, choices: {land: cede, nato: ban, money: some}}\n"
    assert "assumed-choice-on-red-line" not in codes(text)


def test_range_that_is_a_point() -> None:
    text = HEAD.replace("weights: {land: 1, nato: 1, money: 1}",
                        "weights: {land: {value: 1, range: [1, 1]}, nato: 1, money: 1}", 1)
    assert codes(text)["range-is-point"] == ["preferences.A.weights.land"]


def test_non_compensatory_weights() -> None:
    issues = "".join(f"  - {{id: s{k}, title: S{k}, options: [{{id: x}}, {{id: y}}]}}\n"
                     for k in range(4))
    text = HEAD.replace("preferences:\n", issues + "preferences:\n")
    text = text.replace("weights: {land: 1, nato: 1, money: 1}",
                        "weights: {land: 4, nato: 0.5, money: 0.5, s0: 1, s1: 1, s2: 1, s3: 1}",
                        1)
    text = text.replace("      money: {none: 0, some: 1}\n",
                        "      money: {none: 0, some: 1}\n"
                        + "".join(f"      s{k}: {{x: 0, y: 1}}\n" for k in range(4)), 1)
    assert codes(text)["non-compensatory"] == ["preferences.A.weights"]
    # With the first priority worth more than all the rest together, nothing to report.
    heavy = text.replace("land: 4,", "land: 20,")
    assert "non-compensatory" not in codes(heavy)


def test_invented_without_why_is_an_error() -> None:
    text = HEAD.replace('invented: true, why: "a compromise"', "invented: true")
    found = lint(loads_scenario(text, "t.yaml"))
    assert found[0].code == "invented-without-why" and found[0].severity == "error"
    assert found[0].where == "issues.land.options.swap"
