"""The ukraine-2025 explanation page states figures the CLI prints, and its what-ifs hold.

Marked figures (``<!-- check: COMMAND :: PATH -->FIGURE``) are rerun through the CLI with
:mod:`tests.docs.page_checks`. What-if figures (``<!-- variant: russia-condition=P :: PATH
-->FIGURE``) are ``accord robustness`` on a copy of the bundled file whose soft red lines
(Russia's withdrawal condition) hold with probability ``P`` instead of 0.7.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from accord.app.catalog import source_of
from accord.cli import app
from tests.docs.page_checks import lookup, marks, matches, problems

PAGE = Path(__file__).parents[2] / "docs" / "explanation" / "ukraine-2025.md"
VARIANT = re.compile(r"<!--\s*variant:\s*russia-condition=(?P<p>[0-9.]+)\s*::\s*(?P<path>.+?)"
                     r"\s*-->(?P<figure>[^\s|,;)*<]+)")
runner = CliRunner()


def run_json(args: tuple[str, ...]) -> Any:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, (args, result.stdout, result.stderr)
    return json.loads(result.stdout)


def test_every_marked_figure_matches_the_cli() -> None:
    text = PAGE.read_text(encoding="utf-8")
    found = marks(text)
    assert len(found) >= 25
    assert {"evaluate", "robustness", "lint"} <= {c.command[0] for c in found}
    assert problems(text, run_json) == []


def test_what_if_figures_match_robustness_of_the_variant(tmp_path: Path) -> None:
    text = PAGE.read_text(encoding="utf-8")
    variants = list(VARIANT.finditer(text))
    assert {m.group("p") for m in variants} == {"1.0", "0.0"}
    source, _ = source_of("ukraine-2025")
    assert source.count("probability: 0.7,") == 4  # the four soft red lines of Russia
    answers: dict[str, Any] = {}
    for m in variants:
        p = m.group("p")
        if p not in answers:
            path = tmp_path / f"ukraine-{p}.yaml"
            path.write_text(source.replace("probability: 0.7,", f"probability: {p},"),
                            encoding="utf-8")
            answers[p] = run_json(("robustness", str(path)))
        value = lookup(answers[p], m.group("path"))
        figure = m.group("figure").removesuffix(".")
        assert matches(figure, value), (m.group(0), value)


@pytest.mark.parametrize("plan", ["e3-counter", "us-ukraine-20-point"])
def test_no_single_assumption_flips_russia_on_the_e3_text_or_december(plan: str) -> None:
    # the page says so (headline 3); sensitivity must find no flip for Russia
    data = run_json(("sensitivity", "ukraine-2025", "--plan", plan))
    assert data["parties"]["RU"]["accepts"] is False
    assert data["parties"]["RU"]["flips"] == []


def test_no_zone_of_agreement_at_the_nominal_values() -> None:
    # headline 1: the solver finds no admissible package that every party accepts
    result = runner.invoke(app, ["solve", "ukraine-2025", "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["solutions"] == [] and "no admissible package" in answer["no_agreement"]
    # and what it rests on: each of the two territorial conditions, relaxed alone, opens a zone
    assert {(o["kind"], o["who"]) for o in answer["openings"] if o["opens"]} == {
        ("soft red lines", "RU"), ("constituent", "UA-voters")}
