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


# ------------------------------------------------- ukraine-2025, second edition (issue 11)
def test_ukraine_second_edition_meets_the_audit_acceptance() -> None:
    from accord.app import api

    s = resolve("ukraine-2025")
    result = api.lint("ukraine-2025")
    assert result.ok
    codes = {f.code for f, _ in result.findings}
    assert not codes & {"default-on-red-line", "plan-breaks-linkage",
                        "assumed-choice-on-red-line", "unsourced-number"}
    drafts = [p for p in s.plans if not p.no_deal]
    # no named plan breaks a linkage (nominal reading); every choice has provenance
    for e in evaluate_all(s, drafts):
        assert e.violations == (), e.plan.id
        assert set(e.provenance) == {i.id for i in s.issues}, e.plan.id
    # no point default is anyone's red line, soft or certain, constituents included
    for issue in s.issues:
        for pid, prefs in s.preferences.items():
            assert (issue.id, issue.default) not in prefs.red_lines, (issue.id, pid)
    assert s.issue("territory").default is None  # silence is no neutral reading (H5)
    # the modeller's options are marked, each with a reason (H4)
    invented = {(i.id, o.id) for i in s.issues for o in i.options if o.invented}
    assert invented == {("territory", "donetsk-zone-referendum"),
                        ("nato", "no-invitation-no-ban")}
    assert all(s.issue(i).option(o).why for i, o in invented)


def test_ukraine_encodes_both_territorial_conditions() -> None:
    s = resolve("ukraine-2025")
    # Russia (H5): fighting stops only if Ukraine leaves Donetsk, a soft red line on every
    # option that leaves it there, with a probability, a reason and sources
    odds = s.preferences["RU"].red_line_odds
    stays = {"freeze-zone-referendum", "contact-line-talks", "freeze-no-recognition",
             "left-open"}
    assert {o for i, o in odds if i == "territory"} == stays
    for key, o in odds.items():
        assert 0 < o.probability < 1 and o.rationale and "S64" in o.sources, key
    # Ukraine (H4): its voters are consulted on every cession or zone, and only then
    voters = next(c for c in s.constituents if c.id == "UA-voters")
    assert voters.parent == "UA" and voters.sources
    assert voters.consulted_when == {("territory", "cede-donbas-recognised"),
                                     ("territory", "donetsk-zone-referendum"),
                                     ("territory", "freeze-zone-referendum")}
    assert ("territory", "cede-donbas-recognised") in s.preferences["UA"].red_lines
    assert ("culture", "official-status") in s.preferences["UA"].red_lines  # M1


def test_ukraine_lineage_is_a_tree_by_date() -> None:
    s = resolve("ukraine-2025")
    parents = {p.id: p.revises for p in s.plans if p.revises}
    assert parents == {"e3-counter": "us-28-point", "geneva-19-point": "us-28-point",
                       "us-ukraine-20-point": "geneva-19-point"}  # audit M4
    for child, parent in parents.items():
        assert s.plan(parent).date < s.plan(child).date
        assert s.plan(child).notes  # a revision says where each unlisted choice comes from
    # the European plans revise nothing (S43, S49)
    assert not s.plan("europe-24-point").revises and not s.plan("europe-12-point").revises
