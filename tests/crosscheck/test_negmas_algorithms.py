"""Accord's frontier and bargaining solutions against NegMAS's, on the GENIUS corpus.

Both sides work on the same utilities: NegMAS utility functions are rebuilt from
Accord's tables (``tests/negmas_bridge.py``); NegMAS's own GENIUS reader differs (see
``test_negmas_import.py``). Every additive folder of at most 1e7 outcomes and at most 10
profiles is compared, plus chosen profile pairs of the folders that hold alternative
profiles for the same sides.

Definitions, aligned explicitly (``d`` = reservation utilities; "rational" = every
``u_p >= d_p``; ``I`` = each party's best rational utility; "active" parties are those
with ``I_p > d_p``):

* frontier: the Pareto-optimal utility vectors of all packages, and of the rational
  ones. NegMAS compares floats exactly; Accord compares utilities rounded to multiples of
  ``2**-40`` (``accord.model.RESOLUTION``), so that the same sum taken in
  another order counts as equal. With exact comparisons a point that another beats in one
  utility while trailing it by rounding noise (``0.66`` against ``0.6599999999999999``)
  survives, so NegMAS's extractor is run on the rounded utilities. NegMAS keeps
  ``u >= r`` exactly, Accord ``u >= d - EPS``; Accord points within ``EPS`` below a
  reservation may be absent on the NegMAS side.
* max welfare: ``max sum_p u_p`` over all packages (NegMAS on its full frontier) and over
  the rational ones (Accord's ``welfare``; NegMAS on its rational frontier).
* Nash: ``max prod_p (u_p - d_p)`` over rational packages, the product taken over the
  active parties (Accord leaves the others out; NegMAS returns every frontier point when
  a party is inactive, and the product is evaluated on them). NegMAS's default
  disagreement point is ``max(reserved value, least utility)``; passing
  ``ranges = [(d_p, I_p)]`` makes it ``d``.
* egalitarian (NegMAS ``kalai_points``): ``max min_p (u_p - d_p)`` over rational packages.
* Kalai-Smorodinsky: normalised gains ``g_p = (u_p - d_p) / (I_p - d_p)``. Accord maximises
  ``min_p g_p`` over the active parties (the textbook discrete KS); NegMAS's ``ks_points``
  picks the rational frontier points that *minimise the spread* ``max_p g_p - min_p g_p``.
  On a finite frontier the two can pick different points, so each criterion is evaluated
  on the other side's frontier: Accord's KS value against the best ``min g`` on NegMAS's
  rational frontier, NegMAS's spread against the least spread on Accord's.

Accord's side: the frontier from :func:`accord.solve.frontier.pareto_frontier`; the
solution concepts from :mod:`accord.solve.concepts` (``welfare``, ``nash``,
``egalitarian``, ``kalai_smorodinsky``; ``NoAgreementError`` when no package is
rational), or, if that module is missing, from exhaustive enumeration
(:meth:`accord.analysis.space.Layout.chunks` and ``Tables.utilities``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from accord.analysis.tables import Tables, compile_scenario
from accord.formats.genius import import_genius
from accord.model import EPS, RESOLUTION
from tests.crosscheck.corpus import CORPUS, MISSING, corpus_folders, need_corpus
from tests.negmas_bridge import NEGMAS_ERROR, negmas, outcome_space, utility_functions

if negmas is None:  # pragma: no cover
    pytest.skip(NEGMAS_ERROR, allow_module_level=True)

from negmas.preferences.ops import (
    kalai_points,
    ks_points,
    max_welfare_points,
    nash_points,
    pareto_frontier,
    pareto_frontier_numpy,
)

pytestmark = [pytest.mark.negmas, pytest.mark.corpus,
              pytest.mark.filterwarnings("ignore::Warning")]

MAX_OUTCOMES = 10_000_000
MAX_PARTIES = 10
#: Above three parties the frontiers get large (7 444 points for the 5-party killer
#: robot domain) and both extractors take ~20 s; they are compared all the same.
MAX_OUTCOMES_MANY_PARTIES = MAX_OUTCOMES
TOL = 1e-9
#: Profile pairs picked from folders holding alternative profiles for the same sides.
PAIRS = {
    "other/ItexvsCypressDomain": [
        ("ItexvsCypress_CypressAReserve00", "ItexvsCypress_ItexBReserve00"),
        ("ItexvsCypress_CypressAReserve05", "ItexvsCypress_ItexBReserve05"),
        ("ItexvsCypress_CypressAReserve09", "ItexvsCypress_ItexBReserve09"),
    ],
    "other/journal_learning/four_issues": [("a_l_d_d", "b_l_d_d"), ("a_n_u_u", "b_n_u_u")],
    "other/journal_learning/six_issues": [("a_l_u2_u1", "b_l_u_u"), ("a_n_t_t", "b_nr_d_d")],
}


def cases() -> list[object]:
    if CORPUS is None:
        return [pytest.param(None, None, marks=pytest.mark.skip(reason=MISSING),
                             id="no-corpus")]
    out: list[object] = []
    for folder in corpus_folders():
        if folder in PAIRS:
            out += [pytest.param(folder, pair, id=f"{folder}[{'+'.join(pair)}]")
                    for pair in PAIRS[folder]]
        else:
            out.append(pytest.param(folder, None, id=folder))
    return out


# --------------------------------------------------------------------- accord side
@dataclass
class Ours:
    """Accord's numbers for one scenario (``None``: no individually rational package)."""

    frontier: np.ndarray
    rational_frontier: np.ndarray
    welfare_all: float
    welfare: float | None
    nash: float | None
    egalitarian: float | None
    ks_maximin: float | None
    ks_spread: float | None
    source: str


