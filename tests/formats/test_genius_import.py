"""Importing GENIUS folders: semantics on hand-computed packages, ids, and refusals."""

from __future__ import annotations

import xml.etree.ElementTree as StdET
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.analysis import reference
from accord.analysis.tables import compile_scenario
from accord.formats.genius import import_genius, read_genius_folder, read_published_frontier
from accord.formats.genius_xml import sanitise_id, unique_ids
from accord.formats.scenario_file import dump_scenario, loads_scenario
from accord.model import FileFormatError, Form, Scenario

FIXTURES = Path(__file__).parent.parent / "fixtures" / "genius"
TINY = FIXTURES / "tiny"
RECT = FIXTURES / "rectangles"


def utilities(s: Scenario, *packages: tuple[int, ...]) -> np.ndarray:
    return compile_scenario(s).utilities(np.array(packages, dtype=np.int64))


def ref_utility(s: Scenario, party: str, package: tuple[int, ...]) -> float:
    return reference.utility(s, party, s.complete(s.plan_from_indices(package)))


def write_folder(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).write_text(text.strip() + "\n", encoding="utf-8")
    return root


DOMAIN_2 = """
<negotiation_template><utility_space><objective index="0" name="root">
  <issue index="1" name="colour" type="discrete">
    <item index="1" value="red"/><item index="2" value="blue"/><item index="3" value="green"/>
  </issue>
  <issue index="2" name="n" type="integer" lowerbound="0" upperbound="2"/>
</objective></utility_space></negotiation_template>
"""


def profile_2(w1: str, w2: str, evals: tuple[str, str, str] = ("1", "2", "4"),
              extra: str = "") -> str:
    e = evals
    return f"""
<utility_space><objective index="0" name="root">
  <issue index="1" name="colour" type="discrete">
    <item index="1" value="red" evaluation="{e[0]}"/>
    <item index="2" value="blue" evaluation="{e[1]}"/>
    <item index="3" value="green" evaluation="{e[2]}"/>
  </issue>
  <issue index="2" name="n" type="integer" lowerbound="0" upperbound="2">
    <evaluator ftype="linear" offset="0" slope="0.5"/>
  </issue>
  <weight index="1" value="{w1}"/>
  <weight index="2" value="{w2}"/>
</objective>{extra}</utility_space>
"""


# --------------------------------------------------------------------- semantics
def test_tiny_fixture_shapes_ids_and_labels() -> None:
    s = import_genius(TINY)
    assert s.id == "tiny"
    assert s.party_ids == ("buyer", "seller")
    assert [i.id for i in s.issues] == ["Fruit", "Disk-size", "Price"]
    assert [i.title for i in s.issues] == ["Fruit", "Disk size", "Price"]
    fruit, disk, price = s.issues
    assert [(o.id, o.label) for o in fruit.options] == [
        ("Apple", "Apple"), ("Pear", "Pear"), ("Kiwi-fruit", "Kiwi fruit")]
    # "60 Gb" and "60-Gb" sanitise to the same id; "+" sanitises to nothing
    assert [(o.id, o.label) for o in disk.options] == [
        ("60-Gb", "60 Gb"), ("60-Gb-2", "60-Gb"), ("o3", "+")]
    assert [(o.id, o.label) for o in price.options] == [
        ("v2", "2"), ("v3", "3"), ("v4", "4"), ("v5", "5")]
    assert s.preferences["buyer"].form is Form.WEIGHTS
    assert s.preferences["seller"].form is Form.WEIGHTS


def test_tiny_fixture_hand_computed_genius_utilities() -> None:
    s = import_genius(TINY)
    # buyer: weights .5/.3/.2 (sum 1); fruit 2,4,8 -> /8; disk 10,5,0 -> /10;
    # price clip(1 - 0.4 (v - 2)) = 1, .6, .2, 0
    # seller: weights .2/.2/.4 (sum .8); fruit 1,1,0; disk 0,3,6 -> /6;
    # price (old form) clip(-0.5 + 0.25 v) = 0, .25, .5, .75
    u = utilities(s, (2, 1, 1), (0, 0, 3), (0, 2, 3))
    expected = np.array([
        [0.5 * 1 + 0.3 * 0.5 + 0.2 * 0.6, 0.2 * 0 + 0.2 * 0.5 + 0.4 * 0.25],
        [0.5 * 0.25 + 0.3 * 1 + 0.2 * 0, 0.2 * 1 + 0.2 * 0 + 0.4 * 0.75],
        [0.5 * 0.25 + 0.3 * 0 + 0.2 * 0, 0.2 * 1 + 0.2 * 1 + 0.4 * 0.75],
    ])
    np.testing.assert_allclose(u, expected, atol=1e-12)
    for pkg, row in zip([(2, 1, 1), (0, 0, 3), (0, 2, 3)], expected, strict=True):
        assert ref_utility(s, "buyer", pkg) == pytest.approx(row[0], abs=1e-12)
        assert ref_utility(s, "seller", pkg) == pytest.approx(row[1], abs=1e-12)
    t = compile_scenario(s)
    np.testing.assert_allclose(t.reservation[0], [0.4, 0.0])
    assert any("buyer" in n and "discount factor 0.9" in n for n in s.notes)
    assert any("seller" in n and "no <reservation>" in n for n in s.notes)


