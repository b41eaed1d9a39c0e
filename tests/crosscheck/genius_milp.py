"""A small, independent MILP over imported nonlinear GENIUS profiles (test helper).

Written from the model definitions, sharing no code with :mod:`accord.solve`, so that
published frontiers can confirm the importer's semantics on their own. Handles the
``scores`` form with non-negative per-option points and non-negative terms (what the
importer produces for hyper-rectangle profiles): ``x[i, o]`` one-hot per issue, and for
each term ``y <= sum_{o in S} x[i, o]`` per condition, which is exact when maximising
sums with non-negative coefficients.
"""

from __future__ import annotations

import highspy
import numpy as np

from accord.model import Form, Scenario


class PointsMilp:
    """``max points_b`` subject to ``points_a >= bound`` for two parties of a scenario."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.h = highspy.Highs()
        self.h.setOptionValue("output_flag", False)
        for option in ("mip_feasibility_tolerance", "primal_feasibility_tolerance"):
            self.h.setOptionValue(option, 1e-9)
        self.h.setOptionValue("mip_rel_gap", 0.0)
        self.col: dict[tuple[str, str], int] = {}
        inf = highspy.kHighsInf
        for issue in scenario.issues:
            cols = []
            for option in issue.options:
                k = self._var(0, 1, integer=True)
                self.col[(issue.id, option.id)] = k
                cols.append(k)
            self.h.addRow(1, 1, len(cols), np.array(cols, np.int32), np.ones(len(cols)))
        self.points: dict[str, dict[int, float]] = {}
        for pid in scenario.party_ids:
            prefs = scenario.preferences[pid]
            assert prefs.form is Form.SCORES and not prefs.commitments
            coef: dict[int, float] = {}
            for issue_id, options in prefs.values.items():
                for option_id, v in options.items():
                    assert v.value >= 0
                    k = self.col[(issue_id, option_id)]
                    coef[k] = coef.get(k, 0.0) + v.value
            for term in prefs.terms:
                assert term.value.value >= 0
                y = self._var(0, 1)
                for sel in term.conditions:
                    cols = [self.col[(sel.issue, o)] for o in sel.options]
                    self.h.addRow(-inf, 0, len(cols) + 1, np.array([y, *cols], np.int32),
                                  np.array([1.0] + [-1.0] * len(cols)))
                coef[y] = coef.get(y, 0.0) + term.value.value
            self.points[pid] = coef
        self._bound_row: int | None = None

    def _var(self, lo: float, hi: float, integer: bool = False) -> int:
        k = int(self.h.getNumCol())
        self.h.addVar(lo, hi)
        if integer:
            self.h.changeColIntegrality(k, highspy.HighsVarType.kInteger)
        return k

    def scale(self, pid: str) -> float:
        s = self.scenario.preferences[pid].scale
        return 1.0 if s is None else s.value

    def best(self, maximise: str, given: str | None = None, at_least: float = 0.0) -> float:
        """``max min(1, points/scale)`` of ``maximise`` with ``given``'s utility >= ``at_least``."""
        inf = highspy.kHighsInf
        if self._bound_row is not None:
            self.h.deleteRows(1, np.array([self._bound_row], np.int32))
            self._bound_row = None
        if given is not None:
            coef = self.points[given]
            need = min(at_least, 1.0) * self.scale(given) - 1e-7 * self.scale(given)
            self._bound_row = int(self.h.getNumRow())
            self.h.addRow(need, inf, len(coef), np.array(list(coef), np.int32),
                          np.array(list(coef.values())))
        n = int(self.h.getNumCol())
        cost = np.zeros(n)
        for k, v in self.points[maximise].items():
            cost[k] = -v
        self.h.changeColsCost(n, np.arange(n, dtype=np.int32), cost)
        self.h.run()
        status = self.h.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            return float("-inf")
        assert status == highspy.HighsModelStatus.kOptimal, status
        return min(1.0, -self.h.getInfo().objective_function_value / self.scale(maximise))