def accord_frontier(tables: Tables, rational: bool) -> np.ndarray:
    from accord.solve.frontier import pareto_frontier as accord_pareto

    front = accord_pareto(tables, individually_rational=rational)
    assert front.exact
    return np.asarray(front.utilities, dtype=float).reshape(-1, tables.n_parties)


def gains(u: np.ndarray, d: np.ndarray, ideal: np.ndarray) -> np.ndarray:
    return (u - d) / (ideal - d)


def nash_value(u: np.ndarray, d: np.ndarray, active: np.ndarray) -> float:
    """Nash product over the parties that can gain (Accord's convention)."""
    return float(np.prod(np.maximum(u - d, 0.0)[active])) if active.any() else 0.0


def ks_value(u: np.ndarray, d: np.ndarray, ideal: np.ndarray, active: np.ndarray) -> float:
    """Smallest normalised gain over the parties that can gain."""
    return float(gains(u, d, ideal)[active].min()) if active.any() else 0.0


def concepts_module() -> Any:
    try:
        from accord.solve import concepts
    except ImportError:
        return None
    return concepts


def ours(tables: Tables, everything: np.ndarray) -> Ours:
    d = tables.reservation[0]
    rational = everything[(everything >= d - EPS).all(axis=1)]
    frontier = accord_frontier(tables, False)
    below = (everything < d).any()
    rational_frontier = accord_frontier(tables, True) if below else frontier
    welfare_all = float(everything.sum(axis=1).max())
    welfare = nash = egalitarian = ks_maximin = ks_spread = None
    if len(rational):
        ideal = rational.max(axis=0)
        active = ideal - d > 1e-12
        welfare = float(rational.sum(axis=1).max())
        nash = max(nash_value(u, d, active) for u in rational)
        egalitarian = float((rational - d).min(axis=1).max())
        ks_maximin = max(ks_value(u, d, ideal, active) for u in rational)
        if active.all():
            gf = gains(rational_frontier, d, ideal)
            ks_spread = float((gf.max(axis=1) - gf.min(axis=1)).min())
    source = "enumeration"
    concepts = concepts_module()
    if concepts is not None:  # pragma: no cover - depends on the solver's progress
        source = "accord.solve.concepts"
        from accord.solve.errors import NoAgreementError

        solve = {name: getattr(concepts, name, None)
                 for name in ("welfare", "nash", "egalitarian", "kalai_smorodinsky")}
        missing = [k for k, f in solve.items() if f is None]
        assert not missing, f"accord.solve.concepts lacks {missing}"
        if not len(rational):
            for f in solve.values():
                with pytest.raises(NoAgreementError):
                    f(tables)
        else:
            u = {k: np.asarray(f(tables).utilities, dtype=float) for k, f in solve.items()}
            welfare = float(u["welfare"].sum())
            nash = nash_value(u["nash"], d, active)
            egalitarian = float((u["egalitarian"] - d).min())
            ks_maximin = ks_value(u["kalai_smorodinsky"], d, ideal, active)
    return Ours(frontier, rational_frontier, welfare_all, welfare, nash, egalitarian,
                ks_maximin, ks_spread, source)