def _genius_rectangles(path: Path, package: tuple[int, ...], excludes: str) -> float:
    """An independent transcription of GENIUS's NonlinearUtilitySpace.getUtility."""
    root = StdET.parse(path).getroot()
    util = next(root.iter("utility"))
    total = 0.0
    for rect in util.iter("hyperRectangle"):
        inc, exc = rect.findall("INCLUDES"), rect.findall("EXCLUDES")
        inside = [int(b.get("min")) <= package[int(b.get("index")) - 1] <= int(b.get("max"))
                  for b in (exc or inc)]
        any_out = not all(inside)  # ExclusiveHyperRectangle: pays if some bound fails
        pays = (any_out if excludes == "any" else not any(inside)) if exc else all(inside)
        total += float(rect.get("utility")) if pays else 0.0
    return min(1.0, total / float(util.get("maxutility")))


@pytest.mark.parametrize("excludes", ["any", "all"])
def test_rectangles_match_an_independent_transcription_on_every_package(excludes: str) -> None:
    s = read_genius_folder(RECT, excludes=excludes)
    t = compile_scenario(s)
    packages = np.concatenate(list(t.layout.chunks()))
    u = t.utilities(packages)
    for k, pkg in enumerate(packages):
        for p, name in enumerate(("profile-1", "profile-2")):
            want = _genius_rectangles(RECT / f"{name}.xml", tuple(pkg), excludes)
            assert u[k, p] == pytest.approx(want, abs=1e-12), (pkg, name)


def test_rectangles_hand_computed() -> None:
    s = import_genius(RECT)
    prefs = s.preferences["profile-1"]
    assert prefs.form is Form.SCORES and prefs.saturate and not prefs.values
    assert prefs.scale is not None and prefs.scale.value == 10
    # rectangle 3 (EXCLUDES over the whole range) never pays and is dropped; rectangle 2
    # (two EXCLUDES bounds) becomes two disjoint terms
    assert len(prefs.terms) == 4
    u = utilities(s, (0, 2, 0), (0, 0, 1), (3, 3, 3), (1, 3, 3), (2, 0, 0), (3, 0, 2))
    np.testing.assert_allclose(u[:, 0], [1.0, 0.0, 0.7, 0.8, 0.5, 0.5], atol=1e-12)
    np.testing.assert_allclose(u[:, 1], [0.0, 0.5, 1.0, 0.0, 1.0, 1.0], atol=1e-12)
    np.testing.assert_allclose(compile_scenario(s).reservation[0], [0.25, 0.0])
    assert any("pareto.xml" in n for n in s.notes)


def test_published_frontier_is_read_and_skipped_as_a_profile() -> None:
    np.testing.assert_array_equal(read_published_frontier(RECT), [[1.0, 1.0]])
    np.testing.assert_array_equal(read_published_frontier(RECT / "pareto.xml"), [[1.0, 1.0]])
    assert import_genius(RECT).party_ids == ("profile-1", "profile-2")


def test_published_frontier_errors(tmp_path: Path) -> None:
    with pytest.raises(FileFormatError, match="no such file"):
        read_published_frontier(tmp_path)
    (tmp_path / "pareto.xml").write_text("\n0.5, 1\n0.7; 0.2\n")
    with pytest.raises(FileFormatError) as err:
        read_published_frontier(tmp_path)
    assert err.value.line == 3
    (tmp_path / "pareto.xml").write_text("\n\n")
    with pytest.raises(FileFormatError, match="no points"):
        read_published_frontier(tmp_path)


def test_imported_scenarios_survive_the_scenario_file_format() -> None:
    for folder in (TINY, RECT):
        s = import_genius(folder)
        assert loads_scenario(dump_scenario(s), "x.yaml") == s


