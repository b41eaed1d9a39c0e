"""Provenance, open points, invented options and lint on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accord.cli import app

from ..formats.test_plan_file import HEAD, PLANS

runner = CliRunner()

LINK = """\
constraints:
  - {id: no-ban-with-cede, kind: excludes, if: land.cede, then: nato.ban}
"""


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def prov(tmp_path: Path) -> str:
    path = tmp_path / "prov.yaml"
    path.write_text(HEAD + LINK + PLANS, encoding="utf-8")
    return str(path)


def test_evaluate_json_gives_provenance_and_open_ranges(prov: str) -> None:
    code, out, _ = run("evaluate", prov, "--json")
    assert code == 0
    plans = {p["plan"]: p for p in json.loads(out)["plans"]}
    assert plans["second"]["provenance"] == {"land": "reported", "nato": "open",
                                             "money": "assumed"}
    assert plans["second"]["provenance_notes"]["money"]["why"] == "carried over from first"
    readings = plans["second"]["readings"]
    assert readings["open_points"] == {"nato": ["ban", "open-door"]}
    assert readings["count"] == 2 and readings["exact"] is True
    assert readings["parties"]["A"]["min"] <= plans["second"]["parties"]["A"]["utility"]
    assert plans["first"]["readings"] is None
    assert plans["first"]["violations"] == ["no-ban-with-cede"]
    assert plans["second"]["invented"] == ["land.swap"]


def test_evaluate_table_marks_assumed_open_and_broken_linkages(prov: str) -> None:
    code, out, _ = run("evaluate", prov)
    assert code == 0
    assert "no-ban-with-c" in out  # the broken linkage is in the table, not only the JSON
    assert "1 R 1 A 1 O" in out
    assert "carried over from first" in out
    assert "nato {ban, open-door}" in out
    assert "invented" in out and "a compromise" in out
    assert "exact: every one of the 2 readings" in out


def test_bundled_ukraine_has_provenance_for_every_choice_of_every_plan() -> None:
    code, out, _ = run("evaluate", "ukraine-2025", "--json")
    assert code == 0
    data = json.loads(out)
    n_points = len(data["plans"][0]["choices"])
    for plan in data["plans"]:
        if plan["no_deal"]:
            assert plan["provenance"] == {}
            continue
        assert len(plan["provenance"]) == n_points
        assert set(plan["provenance"].values()) <= {"reported", "assumed", "open"}
    twenty = next(p for p in data["plans"] if p["plan"] == "us-ukraine-20-point")
    assert "assumed" in twenty["provenance"].values()
    # one carry-over rule: December inherits from Geneva, whose bracketed points stay open
    assert twenty["provenance"]["nato"] == "open"
    assert twenty["provenance_notes"]["sovereignty"]["why"] == "carried over from geneva-19-point"
    geneva = next(p for p in data["plans"] if p["plan"] == "geneva-19-point")
    assert {k for k, v in geneva["provenance"].items() if v == "open"} == {
        "enlargement", "russia-nato", "nato", "territory"}  # audit H1: points 3, 4, 7, 21


def test_solve_and_improve_say_when_they_rely_on_an_invented_option(tmp_path: Path) -> None:
    # The invented swap is better for both than leaving land as it is, or than a cession.
    text = HEAD.replace("land: {none: 0.5, cede: 0, swap: 0.4}",
                        "land: {none: 0.3, cede: 0, swap: 0.4}")
    text = text.replace("land: {none: 0.5, cede: 1, swap: 0.6}",
                        "land: {none: 0.3, cede: 1, swap: 0.6}")
    text = text.replace("  B:\n", "    red_lines: [land.cede]\n  B:\n", 1)
    text += "plans:\n  - {id: p, choices: {land: none, nato: none, money: none}}\n"
    path = tmp_path / "inv.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, _ = run("solve", str(path), "--concept", "nash", "--json")
    assert code == 0, out
    sol = json.loads(out)["solutions"][0]
    assert sol["choices"]["land"] == "swap"
    assert sol["invented"] == [{"option": "land.swap", "why": "a compromise"}]
    code, out, _ = run("solve", str(path), "--concept", "nash")
    assert "relies on an invented option" in out and "land.swap" in out
    code, out, _ = run("improve", str(path), "p", "--json")
    assert code == 0
    items = json.loads(out)["improvements"]
    assert items and all(
        (it["choices"]["land"] == "swap") == bool(it["invented"]) for it in items)


def test_lint_warnings_exit_0_errors_exit_2_with_lines(prov: str, tmp_path: Path) -> None:
    code, out, _ = run("lint", prov, "--json")
    assert code == 0
    data = json.loads(out)
    codes = {f["code"] for f in data["findings"]}
    assert {"plan-breaks-linkage", "unsourced-number"} <= codes
    assert data["errors"] == 0
    text = Path(prov).read_text(encoding="utf-8")
    broken = next(f for f in data["findings"] if f["code"] == "plan-breaks-linkage")
    assert text.splitlines()[broken["line"] - 1].strip() == "- id: first"
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace('{id: swap, invented: true, why: "a compromise"}',
                                "{id: swap, invented: true}"), encoding="utf-8")
    code, out, _ = run("lint", str(bad))
    assert code == 2
    line = next(k for k, t in enumerate(bad.read_text().splitlines(), 1) if "id: swap" in t)
    assert f"bad.yaml:{line}: error invented-without-why" in out


def test_lint_of_a_file_that_does_not_load_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(HEAD + "plans:\n  - {id: a, inherits: ghost, choices: {}}\n",
                   encoding="utf-8")
    code, _, err = run("lint", str(bad))
    assert code == 2
    assert "bad.yaml:" in err and "ghost" in err


def test_lint_of_the_bundled_scenarios_has_no_errors() -> None:
    for name in ("ukraine-2025", "harbour-teaching"):
        code, out, _ = run("lint", name, "--json")
        assert code == 0, out
    data = json.loads(run("lint", "ukraine-2025", "--json")[1])
    found = {(f["code"], f["field"]) for f in data["findings"]}
    # second edition: the audit's H1 (a plan breaking a linkage) and H2 (a default on a red
    # line) are gone, and so is every other smell but the additive form's compensation
    # (audit M5), which the notes keep on purpose and which lint still reports
    assert found == {("non-compensatory", f"preferences.{p}.weights")
                     for p in ("UA", "RU", "US", "EU")}


def test_validate_strict_refuses_a_default_on_a_red_line(tmp_path: Path) -> None:
    text = HEAD.replace("  B:\n", "    red_lines: [nato.none]\n  B:\n", 1)
    path = tmp_path / "red.yaml"
    path.write_text(text, encoding="utf-8")
    code, _, err = run("validate", str(path))
    assert code == 0 and "default-on-red-line" in err
    code, _, err = run("validate", str(path), "--strict")
    line = next(k for k, t in enumerate(text.splitlines(), 1) if "default: none" in t
                and k > text.splitlines().index("  - id: nato"))
    assert code == 2
    assert f"red.yaml:{line}: warning default-on-red-line" in err
    assert run("validate", "ukraine-2025")[0] == 0  # the bundled file keeps validating