# ----------------------------------------------------------------------- helpers
def assert_same_points(a: np.ndarray, b: np.ndarray, what: str,
                       may_lack: np.ndarray | None = None) -> None:
    """Every point of ``a`` is within TOL of one of ``b`` and vice versa."""
    def unmatched(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        if not len(x):
            return np.zeros(0, dtype=bool)
        if not len(y):
            return np.ones(len(x), dtype=bool)
        return np.array([np.abs(y - p).max(axis=1).min() > TOL for p in x])

    lost = unmatched(a, b)
    if may_lack is not None:
        lost &= ~may_lack
    assert not lost.any(), f"{what}: Accord points missing on the NegMAS side: {a[lost][:5]}"
    extra = unmatched(b, a)
    assert not extra.any(), f"{what}: NegMAS points missing on Accord's side: {b[extra][:5]}"


def on_grid(points: np.ndarray) -> np.ndarray:
    """Utilities rounded to Accord's dominance resolution."""
    return np.rint(points / RESOLUTION) * RESOLUTION


def negmas_front(points: np.ndarray) -> np.ndarray:
    """NegMAS's frontier extractor (``pareto_frontier_numpy``, what its ``pareto_frontier``
    runs) on utilities compared at Accord's resolution."""
    if not len(points):
        return points
    return points[pareto_frontier_numpy(on_grid(points), sort_by_welfare=True)]


# ------------------------------------------------------------------------- tests
@pytest.mark.parametrize(("folder", "pair"), cases())
def test_negmas_agrees_with_accord(folder: str, pair: tuple[str, str] | None) -> None:
    s = import_genius(need_corpus() / folder, profiles=pair)
    if any(p.terms for p in s.preferences.values()):
        pytest.skip("nonlinear (hyper-rectangle) profiles: 1e10+ outcomes; checked against "
                    "the published frontiers instead")
    if s.space_size > MAX_OUTCOMES:
        pytest.skip(f"{s.space_size} outcomes > {MAX_OUTCOMES}: too many to enumerate "
                    "on the NegMAS side")
    if len(s.parties) > MAX_PARTIES:
        pytest.skip(f"{len(s.parties)} alternative profiles; compared as chosen pairs")
    if len(s.parties) > 3 and s.space_size > MAX_OUTCOMES_MANY_PARTIES:
        pytest.skip(f"{len(s.parties)} parties x {s.space_size} outcomes: too many")
    tables = compile_scenario(s)
    d = tables.reservation[0]
    packages = np.concatenate(list(tables.layout.chunks()))
    everything = tables.utilities(packages)

    # NegMAS side: its ufuns evaluate every outcome, in the same order as ours
    ufuns = utility_functions(s, tables)
    outcomes = list(outcome_space(s).enumerate())
    assert len(outcomes) == len(packages)
    assert outcomes[-1] == tuple(i.options[-1].id for i in s.issues)
    points = np.array([[float(u(o)) for u in ufuns] for o in outcomes])
    np.testing.assert_allclose(points, everything, rtol=0, atol=1e-12)
    full = negmas_front(points)
    rational_rows = (points >= d).all(axis=1)
    neg_rational = negmas_front(points[rational_rows])
    if len(outcomes) <= 50_000:  # NegMAS's end-to-end path (exact float comparisons)
        e2e, _ = pareto_frontier(ufuns, outcomes=outcomes)
        e2e_points = negmas_front(np.array(e2e).reshape(-1, len(d)))
        assert_same_points(e2e_points, neg_rational, "end to end")

    mine = ours(tables, everything)
    assert_same_points(mine.frontier, full, "frontier")
    near = ((mine.rational_frontier < d) & (mine.rational_frontier >= d - EPS)).any(axis=1)
    assert_same_points(mine.rational_frontier, neg_rational, "rational frontier", near)

    front = [tuple(map(float, p)) for p in neg_rational]
    best = points[rational_rows].max(axis=0) if rational_rows.any() else None
    spans = [(float(lo), float(hi))
             for lo, hi in zip(points.min(axis=0), points.max(axis=0), strict=True)]
    # (a party with constant utility makes NegMAS return the whole frontier: take its best)
    welfare_all = max_welfare_points(ufuns, [tuple(map(float, p)) for p in full],
                                     ranges=spans)
    assert max(sum(p) for p, _ in welfare_all) == pytest.approx(mine.welfare_all, abs=TOL)
    if best is None:
        assert mine.welfare is None and not front
        return
    welfare = max_welfare_points(ufuns, front, ranges=spans)
    assert max(sum(p) for p, _ in welfare) == pytest.approx(mine.welfare, abs=TOL)
    ranges = [(float(a), float(b)) for a, b in zip(d, best, strict=True)]
    # NegMAS returns only the optimal points, or every frontier point when some party's
    # best rational utility equals its reservation; Accord leaves such a party out of the
    # Nash product and the KS ratio
    active = best - d > 1e-12
    nash = nash_points(ufuns, front, ranges=ranges)
    assert max(nash_value(np.array(p), d, active) for p, _ in nash) == \
        pytest.approx(mine.nash, abs=TOL)
    egal = kalai_points(ufuns, front, ranges=ranges, subtract_reserved_value=True)
    assert max(min(u - r for u, r in zip(p, d, strict=True)) for p, _ in egal) == \
        pytest.approx(mine.egalitarian, abs=TOL)
    assert max(ks_value(p, d, best, active) for p in neg_rational) == \
        pytest.approx(mine.ks_maximin, abs=TOL)
    if active.all():
        ks = ks_points(ufuns, front, ranges=ranges)
        g = gains(np.array(ks[0][0]), d, best)
        assert float(g.max() - g.min()) == pytest.approx(mine.ks_spread, abs=TOL)