# ----------------------------------------------------------- weights and options
def test_weights_summing_to_one_half_scale_the_values(tmp_path: Path) -> None:
    d = write_folder(tmp_path / "half", {"d.xml": DOMAIN_2, "p.xml": profile_2("0.25", "0.25")})
    s = import_genius(d)
    assert s.preferences["p"].form is Form.WEIGHTS
    # blue = 2/4, n = 2 -> clip(0.5 * 2) = 1
    assert utilities(s, (1, 2))[0, 0] == pytest.approx(0.25 * 0.5 + 0.25 * 1.0)
    assert utilities(s, (2, 2))[0, 0] == pytest.approx(0.5)


def test_weights_above_one_are_capped_as_in_genius(tmp_path: Path) -> None:
    d = write_folder(tmp_path / "big", {"d.xml": DOMAIN_2, "p.xml": profile_2("0.9", "0.6")})
    s = import_genius(d)
    prefs = s.preferences["p"]
    assert prefs.form is Form.SCORES and prefs.saturate
    assert utilities(s, (1, 1))[0, 0] == pytest.approx(0.9 * 0.5 + 0.6 * 0.5)
    assert utilities(s, (2, 2))[0, 0] == 1.0  # 1.5 capped
    norm = import_genius(d, normalise_weights=True)
    assert norm.preferences["p"].form is Form.WEIGHTS
    assert utilities(norm, (2, 2))[0, 0] == pytest.approx(1.0)
    assert utilities(norm, (1, 1))[0, 0] == pytest.approx((0.9 * 0.5 + 0.6 * 0.5) / 1.5)


def test_all_zero_evaluations_give_zero_and_missing_items_are_noted(tmp_path: Path) -> None:
    prof = profile_2("0.5", "0.5", ("0", "0", "0.000001"))
    d = write_folder(tmp_path / "z", {"d.xml": DOMAIN_2, "p.xml": prof})
    s = import_genius(d)  # GENIUS: largest evaluation below 1e-5 -> every evaluation 0
    assert utilities(s, (2, 0))[0, 0] == 0.0
    prof = profile_2("0.5", "0.5").replace('<item index="3" value="green" evaluation="4"/>', "")
    d = write_folder(tmp_path / "m", {"d.xml": DOMAIN_2, "p.xml": prof})
    s = import_genius(d)
    assert utilities(s, (2, 0))[0, 0] == 0.0
    assert any("no evaluation for ['green']" in n for n in s.notes)


def test_duplicate_items_last_one_counts(tmp_path: Path) -> None:
    prof = profile_2("0.5", "0.5").replace(
        '<item index="1" value="red" evaluation="1"/>',
        '<item index="1" value="red" evaluation="1"/><item index="1" value="red" evaluation="3"/>')
    d = write_folder(tmp_path / "dup", {"d.xml": DOMAIN_2, "p.xml": prof})
    s = import_genius(d)
    assert utilities(s, (0, 0))[0, 0] == pytest.approx(0.5 * 3 / 4)
    assert any("twice" in n for n in s.notes)


def test_real_issues_need_a_step(tmp_path: Path) -> None:
    domain = """
<negotiation_template><utility_space><objective index="0" name="root">
  <issue index="1" name="price" type="real"><range lowerbound="0" upperbound="1"/></issue>
</objective></utility_space></negotiation_template>"""
    prof = """
<utility_space><objective index="0" name="root">
  <issue index="1" name="price" type="real"><range lowerbound="0" upperbound="1"/>
    <evaluator ftype="linear" parameter0="0.2" parameter1="0.5"/></issue>
  <weight index="1" value="1"/>
</objective></utility_space>"""
    d = write_folder(tmp_path / "real", {"d.xml": domain, "p.xml": prof})
    with pytest.raises(FileFormatError, match="real_step") as err:
        import_genius(d)
    assert err.value.line == 2 and err.value.path.endswith("d.xml")
    s = import_genius(d, real_step=0.3)
    issue = s.issues[0]
    assert [o.id for o in issue.options] == ["r0", "r1", "r2", "r3", "r4"]
    assert [o.label for o in issue.options] == ["0", "0.3", "0.6", "0.9", "1"]
    u = utilities(s, (0,), (1,), (4,))[:, 0]
    np.testing.assert_allclose(u, [0.2, 0.35, 0.7])
    with pytest.raises(FileFormatError, match="real_step must be > 0"):
        import_genius(d, real_step=0)


