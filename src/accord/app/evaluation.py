"""Evaluation with every question answered: dominance beyond enumeration via the solver.

:func:`accord.analysis.evaluate.evaluate_all` decides Pareto dominance by enumeration and
leaves it undecided (``None``) for spaces over the enumeration limit. This use-case fills
the gap with the exact solver: Raiffa's post-settlement MILP for a draft, and the
egalitarian MILP for "no deal" (is any admissible package better than walking away?).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from accord.analysis.dominance import Dominance
from accord.analysis.evaluate import PlanEvaluation, evaluate_all
from accord.analysis.tables import Tables, compile_scenario
from accord.model import EPS, Plan, Scenario
from accord.solve.concepts import egalitarian
from accord.solve.errors import NoAgreementError
from accord.solve.improve import post_settlement


def _solver_dominance(scenario: Scenario, tables: Tables, e: PlanEvaluation) -> Dominance:
    if e.plan.no_deal:
        try:
            sol = egalitarian(tables)
        except NoAgreementError:
            return Dominance(False, None, None, "milp: no admissible package reaches every "
                                                "reservation", 0)
        gains = sol.utilities - tables.reservation[0]
        better = bool((gains >= -EPS).all() and (gains > EPS).any())
        return Dominance(better, tuple(int(k) for k in sol.package) if better else None,
                         tuple(float(g) for g in gains) if better else None,
                         f"milp ({'proven' if sol.proven else 'not proven'})", 0)
    package = np.array(scenario.indices(e.plan), dtype=np.int64)
    imp = post_settlement(tables, package, limit=1)
    method = f"milp ({'proven' if imp.proven else 'not proven'})"
    if imp.pareto_optimal or not imp.improvements:
        return Dominance(False if imp.proven else None, None, None, method, 0)
    best = imp.improvements[0]
    return Dominance(True, tuple(int(k) for k in best.package),
                     tuple(float(g) for g in best.gains), method, 0)


def evaluate_complete(scenario: Scenario, plans: list[Plan] | None = None,
                      tables: Tables | None = None) -> list[PlanEvaluation]:
    """Evaluate plans; decide dominance with the solver where enumeration could not."""
    tables = tables or compile_scenario(scenario)
    out = []
    for e in evaluate_all(scenario, plans):
        if e.dominance.dominated is None:
            e = replace(e, dominance=_solver_dominance(scenario, tables, e))
        out.append(e)
    return out
