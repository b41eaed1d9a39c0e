"""The MILP encoding reproduces utilities, red lines, linkages and clipping exactly."""

from __future__ import annotations

import highspy
import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from accord.analysis.problem import as_problem
from accord.solve.milp import Encoding
from tests.solve.strategies import SETTINGS, brute, scenarios


def fix(enc: Encoding, package: np.ndarray) -> None:
    pr = enc.problem
    for i in range(pr.n_issues):
        for o in range(int(pr.sizes[i])):
            col = int(enc.x[pr.offsets[i] + o])
            ub = 1.0 if o == package[i] and pr.allowed[pr.offsets[i] + o] else 0.0
            enc.h.changeColBounds(col, 0.0, ub)


@SETTINGS
@given(scenarios(max_parties=4, max_issues=5), st.data())
def test_encoding_evaluates_every_package_exactly(scenario, data):
    b = brute(scenario)
    k = data.draw(st.integers(0, len(b.packages) - 1))
    package = b.packages[k]
    enc = Encoding(as_problem(b.tables))
    fix(enc, package)
    for p in range(b.tables.n_parties):
        enc.maximise(utilities=np.eye(b.tables.n_parties)[p])
        res = enc.solve()
        if not b.admissible[k]:
            assert res.infeasible
            return
        assert res.proven
        assert np.array_equal(res.package, package)
        # maximising a clipped utility reaches min(1, max(0, raw)) exactly
        assert abs(res.objective - b.utilities[k, p]) <= 1e-9
        if not b.tables.clip[p]:
            assert abs(res.columns[enc.u[p]] - b.utilities[k, p]) <= 1e-9


def test_solver_is_silent(capfd):
    from accord.solve.milp import new_highs

    h = new_highs()
    x = h.addVariable(0, 1)
    h.maximize(x)
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    out, err = capfd.readouterr()
    assert out == "" and err == ""
