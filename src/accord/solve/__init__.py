"""Exact solver engine: enumeration, Pareto frontiers, bargaining concepts, MILP (HiGHS).

Every function works on compiled utility tables (:func:`accord.analysis.tables.
compile_scenario`) or on a :class:`~accord.analysis.problem.Problem`; none does I/O.
"""

from accord.analysis.problem import Problem, as_problem
from accord.solve.concepts import Solution, egalitarian, kalai_smorodinsky, nash, welfare
from accord.solve.enumerate import Block, admissible_block, iter_admissible, skyline
from accord.solve.errors import NoAgreementError, SolveError, SolverError, SpaceTooLargeError
from accord.solve.frontier import Frontier, pareto_frontier
from accord.solve.improve import Improvement, Improvements, post_settlement
from accord.solve.zopa import Zopa, unanimity, zopa

__all__ = [
    "Block",
    "Frontier",
    "Improvement",
    "Improvements",
    "NoAgreementError",
    "Problem",
    "Solution",
    "SolveError",
    "SolverError",
    "SpaceTooLargeError",
    "Zopa",
    "admissible_block",
    "as_problem",
    "decode",
    "egalitarian",
    "encode",
    "iter_admissible",
    "kalai_smorodinsky",
    "nash",
    "pareto_frontier",
    "post_settlement",
    "skyline",
    "unanimity",
    "welfare",
    "zopa",
]
