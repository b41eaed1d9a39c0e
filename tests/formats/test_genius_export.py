"""Exporting to GENIUS: round trips with identical utilities, and clear refusals."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as StdET
from pathlib import Path

import numpy as np
import pytest

from accord.analysis.tables import compile_scenario
from accord.formats.genius import export_genius, import_genius
from accord.formats.scenario_file import load_scenario
from accord.model import (
    Commitment,
    Constraint,
    FileFormatError,
    Form,
    Issue,
    LinkKind,
    Option,
    Param,
    Party,
    Preferences,
    Scenario,
    ScenarioError,
    Selector,
    fixed,
    uniform,
)
from tests.crosscheck.corpus import folder_params, need_corpus

FIXTURES = Path(__file__).parent.parent / "fixtures"


def assert_same_utilities(a: Scenario, b: Scenario, sample: int | None = None) -> None:
    """Identical utilities on every package (or on ``sample`` random ones) and reservations."""
    ta, tb = compile_scenario(a), compile_scenario(b)
    assert ta.layout.sizes.tolist() == tb.layout.sizes.tolist()
    if sample is None:
        batches = list(ta.layout.chunks())
    else:
        rng = np.random.default_rng(0)
        batches = [rng.integers(0, ta.layout.sizes, size=(sample, ta.layout.n_issues))]
    for packages in batches:
        np.testing.assert_allclose(ta.utilities(packages), tb.utilities(packages), rtol=0,
                                   atol=1e-12)
    np.testing.assert_allclose(ta.reservation, tb.reservation, rtol=0, atol=1e-12)


def opts(*ids: str) -> tuple[Option, ...]:
    return tuple(Option(i, i.replace("-", " ").title()) for i in ids)


def hand_made(**changes: object) -> Scenario:
    issues = (
        Issue("territory", "Territory", opts("line", "withdraw", "referendum")),
        Issue("nato", "NATO", opts("ban", "no-ban")),
        Issue("aid", "Aid", opts("none", "some", "much", "all")),
    )
    prefs = {
        # weights form: weights normalised by their sum (4), a point whose best value is
        # 0.8, an uncertain value (exported at its nominal value)
        "UA": Preferences("UA", Form.WEIGHTS, {
            "territory": {"line": fixed(1.0), "withdraw": fixed(0.0),
                          "referendum": uniform(0.3, 0.1, 0.5)},
            "nato": {"ban": fixed(0.2), "no-ban": fixed(0.8)},
            "aid": {"none": fixed(0), "some": fixed(0.5), "much": fixed(0.9),
                    "all": fixed(1)}},
            {"territory": fixed(2), "nato": fixed(1), "aid": fixed(1)},
            reservation=fixed(0.3)),
        # scores form, range-normalised, with negative points
        "RU": Preferences("RU", Form.SCORES, {
            "territory": {"line": fixed(-3), "withdraw": fixed(5), "referendum": fixed(0)},
            "nato": {"ban": fixed(4), "no-ban": fixed(-4)}},
            reservation=fixed(2.0)),
        # scores form with an explicit scale, capped at 1
        "EU": Preferences("EU", Form.SCORES, {
            "territory": {"line": fixed(10), "withdraw": fixed(0), "referendum": fixed(6)},
            "aid": {"none": fixed(0), "some": fixed(4), "much": fixed(8), "all": fixed(12)}},
            reservation=fixed(5), scale=fixed(20), saturate=True),
    }
    base = dict(id="hand-made", title="Hand-made", issues=issues,
                parties=(Party("UA"), Party("RU"), Party("EU")), preferences=prefs)
    base.update(changes)
    return Scenario(**base)  # type: ignore[arg-type]


def test_hand_made_scenario_round_trips(tmp_path: Path) -> None:
    s = hand_made()
    written = export_genius(s, tmp_path / "out")
    assert [p.name for p in written] == ["hand-made-domain.xml", "UA.xml", "RU.xml", "EU.xml"]
    back = import_genius(tmp_path / "out")
    assert back.party_ids == s.party_ids
    assert [i.title for i in back.issues] == ["Territory", "NATO", "Aid"]
    assert [o.label for o in back.issues[0].options] == ["Line", "Withdraw", "Referendum"]
    assert_same_utilities(s, back)
    # EU's best package scores 22 > 20 points: written with weights summing above 1 and
    # read back capped, as GENIUS computes it
    assert back.preferences["EU"].form is Form.SCORES and back.preferences["EU"].saturate
    assert back.preferences["UA"].form is Form.WEIGHTS


def test_written_profiles_follow_genius_conventions(tmp_path: Path) -> None:
    export_genius(hand_made(), tmp_path)
    root = StdET.parse(tmp_path / "UA.xml").getroot()
    weights = {w.get("index"): float(w.get("value")) for w in root.iter("weight")}
    # UA: weights 2:1:1 normalised; NATO's best value is 0.8, so its weight is 0.25 * 0.8
    assert weights == pytest.approx({"1": 0.5, "2": 0.2, "3": 0.25})
    for issue in root.iter("issue"):
        assert max(float(i.get("evaluation")) for i in issue.iter("item")) == 1.0
    assert float(root.find("reservation").get("value")) == 0.3
    domain = StdET.parse(tmp_path / "hand-made-domain.xml").getroot()
    assert domain.tag == "negotiation_template"
    assert [i.get("name") for i in domain.iter("issue")] == ["Territory", "NATO", "Aid"]


def test_labels_fall_back_to_ids_when_they_collide(tmp_path: Path) -> None:
    s = hand_made(issues=(
        Issue("territory", "Same", (Option("line", "X"), Option("withdraw", "X"),
                                    Option("referendum"))),
        Issue("nato", "Same", opts("ban", "no-ban")),
        Issue("aid", "Aid", opts("none", "some", "much", "all"))))
    export_genius(s, tmp_path)
    back = import_genius(tmp_path)
    assert [i.id for i in back.issues] == ["territory", "nato", "aid"]
    assert [o.id for o in back.issues[0].options] == ["line", "withdraw", "referendum"]
    assert_same_utilities(s, back)


def test_imported_fixture_round_trips(tmp_path: Path) -> None:
    s = import_genius(FIXTURES / "genius" / "tiny")
    export_genius(s, tmp_path)
    assert_same_utilities(s, import_genius(tmp_path))


def test_interaction_terms_are_refused(tmp_path: Path) -> None:
    s = load_scenario(FIXTURES / "tiny.yaml")
    with pytest.raises(ScenarioError, match="linkages"):
        export_genius(s, tmp_path)
    with pytest.raises(ScenarioError, match="interaction terms"):
        export_genius(dataclasses.replace(s, constraints=()), tmp_path)
    with pytest.raises(ScenarioError, match="interaction terms"):
        export_genius(import_genius(FIXTURES / "genius" / "rectangles"), tmp_path)
    assert not list(tmp_path.iterdir())


def test_commitments_red_lines_and_linkages_are_refused(tmp_path: Path) -> None:
    s = hand_made()
    ua = s.preferences["UA"]
    committed = Preferences(ua.party, ua.form, ua.values, ua.weights, ua.reservation,
                            commitments=(Commitment("nato", "ban", "RU", fixed(0.5),
                                                    fixed(0.0)),))
    red = Preferences(ua.party, ua.form, ua.values, ua.weights, ua.reservation,
                      red_lines=frozenset({("territory", "withdraw")}))
    link = Constraint("c1", LinkKind.EXCLUDES, Selector("nato", frozenset({"ban"})),
                      Selector("aid", frozenset({"none"})))
    cases = [
        (hand_made(preferences={**s.preferences, "UA": committed}), "commitments"),
        (hand_made(preferences={**s.preferences, "UA": red}), "red lines"),
        (hand_made(constraints=(link,)), "linkages"),
    ]
    for scenario, words in cases:
        with pytest.raises(ScenarioError, match=words):
            export_genius(scenario, tmp_path)


def test_utilities_genius_cannot_express_are_refused(tmp_path: Path) -> None:
    s = hand_made()
    eu = s.preferences["EU"]
    uncapped = Preferences("EU", Form.SCORES, eu.values, reservation=eu.reservation,
                           scale=eu.scale)
    with pytest.raises(ScenarioError, match="not capped at 1"):
        export_genius(hand_made(preferences={**s.preferences, "EU": uncapped}), tmp_path)
    values = {i: dict(o) for i, o in eu.values.items()}
    values["aid"]["none"] = Param(-4.0)
    negative = Preferences("EU", Form.SCORES, values, reservation=eu.reservation,
                           scale=eu.scale, saturate=True)
    with pytest.raises(ScenarioError, match="least package"):
        export_genius(hand_made(preferences={**s.preferences, "EU": negative}), tmp_path)


def test_a_folder_with_other_xml_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "someone-else.xml").write_text("<utility_space/>")
    with pytest.raises(FileFormatError, match="other XML files"):
        export_genius(hand_made(), tmp_path)
    export_genius(hand_made(), tmp_path / "fresh")
    export_genius(hand_made(), tmp_path / "fresh")  # overwriting its own files is fine


@pytest.mark.corpus
@pytest.mark.parametrize("folder", folder_params())
def test_corpus_additive_folders_round_trip(folder: str, tmp_path: Path) -> None:
    root = need_corpus()
    s = import_genius(root / folder)
    if any(p.terms for p in s.preferences.values()):
        with pytest.raises(ScenarioError, match="interaction terms"):
            export_genius(s, tmp_path)
        return
    export_genius(s, tmp_path)
    # every package of small spaces, 50 000 random ones of larger spaces
    assert_same_utilities(s, import_genius(tmp_path),
                          None if s.space_size <= 250_000 else 50_000)
