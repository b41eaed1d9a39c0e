"""Dominated options and the compact problem (accord.solve.reduce) against brute force."""

from __future__ import annotations

import numpy as np
from hypothesis import given

from accord.analysis.problem import as_problem
from accord.solve.reduce import compact, undominated, without_dominated
from tests.solve.strategies import SETTINGS, TOL, brute, random_tables, scenarios


@SETTINGS
@given(scenarios(max_parties=3, max_issues=4, max_options=4))
def test_every_package_is_weakly_dominated_by_one_of_undominated_options(scenario):
    b = brute(scenario)
    pr = as_problem(b.tables)
    keep = undominated(pr)
    assert not (keep & ~pr.allowed).any()
    uses_kept = keep[b.packages + pr.offsets].all(axis=1) & b.admissible
    u, kept_u = b.utilities[b.admissible], b.utilities[uses_kept]
    assert (len(kept_u) == 0) == (len(u) == 0)
    if len(u):
        covered = (kept_u[None, :, :] >= u[:, None, :] - TOL).all(axis=2).any(axis=1)
        assert covered.all()


@SETTINGS
@given(scenarios(max_parties=3, max_issues=4, max_options=4))
def test_compact_problem_is_faithful_on_the_options_it_keeps(scenario):
    b = brute(scenario)
    pr = without_dominated(as_problem(b.tables))
    small = compact(pr)
    sp = small.problem
    grids = np.meshgrid(*[np.arange(int(s)) for s in sp.sizes], indexing="ij")
    packages = np.stack([g.reshape(-1) for g in grids], axis=1).astype(np.int64)
    original = small.expand(packages)
    assert pr.allowed[original + pr.offsets].all()
    assert np.allclose(sp.evaluate(packages), pr.evaluate(original), atol=1e-12)
    assert np.array_equal(sp.admissible(packages), pr.admissible(original))
    # and nothing the kept options allow is lost
    assert sp.space_size == pr.allowed_space_size


def test_equal_options_keep_the_first_and_dominated_ones_go():
    tables = random_tables(np.random.default_rng(0), n_issues=3, n_options=4, n_parties=1)
    pr = as_problem(tables)
    keep = undominated(pr)
    # one party, no terms: only each issue's best option survives
    for i in range(pr.n_issues):
        lo, n = int(pr.offsets[i]), int(pr.sizes[i])
        assert np.flatnonzero(keep[lo:lo + n]).tolist() == [int(np.argmax(pr.util[lo:lo + n,
                                                                                   0]))]