def test_integer_issue_with_negative_bounds_and_index_matching(tmp_path: Path) -> None:
    domain = """
<negotiation_template><utility_space><objective index="0" name="root">
  <issue index="1" name="first" type="integer" lowerbound="-2" upperbound="1"/>
  <issue index="2" name="second" type="discrete">
    <item index="1" value="x"/><item index="2" value="y"/></issue>
</objective></utility_space></negotiation_template>"""
    prof = """
<utility_space><objective index="0" name="root">
  <issue index="2" name="renamed" type="discrete"><item index="1" value="x" evaluation="1"/>
    <item index="2" value="y" evaluation="2"/></issue>
  <issue index="1" name="first" type="integer" lowerbound="-2" upperbound="1">
    <evaluator ftype="linear" offset="0.1" slope="0.3"/></issue>
  <weight index="1" value="0.6"/><weight index="2" value="0.4"/><weight index="0" value="1"/>
</objective></utility_space>"""
    s = import_genius(write_folder(tmp_path / "int", {"d.xml": domain, "p.xml": prof}))
    assert [o.id for o in s.issues[0].options] == ["v-2", "v-1", "v0", "v1"]
    # v = 1: clip(0.1 + 0.3 * (1 - (-2))) = 1.0; y = 2/2
    assert utilities(s, (3, 1))[0, 0] == pytest.approx(0.6 * 1.0 + 0.4 * 1.0)
    assert utilities(s, (0, 0))[0, 0] == pytest.approx(0.6 * 0.1 + 0.4 * 0.5)
    assert any("called 'renamed' here" in n for n in s.notes)


def test_ids_are_sanitised_and_deduplicated() -> None:
    assert sanitise_id("Copy of a_l_t_d", "p") == "Copy-of-a_l_t_d"
    assert sanitise_id("Café crème", "p") == "Cafe-creme"
    assert sanitise_id("--19'' LCD", "p") == "19-LCD"
    assert sanitise_id("???", "p") == "p"
    assert sanitise_id("x" * 200, "p") == "x" * 64
    assert unique_ids(["a", "a", "a-2", "", "b c"], "o") == ["a", "a-2", "a-2-2", "o4", "b-c"]


def test_party_ids_from_file_names_and_profile_selection(tmp_path: Path) -> None:
    d = write_folder(tmp_path / "sel", {
        "d.xml": DOMAIN_2, "Copy of side A.xml": profile_2("0.5", "0.5"),
        "side_b2.xml": profile_2("0.5", "0.5"), "side_b10.xml": profile_2("0.5", "0.5"),
        "log.xml": "<Tournament><NegotiationOutcome/></Tournament>"})
    s = import_genius(d)
    assert s.party_ids == ("Copy-of-side-A", "side_b2", "side_b10")
    assert any("log.xml" in n and "Tournament" in n for n in s.notes)
    assert any("one party per profile" in n for n in s.notes)
    two = import_genius(d, profiles=["side_b10", "Copy of side A.xml"])
    assert two.party_ids == ("Copy-of-side-A", "side_b10")
    with pytest.raises(FileFormatError, match="no profile file called"):
        import_genius(d, profiles=["nobody"])


# ------------------------------------------------------------------------ errors
@pytest.mark.parametrize("name", ["billion-laughs", "external-entity", "dtd"])
def test_hostile_xml_is_refused(name: str) -> None:
    with pytest.raises(FileFormatError) as err:
        import_genius(FIXTURES / "hostile" / name)
    assert "refused" in err.value.reason and "document type" in err.value.reason
    assert err.value.line == 2
    assert err.value.path.endswith("domain.xml")


def test_undeclared_entities_and_malformed_xml_name_the_line(tmp_path: Path) -> None:
    with pytest.raises(FileFormatError) as err:
        import_genius(FIXTURES / "hostile" / "malformed")
    assert err.value.line == 6 and "mismatched tag" in err.value.reason
    d = write_folder(tmp_path / "ent", {"d.xml": "<a>\n<b>&xxe;</b>\n</a>"})
    with pytest.raises(FileFormatError) as err:
        import_genius(d)
    assert err.value.line == 2 and "undefined entity" in err.value.reason
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "d.xml").write_bytes(b"")
    with pytest.raises(FileFormatError) as err:
        import_genius(tmp_path / "empty")
    assert err.value.line == 1


