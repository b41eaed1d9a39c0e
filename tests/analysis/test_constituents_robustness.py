"""Robustness samples the constituents' numbers and counts their vetoes, draw by draw."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from accord.analysis.robustness import robustness
from accord.analysis.tables import ParameterSpace
from accord.formats.scenario_file import loads_scenario
from accord.model import EPS

TEXT = (Path(__file__).parent.parent / "fixtures" / "two-level.yaml").read_text(
    encoding="utf-8").replace(
    "  A-voters:\n    form: weights\n    reservation: 0.6\n",
    "  A-voters:\n    form: weights\n    reservation: {value: 0.6, range: [0.5, 0.9]}\n")


def test_acceptance_probabilities_count_constituent_vetoes_per_draw() -> None:
    s = loads_scenario(TEXT, "two-level.yaml")
    space = ParameterSpace(s)
    assert any(r.label == "A-voters reservation" and r.param.uncertain for r in space.refs)
    samples = 400
    result = robustness(s, [s.plan("second")], np.random.default_rng(7), samples)
    theta = space.sample(np.random.default_rng(7), samples)
    package = np.array([s.indices(s.plan("second"))], dtype=np.int64)
    accepts = np.zeros((samples, len(s.parties)), dtype=bool)
    voters = np.zeros(samples, dtype=bool)
    for k in range(samples):
        tables = space.build(theta[k:k + 1])
        accepts[k] = tables.acceptance(package)[0]
        gates = tables.problem(0).gates
        assert gates is not None
        voters[k] = bool(gates.accepts(package)[0, 0])
    # the voters (consulted on the land swap) refuse in some draws and not in others
    assert 0 < voters.mean() < 1
    assert not (accepts[:, 0] & ~voters).any()
    plan = result.plans[0]
    for k, pid in enumerate(s.party_ids):
        assert abs(plan.accept_probability[pid] - accepts[:, k].mean()) <= 1e-12
    # the reservation drawn for the voters drives A's acceptance: its own numbers matter
    u_voters = 0.7
    res = theta[:, next(i for i, r in enumerate(space.refs)
                        if r.label == "A-voters reservation")]
    assert (voters == (u_voters >= res - EPS)).all()
