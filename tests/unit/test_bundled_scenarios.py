"""The bundled scenarios load, and ukraine-2025 states every assumption."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from accord.analysis.evaluate import evaluate_all
from accord.analysis.tables import ParameterSpace
from accord.app.catalog import bundled_names, resolve
from accord.model import Form


def test_bundled_names() -> None:
    assert {"ukraine-2025", "harbour-teaching"} <= set(bundled_names())


def test_every_ukraine_preference_number_is_an_explicit_assumption() -> None:
    s = resolve("ukraine-2025")
    space = ParameterSpace(s)
    assert len(space.refs) > 300
    for ref in space.refs:
        p = ref.param
        assert p.dist is not None and p.dist.low < p.dist.high, ref.label
        assert p.rationale.strip(), ref.label
        assert p.sources, ref.label
        assert set(p.sources) <= set(s.sources), ref.label


def test_ukraine_covers_the_parties_points_and_drafts() -> None:
    s = resolve("ukraine-2025")
    assert {"UA", "RU", "US", "EU"} <= set(s.party_ids)
    for issue in ("territory", "nato", "army", "guarantee", "sanctions", "assets", "elections",
                  "amnesty", "znpp", "culture", "troops"):
        s.issue(issue)
    plans = {p.id for p in s.plans}
    assert {"us-28-point", "geneva-19-point", "e3-counter", "us-ukraine-20-point",
            "no-deal"} <= plans
    assert any(c.promisor == "US" for p in s.preferences.values() for c in p.commitments)


def test_the_28_point_draft_favours_its_drafters() -> None:
    s = resolve("ukraine-2025")
    e = next(e for e in evaluate_all(s, [s.plan("us-28-point")]))
    assert e.outcome("RU").acceptable and e.outcome("US").acceptable
    assert not e.outcome("UA").acceptable and not e.outcome("EU").acceptable
    assert not e.ratified


def test_teaching_scenario_is_a_score_sheet_game() -> None:
    s = resolve("harbour-teaching")
    assert all(p.form is Form.SCORES for p in s.preferences.values())
    assert any(e.ratified for e in evaluate_all(s))


@pytest.mark.parametrize("name", ["ukraine-2025", "harbour-teaching"])
def test_bundled_scenarios_round_trip(name: str) -> None:
    from accord.formats.scenario_file import dump_scenario, loads_scenario

    s = resolve(name)
    assert loads_scenario(dump_scenario(s), "copy.yaml") == s


def test_nothing_in_src_imports_negmas() -> None:
    src = Path(__file__).parents[2] / "src"
    for path in src.rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(n.split(".")[0] == "negmas" for n in names), path