@pytest.mark.parametrize(("files", "message"), [
    ({"p.xml": profile_2("0.5", "0.5")}, "no domain file"),
    ({"d.xml": DOMAIN_2, "e.xml": DOMAIN_2, "p.xml": profile_2("0.5", "0.5")},
     "more than one domain"),
    ({"d.xml": DOMAIN_2}, "no utility profile"),
    ({"d.xml": DOMAIN_2, "p.xml": profile_2("0.5", "0.5", ("1", "-2", "3"))},
     "negative evaluation"),
    ({"d.xml": DOMAIN_2, "p.xml": profile_2("0.5", "abc")}, "is not a number"),
    ({"d.xml": DOMAIN_2, "p.xml": profile_2("0", "0")}, "every issue weight is zero"),
    ({"d.xml": DOMAIN_2.replace('<issue index="2"', '<issue index="1"'),
      "p.xml": profile_2("1", "0")},
     "used twice"),
    ({"d.xml": DOMAIN_2.replace('type="integer"', 'type="ordinal"'),
      "p.xml": profile_2("1", "0")}, "unsupported type"),
    ({"d.xml": DOMAIN_2.replace('upperbound="2"', 'upperbound="9999999"'),
      "p.xml": profile_2("1", "0")}, "at most"),
])
def test_bad_folders_are_refused_with_a_reason(tmp_path: Path, files: dict[str, str],
                                               message: str) -> None:
    with pytest.raises(FileFormatError, match=message):
        import_genius(write_folder(tmp_path / "f", files))


def test_errors_inside_a_file_carry_its_line(tmp_path: Path) -> None:
    d = write_folder(tmp_path / "f", {"d.xml": DOMAIN_2, "p.xml": profile_2("0.5", "abc")})
    with pytest.raises(FileFormatError) as err:
        import_genius(d)
    text = (d / "p.xml").read_text().splitlines()
    assert err.value.path.endswith("p.xml")
    assert err.value.line is not None and 'value="abc"' in text[err.value.line - 1]


def test_rectangles_on_discrete_issues_are_refused(tmp_path: Path) -> None:
    prof = """
<utility_space type="nonlinear"><objective index="0" name="root">
  <utility maxutility="5"><ufun type="PlainUfun" aggregation="sum">
    <hyperRectangle utility="3"><INCLUDES index="1" min="0" max="1"/></hyperRectangle>
  </ufun></utility>
</objective></utility_space>"""
    d = write_folder(tmp_path / "f", {"d.xml": DOMAIN_2, "p.xml": prof})
    with pytest.raises(FileFormatError, match="hyper-rectangles apply to integer issues") as err:
        import_genius(d)
    assert err.value.line == 3


def test_not_a_folder(tmp_path: Path) -> None:
    with pytest.raises(FileFormatError, match="no such folder"):
        import_genius(tmp_path / "nowhere")
    (tmp_path / "file.xml").write_text("<a/>")
    with pytest.raises(FileFormatError, match="not a folder"):
        import_genius(tmp_path / "file.xml")


# ---------------------------------------------------------------------- property
@settings(max_examples=40, deadline=None)
@given(
    weights=st.lists(st.floats(0, 1, allow_nan=False), min_size=2, max_size=2).filter(
        lambda w: sum(w) > 1e-3),
    evals=st.lists(st.integers(0, 20), min_size=3, max_size=3),
    offset=st.floats(-1, 2, allow_nan=False), slope=st.floats(-1, 1, allow_nan=False),
)
def test_random_additive_profiles_match_the_genius_formula(
    tmp_path_factory: pytest.TempPathFactory, weights: list[float], evals: list[int],
    offset: float, slope: float,
) -> None:
    prof = profile_2(repr(weights[0]), repr(weights[1]), tuple(str(e) for e in evals))
    prof = prof.replace('offset="0" slope="0.5"', f'offset="{offset!r}" slope="{slope!r}"')
    d = write_folder(tmp_path_factory.mktemp("g"), {"d.xml": DOMAIN_2, "p.xml": prof})
    s = import_genius(d)
    t = compile_scenario(s)
    packages = np.concatenate(list(t.layout.chunks()))
    top = max(evals)
    for pkg, u in zip(packages, t.utilities(packages)[:, 0], strict=True):
        colour = evals[pkg[0]] / top if top >= 1e-5 else 0.0
        n = min(1.0, max(0.0, offset + slope * pkg[1]))
        assert u == pytest.approx(min(1.0, weights[0] * colour + weights[1] * n), abs=1e-12)
