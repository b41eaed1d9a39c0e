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
``egalitarian``, ``kalai_smorodinsky``; ``NoAgreementError`` when no package is rational).

Cost, and what NegMAS checks where (everything is compared in vectorised form, so the
whole file takes seconds, not minutes):

* utilities: on spaces of at most :data:`EVERY_OUTCOME` outcomes NegMAS enumerates its own
  outcome space and its utility functions evaluate every outcome, which must equal
  ``Tables.utilities`` in the same order; on larger spaces they evaluate a seeded sample of
  :data:`SAMPLE` outcomes (the first and last included) against the same rows of
  ``Tables.utilities``, and NegMAS's extractors then run on Accord's utilities, so checked.
* frontiers: NegMAS's extractor (a Python loop over the points) runs on the *distinct*
  utility vectors: the Pareto-optimal vectors of a multiset are those of its set, and the
  5.8 million outcomes of the largest folder have fewer than 3,000 distinct vectors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from accord.analysis.tables import Tables, compile_scenario
from accord.formats.genius import import_genius
from accord.model import EPS
from accord.solve import concepts
from accord.solve.errors import NoAgreementError
from tests.crosscheck.corpus import CORPUS, MISSING, need_corpus
from tests.crosscheck.negmas_reference import (
    EVERY_OUTCOME,
    REGENERATE,
    case_id,
    corpus_cases,
    fingerprint,
    load,
    negmas_front_rows,
    negmas_utilities,
    why_not_compared,
)
from tests.negmas_bridge import (
    NEGMAS_ERROR,
    negmas,
    outcome_space,
    outcomes_of,
    utility_functions,
)

if negmas is None:  # pragma: no cover
    pytest.skip(NEGMAS_ERROR, allow_module_level=True)

from negmas.preferences.ops import (
    kalai_points,
    ks_points,
    max_welfare_points,
    nash_points,
    pareto_frontier,
)

pytestmark = [pytest.mark.negmas, pytest.mark.corpus,
              pytest.mark.filterwarnings("ignore::Warning")]

TOL = 1e-9
#: Larger spaces than EVERY_OUTCOME: how many outcomes (seeded, the first and last
#: included) NegMAS evaluates live.
SAMPLE = 20_000
CONCEPTS = {name: getattr(concepts, name)
            for name in ("welfare", "nash", "egalitarian", "kalai_smorodinsky")}
STORED = load()


def cases() -> list[object]:
    if CORPUS is None:
        return [pytest.param(None, None, marks=pytest.mark.skip(reason=MISSING),
                             id="no-corpus")]
    return [pytest.param(folder, pair, id=case_id(folder, pair))
            for folder, pair in corpus_cases()]


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


def ours(tables: Tables, everything: np.ndarray) -> Ours:
    d = tables.reservation[0]
    rational = everything[(everything >= d - EPS).all(axis=1)]
    frontier = accord_frontier(tables, False)
    below = (everything < d).any()
    rational_frontier = accord_frontier(tables, True) if below else frontier
    welfare_all = float(everything.sum(axis=1).max())
    if not len(rational):
        for f in CONCEPTS.values():
            with pytest.raises(NoAgreementError):
                f(tables)
        return Ours(frontier, rational_frontier, welfare_all, None, None, None, None, None)
    ideal = rational.max(axis=0)
    active = ideal - d > 1e-12
    ks_spread = None
    if active.all():
        gf = gains(rational_frontier, d, ideal)
        ks_spread = float((gf.max(axis=1) - gf.min(axis=1)).min())
    u = {k: np.asarray(f(tables).utilities, dtype=float) for k, f in CONCEPTS.items()}
    return Ours(frontier, rational_frontier, welfare_all,
                welfare=float(u["welfare"].sum()),
                nash=nash_value(u["nash"], d, active),
                egalitarian=float((u["egalitarian"] - d).min()),
                ks_maximin=ks_value(u["kalai_smorodinsky"], d, ideal, active),
                ks_spread=ks_spread)


