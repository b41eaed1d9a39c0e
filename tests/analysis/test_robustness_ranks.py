"""Parameter drivers: Spearman correlations from ranks computed once per run."""

from __future__ import annotations

import numpy as np
from scipy.stats import spearmanr

from accord.analysis.robustness import _centred_ranks, _spearman


def test_spearman_matches_scipy_column_by_column_with_ties() -> None:
    rng = np.random.default_rng(7)
    x = np.column_stack([rng.integers(0, 4, 300), rng.normal(size=300),
                         rng.integers(0, 2, 300), np.linspace(0, 1, 300)]).astype(float)
    y = rng.integers(0, 6, 300).astype(float) + 0.1 * x[:, 1]
    got = _spearman(_centred_ranks(x), y)
    want = [spearmanr(x[:, k], y).statistic for k in range(x.shape[1])]
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)


def test_the_same_ranks_serve_every_outcome() -> None:
    rng = np.random.default_rng(8)
    x = rng.normal(size=(200, 3))
    rx = _centred_ranks(x)
    for y in (x[:, 0] * 2 + 1, -x[:, 2], rng.normal(size=200)):
        want = [spearmanr(x[:, k], y).statistic for k in range(3)]
        np.testing.assert_allclose(_spearman(rx, y), want, rtol=0, atol=1e-12)
    before = rx.copy()
    _spearman(rx, x[:, 1])
    np.testing.assert_array_equal(rx, before)  # the shared ranks are not modified


def test_constant_outcome_or_no_parameters_give_zero() -> None:
    x = np.arange(12.0).reshape(6, 2)
    np.testing.assert_array_equal(_spearman(_centred_ranks(x), np.ones(6)), [0.0, 0.0])
    assert _spearman(_centred_ranks(np.zeros((6, 0))), np.arange(6.0)).shape == (0,)


def test_ranks_match_scipy_rankdata_with_ties() -> None:
    from scipy.stats import rankdata

    from accord.analysis.robustness import _ranks

    rng = np.random.default_rng(9)
    for shape in ((1, 1), (7, 3), (500, 6)):
        x = rng.integers(0, 5, size=shape).astype(float)
        x[:, 0] = rng.normal(size=shape[0])  # one column without ties
        np.testing.assert_array_equal(_ranks(x), rankdata(x, axis=0))


def test_robustness_does_not_import_scipy() -> None:
    import subprocess
    import sys

    code = ("import sys, numpy as np; from accord.app.catalog import resolve; "
            "from accord.analysis.robustness import robustness; s = resolve('harbour-teaching'); "
            "robustness(s, s.plans, np.random.default_rng(1), 50); "
            "print('scipy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True).stdout.strip()
    assert out == "False"  # SciPy's import takes seconds: more than the whole computation
