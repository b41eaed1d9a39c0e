"""GENIUS's published frontiers (``pareto.xml``) against the imported profiles.

Two independent witnesses: a small MILP written for these tests (``genius_milp.py``) and
Accord's exact frontier from :mod:`accord.solve`. The published files hold 8 significant
digits, hence the ``2e-7`` tolerance.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from accord.analysis.tables import compile_scenario
from accord.formats.genius import read_genius_folder, read_published_frontier
from tests.crosscheck.corpus import CORPUS, MISSING, need_corpus
from tests.crosscheck.genius_milp import PointsMilp

TOL = 2e-7

pytestmark = pytest.mark.corpus

PUBLISHED = sorted(str(p.parent.relative_to(CORPUS)) for p in CORPUS.rglob("pareto.xml")) \
    if CORPUS is not None else []
#: 10 issues of 10 values (1e10 packages): small enough for GENIUS to have published the
#: exact frontier, and for the ε-constraint method to prove it quickly.
SMALL = ["anac/y2014/10issues", "anac/y2014/10issuesDiscounted",
         "anac/y2014/10issuesDiscountedwithRV", "anac/y2014/10issueswithRV",
         "other/S-1NAGUNL-114", "other/S-1NIKFRT-1"]


def params(names: list[str]) -> list[object]:
    if CORPUS is None:
        return [pytest.param(None, marks=pytest.mark.skip(reason=MISSING), id="no-corpus")]
    return [pytest.param(n, id=n) for n in names]


def solver_frontier(folder: Path) -> np.ndarray:
    try:
        from accord.solve.frontier import pareto_frontier
    except ImportError as exc:  # pragma: no cover - depends on the solver's progress
        pytest.skip(f"accord.solve.frontier is not available yet ({exc})")
    front = pareto_frontier(compile_scenario(read_genius_folder(folder)))
    assert front.exact
    return np.asarray(front.utilities)


def matched(points: np.ndarray, against: np.ndarray) -> np.ndarray:
    return np.array([np.abs(against - p).max(axis=1).min() <= TOL for p in points])


def test_exclusive_rectangles_pay_when_any_bound_fails() -> None:
    """GENIUS's ExclusiveHyperRectangle, confirmed by other/S-1NAGUNL-114/pareto.xml.

    Read as GENIUS's code reads it (pays unless every bound holds), each published point
    is exactly the best the second profile can get given the first profile's utility, and
    the other way round. Read as "every value outside its range", the first profile can
    reach only 0.911, so the published point (1, 0.8599) would be impossible.
    """
    folder = need_corpus() / "other/S-1NAGUNL-114"
    published = read_published_frontier(folder)
    milp = PointsMilp(read_genius_folder(folder, excludes="any"))
    for u1, u2 in published:
        assert milp.best("profile-2", "profile-1", u1) == pytest.approx(u2, abs=TOL)
        assert milp.best("profile-1", "profile-2", u2) == pytest.approx(u1, abs=TOL)
    other = PointsMilp(read_genius_folder(folder, excludes="all"))
    assert other.best("profile-1") == pytest.approx(1199 / 1316)
    assert other.best("profile-1") < published[:, 0].max() - 0.05


@pytest.mark.corpus
@pytest.mark.parametrize("name", params(PUBLISHED))
def test_every_published_point_is_achievable(name: str) -> None:
    """No published point beats the imported profiles (up to 8 points per folder)."""
    folder = need_corpus() / name
    published = read_published_frontier(folder)
    if len(published) > 8:
        published = published[np.linspace(0, len(published) - 1, 8).round().astype(int)]
    milp = PointsMilp(read_genius_folder(folder))
    for u1, u2 in published:
        assert milp.best("profile-2", "profile-1", u1) >= u2 - TOL


def test_exact_frontier_reproduces_the_published_10issues_frontier() -> None:
    folder = need_corpus() / "anac/y2014/10issues"
    published = read_published_frontier(folder)
    ours = solver_frontier(folder)
    assert matched(published, ours).all()
    assert matched(ours, published).all()
    assert len(ours) == len(published) == 10


@pytest.mark.corpus
@pytest.mark.parametrize("name", params(SMALL))
def test_exact_frontier_holds_every_true_pareto_point(name: str) -> None:
    """Every published point that the MILP proves Pareto-optimal is on Accord's frontier,
    and every point of Accord's frontier is Pareto-optimal by the MILP."""
    folder = need_corpus() / name
    published = read_published_frontier(folder)
    milp = PointsMilp(read_genius_folder(folder))
    ours = solver_frontier(folder)
    for u1, u2 in ours:
        assert milp.best("profile-2", "profile-1", u1) == pytest.approx(u2, abs=1e-8)
        assert milp.best("profile-1", "profile-2", u2) == pytest.approx(u1, abs=1e-8)
    optimal = np.array([
        abs(milp.best("profile-2", "profile-1", u1) - u2) <= TOL
        and abs(milp.best("profile-1", "profile-2", u2) - u1) <= TOL
        for u1, u2 in published])
    missing = published[optimal & ~matched(published, ours)]
    assert not len(missing), f"Pareto-optimal points missing from accord.solve: {missing}"