# ----------------------------------------------------------------------- helpers
def assert_same_points(a: np.ndarray, b: np.ndarray, what: str,
                       may_lack: np.ndarray | None = None) -> None:
    """Every point of ``a`` is within TOL of one of ``b`` (max-norm) and vice versa."""
    from scipy.spatial import cKDTree

    def unmatched(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        if not len(x):
            return np.zeros(0, dtype=bool)
        if not len(y):
            return np.ones(len(x), dtype=bool)
        gap, _ = cKDTree(y).query(x, k=1, p=np.inf)
        return np.asarray(gap > TOL)

    lost = unmatched(a, b)
    if may_lack is not None:
        lost &= ~may_lack
    assert not lost.any(), f"{what}: Accord points missing on the NegMAS side: {a[lost][:5]}"
    extra = unmatched(b, a)
    assert not extra.any(), f"{what}: NegMAS points missing on Accord's side: {b[extra][:5]}"


def sample_rows(n: int, seed: int = 2014) -> np.ndarray:
    """A seeded sample of :data:`SAMPLE` row numbers of ``n``, the first and last included."""
    rng = np.random.default_rng(seed)
    picked = rng.choice(n, size=min(n, SAMPLE) - 2, replace=False)
    return np.unique(np.concatenate([[0, n - 1], picked]))


def negmas_fronts(s: Any, tables: Tables, packages: np.ndarray, everything: np.ndarray,
                  ufuns: list[Any], key: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The utilities NegMAS sees (checked against Accord's), its frontier of all packages
    and its frontier of the rational ones.

    Small spaces: NegMAS enumerates its outcome space, evaluates every outcome and
    extracts both frontiers now, and its end-to-end ``pareto_frontier`` must agree. Large
    spaces: NegMAS evaluates a sample against Accord's utilities, and its frontiers are
    those stored by ``scripts/negmas_frontiers.py``, evaluated again by its utility
    functions.
    """
    d = tables.reservation[0]
    if len(packages) <= EVERY_OUTCOME:
        outcomes = list(outcome_space(s).enumerate())
        assert len(outcomes) == len(packages)
        assert outcomes[-1] == tuple(i.options[-1].id for i in s.issues)
        points = negmas_utilities(ufuns, outcomes)
        np.testing.assert_allclose(points, everything, rtol=0, atol=1e-12)
        rational = np.flatnonzero((points >= d).all(axis=1))
        full = points[negmas_front_rows(points)]
        neg_rational = points[rational[negmas_front_rows(points[rational])]]
        # NegMAS's end-to-end path (exact float comparisons)
        e2e, _ = pareto_frontier(ufuns, outcomes=outcomes)
        e2e_points = np.array(e2e).reshape(-1, len(d))
        assert_same_points(e2e_points[negmas_front_rows(e2e_points)], neg_rational,
                           "end to end")
        return points, full, neg_rational
    rows = sample_rows(len(packages))
    sampled = negmas_utilities(ufuns, outcomes_of(s, packages[rows]))
    np.testing.assert_allclose(sampled, everything[rows], rtol=0, atol=1e-12)
    stored = STORED.get(key)
    assert stored is not None, f"no stored NegMAS frontier for {key}: run {REGENERATE}"
    assert stored.fingerprint == fingerprint(tables), (
        f"{key}: the utilities changed since NegMAS's frontier was stored; find out why, "
        f"then run {REGENERATE}")
    full = negmas_utilities(ufuns, outcomes_of(s, packages[stored.frontier]))
    neg_rational = negmas_utilities(ufuns, outcomes_of(s, packages[stored.rational]))
    assert (neg_rational >= d).all(), f"{key}: a stored rational point is not rational"
    return everything, full, neg_rational


# ------------------------------------------------------------------------- tests
@pytest.mark.parametrize(("folder", "pair"), cases())
def test_negmas_agrees_with_accord(folder: str, pair: tuple[str, str] | None) -> None:
    s = import_genius(need_corpus() / folder, profiles=pair)
    reason = why_not_compared(s)
    if reason is not None:
        pytest.skip(reason)
    tables = compile_scenario(s)
    d = tables.reservation[0]
    packages = np.concatenate(list(tables.layout.chunks()))
    everything = tables.utilities(packages)
    ufuns = utility_functions(s, tables)
    points, full, neg_rational = negmas_fronts(s, tables, packages, everything, ufuns,
                                               case_id(folder, pair))
    rational_rows = (points >= d).all(axis=1)

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
