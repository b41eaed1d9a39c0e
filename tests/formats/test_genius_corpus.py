"""Every folder of the shared GENIUS corpus imports, with GENIUS's utilities.

The corpus is read in place (never copied into the repository); without it these tests
skip and say where they looked. Spaces are sampled, never enumerated, so the whole file
runs in a few seconds.
"""

from __future__ import annotations

import xml.etree.ElementTree as StdET
from pathlib import Path

import numpy as np
import pytest

from accord.analysis import reference
from accord.analysis.tables import compile_scenario
from accord.formats.genius import import_genius
from accord.model import Form
from tests.crosscheck.corpus import corpus_folders, folder_params, need_corpus

pytestmark = pytest.mark.corpus


@pytest.mark.parametrize("folder", folder_params())
def test_every_corpus_folder_imports_with_utilities_in_0_1(folder: str) -> None:
    root = need_corpus()
    s = import_genius(root / folder)
    assert len(s.parties) >= 1 and len(s.issues) >= 1
    assert all(i.size >= 1 for i in s.issues)
    t = compile_scenario(s)
    assert t.util.shape == (1, sum(i.size for i in s.issues), len(s.parties))
    rng = np.random.default_rng(7)
    packages = rng.integers(0, t.layout.sizes, size=(512, len(s.issues)))
    u = t.utilities(packages)
    assert u.shape == (512, len(s.parties))
    assert np.isfinite(u).all()
    assert u.min() >= -1e-12 and u.max() <= 1 + 1e-12
    assert (t.reservation >= 0).all() and (t.reservation <= 1).all()
    # the compiled tables agree with the one-package-at-a-time reference evaluator
    for pkg, row in zip(packages[:3], u[:3], strict=True):
        choices = s.complete(s.plan_from_indices(pkg))
        for p, pid in enumerate(s.party_ids):
            assert reference.utility(s, pid, choices) == pytest.approx(row[p], abs=1e-12)


def test_the_corpus_is_complete() -> None:
    need_corpus()
    folders = corpus_folders()
    assert len(folders) == 169
    assert "anac/y2012/LaptopA" in folders and "other/journal_learning/six_issues" in folders


def util(folder: str, *packages: tuple[int, ...], **kw: object) -> np.ndarray:
    s = import_genius(need_corpus() / folder, **kw)  # type: ignore[arg-type]
    return compile_scenario(s).utilities(np.array(packages, dtype=np.int64))


def test_laptop_a_profile_2_by_hand() -> None:
    s = import_genius(need_corpus() / "anac/y2012/LaptopA")
    assert s.party_ids == ("Laptop-A-prof1", "Laptop-A-prof2")
    # weights sum to 1.0000518...: GENIUS caps at 1, so the scores form with saturate
    prefs = s.preferences["Laptop-A-prof2"]
    assert prefs.form is Form.SCORES and prefs.saturate
    w = (0.37808251708013424, 0.1767567099260568, 0.4452125771655631)
    # Dell (12 of 30), 60 Gb (20 of 30), 19'' LCD (3 of 3)
    u = util("anac/y2012/LaptopA", (0, 0, 0), (1, 1, 0))[:, 1]
    assert u[0] == pytest.approx(w[0] * 12 / 30 + w[1] * 20 / 30 + w[2] * 1, abs=1e-15)
    assert u[1] == 1.0  # 1.0000518... capped
    assert compile_scenario(s).reservation[0, 1] == 0.5
    assert any("Laptop-A-prof2" in n and "discount factor 0.5" in n for n in s.notes)


def test_integer_evaluators_by_hand() -> None:
    # IntegerDomain prof1: price in [-5, 5], clip(0.3 + 0.08 (v + 5)); otherprice 0.1 (v + 5)
    u = util("other/IntegerDomain", (10, 5), (0, 0), (2, 10))[:, 0]
    np.testing.assert_allclose(u, [0.75 * 1.0 + 0.25 * 0.5, 0.75 * 0.3,
                                   0.75 * (0.3 + 0.16) + 0.25 * 1.0], atol=1e-12)
    # web_service agent A: older form clip(parameter0 + parameter1 * v) = 1 - 0.0005 v
    u = util("other/web_service", (0,), (1000,), (2000,))[:, 0]
    np.testing.assert_allclose(u, [1.0, 0.5, 0.0], atol=1e-12)


def test_quirks_of_real_files() -> None:
    root = need_corpus()
    # AMPOvsCity: item "0" is listed twice (evaluations 0 then 8); the last one counts
    s = import_genius(root / "other/AMPOvsCity")
    first = s.issues[0].id
    assert s.preferences[s.party_ids[0]].values[first]["0"].value == pytest.approx(0.08)
    assert s.party(s.party_ids[0]).name == "AMPO"  # from the domain's <agent> list
    # Fitness: a weight for the objective itself (index 1) is ignored, as in GENIUS
    s = import_genius(root / "anac/y2012/FitnessA")
    assert all(p.form is Form.WEIGHTS for p in s.preferences.values())
    # zoning plan, util1: every evaluation of issue 3 is 0, so the issue is worth nothing
    s = import_genius(root / "anac/y2015/group4-zoning_plan")
    third = s.issues[2].id
    assert all(v.value == 0 for v in s.preferences["Group4_util1"].values[third].values())
    # laptopdomain: parties in the order of the domain's <agent> list, then by file name
    s = import_genius(root / "other/laptopdomain")
    assert s.party_ids == ("laptop_seller_utility", "laptop_buyer_utility", "laptop_test")
    assert [p.name for p in s.parties] == ["seller", "buyer", "laptop_test"]


def test_nonlinear_corpus_profiles() -> None:
    root = need_corpus()
    folder = root / "anac/y2014/10issues"
    s = import_genius(folder)
    for p in s.party_ids:
        prefs = s.preferences[p]
        assert prefs.form is Form.SCORES and prefs.saturate and not prefs.values
        # one term per (INCLUDES) rectangle
        assert len(prefs.terms) == rectangles(folder / f"{p}.xml") == 20
    # S-1NAGUNL-114: 26 rectangles per profile, some with several EXCLUDES bounds (one
    # term per bound that can fail), one with an EXCLUDES range covering a whole issue
    folder = root / "other/S-1NAGUNL-114"
    s = import_genius(folder)
    terms = s.preferences["profile-1"].terms
    assert rectangles(folder / "profile-1.xml") == 26 < len(terms)
    assert any("EXCLUDES, case 2" in t.rationale for t in terms)


def rectangles(path: Path) -> int:
    return sum(1 for _ in StdET.parse(path).getroot().iter("hyperRectangle"))
