"""How NegMAS 0.16's own GENIUS reader differs from GENIUS (and from Accord's importer).

These tests pin the numbers quoted in ``docs/explanation/genius-import.md``. They are
why the algorithm cross-check (``test_negmas_algorithms.py``) builds NegMAS utility
functions from Accord's tables instead of using ``Scenario.from_genius_folder``.
"""

from __future__ import annotations

import warnings
import xml.etree.ElementTree as StdET
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import kendalltau

from accord.analysis.tables import compile_scenario
from accord.formats.genius import export_genius, import_genius
from accord.model import Scenario
from tests.crosscheck.corpus import need_corpus
from tests.negmas_bridge import NEGMAS_ERROR, negmas

if negmas is None:  # pragma: no cover
    pytest.skip(NEGMAS_ERROR, allow_module_level=True)

from negmas.inout import Scenario as NegmasScenario

pytestmark = [pytest.mark.negmas, pytest.mark.corpus,
              pytest.mark.filterwarnings("ignore::Warning")]


def negmas_folder(folder: Path, **kw: bool) -> NegmasScenario:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loaded = NegmasScenario.from_genius_folder(folder, **kw)
    assert loaded is not None
    return loaded


def negmas_outcome(s: Scenario, pkg: np.ndarray, ns: NegmasScenario) -> tuple[object, ...]:
    """The NegMAS outcome (GENIUS labels; ints for integer issues) of one package."""
    out: list[object] = []
    for issue, k, nissue in zip(s.issues, pkg, ns.outcome_space.issues, strict=True):
        label = issue.options[int(k)].label
        out.append(int(label) if nissue.is_integer() else label)
    return tuple(out)


def test_negmas_keeps_raw_evaluations_and_reorders_laptop_a() -> None:
    folder = need_corpus() / "anac/y2012/LaptopA"
    s = import_genius(folder)
    t = compile_scenario(s)
    packages = np.concatenate(list(t.layout.chunks()))
    ours = t.utilities(packages)
    ns = negmas_folder(folder, ignore_discount=True)
    ufuns = {u.name: u for u in ns.ufuns}
    # profile 2: Dell (12), 60 Gb (20), 19'' LCD (3) with raw evaluations, not /30, /30, /3
    w = (0.37808251708013424, 0.1767567099260568, 0.4452125771655631)
    dell = float(ufuns["Laptop-A-prof2"](("Dell", "60 Gb", "19'' LCD")))
    assert dell == pytest.approx(w[0] * 12 + w[1] * 20 + w[2] * 3, abs=1e-12)
    taus = []
    for p, name in enumerate(("Laptop-A-prof1", "Laptop-A-prof2")):
        theirs = np.array([float(ufuns[name](negmas_outcome(s, pkg, ns))) for pkg in packages])
        taus.append(kendalltau(ours[:, p], theirs).statistic)
    # profile 1's issues all top out at 30, so only the scale differs; profile 2's
    # monitor issue tops out at 3 and weighs much less raw than normalised
    assert taus[0] == pytest.approx(1.0)
    assert taus[1] == pytest.approx(0.5726495726495727, abs=1e-12)


def test_negmas_default_reservation_is_minus_infinity_under_a_discount() -> None:
    folder = need_corpus() / "anac/y2012/LaptopA"  # reservation 0.5, discount 0.5
    default = negmas_folder(folder)
    assert [u.reserved_value for u in default.ufuns] == [float("-inf")] * 2
    assert all(type(u).__name__ == "ExpDiscountedUFun" for u in default.ufuns)
    undiscounted = negmas_folder(folder, ignore_discount=True)
    assert [u.reserved_value for u in undiscounted.ufuns] == [0.5, 0.5]
    np.testing.assert_array_equal(compile_scenario(import_genius(folder)).reservation[0],
                                  [0.5, 0.5])


def test_negmas_refuses_issue_numbering_that_starts_above_1() -> None:
    root = need_corpus()
    for name in ("anac/y2012/FitnessA", "other/AMPOvsCity", "other/web_service"):
        with pytest.raises(Exception, match="No issue with index 0"):
            negmas_folder(root / name, ignore_discount=True)
        assert import_genius(root / name).issues


def _open_box_points(path: Path, package: tuple[int, ...]) -> float:
    """Rectangle points with bounds read as open intervals and EXCLUDES read as INCLUDES."""
    total = 0.0
    for rect in StdET.parse(path).getroot().iter("hyperRectangle"):
        inside = all(int(b.get("min", "0")) < package[int(b.get("index", "0")) - 1]
                     < int(b.get("max", "0")) for b in rect)
        total += float(rect.get("utility", "0")) if inside else 0.0
    return total


@pytest.mark.parametrize(("name", "differing"), [
    ("anac/y2014/10issues", (0.898, 0.98)),
    ("other/S-1NAGUNL-114", (1.0, 1.0)),
])
def test_negmas_hyperrectangles_are_open_boxes_without_the_normaliser(
    name: str, differing: tuple[float, float]
) -> None:
    folder = need_corpus() / name
    s = import_genius(folder)
    t = compile_scenario(s)
    ns = negmas_folder(folder, ignore_discount=True)
    rng = np.random.default_rng(0)
    packages = rng.integers(0, t.layout.sizes, size=(5000, len(s.issues)))
    ours = t.utilities(packages)
    for p, ufun in enumerate(ns.ufuns):
        scale = s.preferences[s.party_ids[p]].scale
        assert scale is not None
        raw = np.array([float(ufun(tuple(int(x) for x in pkg))) for pkg in packages])
        # NegMAS returns raw points: no division by maxutility, no cap at 1
        frac = np.mean(np.abs(np.minimum(1.0, raw / scale.value) - ours[:, p]) > 1e-9)
        assert frac == pytest.approx(differing[p], abs=1e-12)
        for pkg, r in zip(packages[:300], raw[:300], strict=True):
            assert r == _open_box_points(folder / f"{s.party_ids[p]}.xml", tuple(pkg))


def test_negmas_reads_an_accord_export_with_the_same_utilities(tmp_path: Path) -> None:
    # Exported evaluations top out at exactly 1 per issue, so NegMAS's raw reading and
    # GENIUS's normalised one coincide (for profiles whose weights sum to at most 1).
    s = import_genius(need_corpus() / "anac/y2013/Kitchen")
    export_genius(s, tmp_path)
    ns = negmas_folder(tmp_path, ignore_discount=True)
    t = compile_scenario(s)
    rng = np.random.default_rng(1)
    packages = rng.integers(0, t.layout.sizes, size=(2000, len(s.issues)))
    ours = t.utilities(packages)
    ufuns = {u.name: u for u in ns.ufuns}
    for p, pid in enumerate(s.party_ids):
        theirs = [float(ufuns[pid](negmas_outcome(s, pkg, ns))) for pkg in packages]
        np.testing.assert_allclose(theirs, ours[:, p], rtol=0, atol=1e-12)
        assert ufuns[pid].reserved_value == pytest.approx(t.reservation[0, p])
