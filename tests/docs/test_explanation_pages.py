"""Every explanation page of a bundled scenario states figures the CLI still prints.

The mechanism is :mod:`tests.docs.page_checks`: a page marks each figure with the command
and JSON path it comes from, and this test reruns the commands and compares.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from accord.app.catalog import bundled_names
from accord.cli import app
from tests.docs.page_checks import lookup, marks, matches, problems

PAGES = Path(__file__).parents[2] / "docs" / "explanation"
runner = CliRunner()


def run_json(args: tuple[str, ...]) -> Any:
    """``accord ARGS --json``, parsed; a failing command fails the test."""
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, (args, result.stdout, result.stderr)
    return json.loads(result.stdout)


def scenario_pages() -> list[Path]:
    return sorted(p for p in PAGES.glob("*.md") if p.stem in bundled_names())


@pytest.mark.parametrize("page", scenario_pages(), ids=lambda p: p.stem)
def test_every_marked_figure_matches_the_cli(page: Path) -> None:
    assert problems(page.read_text(encoding="utf-8"), run_json) == []


@pytest.mark.parametrize("name", ["gaza-2025", "minsk-2015"])
def test_new_scenario_pages_check_their_headline_figures(name: str) -> None:
    found = marks((PAGES / f"{name}.md").read_text(encoding="utf-8"))
    assert len(found) >= 20
    commands = {c.command[0] for c in found}
    assert {"evaluate", "zopa", "solve", "robustness"} <= commands
    assert all(c.command[1] == name for c in found)


# ------------------------------------------------------------------ the helper itself
def test_marks_read_command_path_figure_and_line() -> None:
    text = ("a\nU is <!-- check: evaluate x -p a :: plans[plan=a].parties.U.utility -->0.62.\n"
            "P is <!-- check: robustness x :: plans[0].ratify_probability -->99.6%, fine\n"
            "by <!-- check: robustness x :: plans[0].drivers[0].parameter -->`UA reservation`.")
    first, second, third = marks(text)
    assert first.command == ("evaluate", "x", "-p", "a")
    assert first.path == "plans[plan=a].parties.U.utility"
    assert (first.figure, first.line) == ("0.62", 2)
    assert (second.figure, second.line) == ("99.6%", 3)
    assert third.figure == "UA reservation"


def test_lookup_follows_keys_selectors_and_indexes() -> None:
    data = {"plans": [{"plan": "a", "v": [1, 2]}, {"plan": "b", "v": [3, 4]}]}
    assert lookup(data, "plans[plan=b].v[1]") == 4
    assert lookup(data, "plans[0].plan") == "a"
    with pytest.raises(KeyError):
        lookup(data, "plans[plan=c].v")
    with pytest.raises(KeyError):
        lookup(data, "plans[0].w")


def test_matches_compares_at_the_printed_precision() -> None:
    assert matches("0.62", 0.6239) and not matches("0.62", 0.6261)
    assert matches("0.6", 0.6239) and not matches("0.63", 0.6239)
    assert matches("99.6%", 0.9962) and not matches("99.7%", 0.9962)
    assert matches("3456", 3456) and not matches("3455", 3456)
    assert matches("yes", True) and matches("no", False) and not matches("yes", False)
    assert matches("some", "some") and not matches("every", "some")
    assert not matches("n/a", 0.5)


def test_problems_name_the_line_and_both_values() -> None:
    text = "x\ny <!-- check: zopa s :: ratified -->12 and <!-- check: zopa s :: nope -->1"
    calls: list[tuple[str, ...]] = []

    def fake(args: tuple[str, ...]) -> Any:
        calls.append(args)
        return {"ratified": 13}

    found = problems(text, fake)
    assert calls == [("zopa", "s")]
    assert len(found) == 2
    assert found[0].startswith("line 2:") and "says 12" in found[0] and "prints 13" in found[0]
    assert "nope" in found[1]
