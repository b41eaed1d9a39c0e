"""The application functions: one door to the engine for every front-end and for users.

The CLI, the web workbench, the mediation service and the report call these functions and
nothing below them, so one question gets one answer wherever it is asked. They are also
the public Python API (``accord.load``, ``accord.solve``…; see ``docs/tutorial-python.md``)::

    import accord
    s = accord.load("ukraine-2025")
    accord.solve(s, "nash").utilities      # {party: utility}

A scenario argument is a :class:`~accord.model.Scenario` or a bundled name or file path.
Compiled tables are kept per scenario object (weakly), so repeated questions about the
same scenario compile it once.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from accord.analysis.compare import compare as compare_plans
from accord.analysis.dominance import Dominance
from accord.analysis.evaluate import PlanEvaluation, evaluate_all, evaluate_plan
from accord.analysis.lineage import draft_tree as _draft_tree
from accord.analysis.lineage import has_lineage, revision_steps
from accord.analysis.lint import lint as find_smells
from accord.analysis.ratify import ratified
from accord.analysis.space import ENUMERATION_LIMIT
from accord.analysis.tables import Tables, compile_scenario
from accord.app.catalog import resolve, source_of
from accord.app.openings import Opening, opening, relaxations
from accord.app.results import (
    ComparisonResult,
    Evaluation,
    FrontierResult,
    ImprovementResult,
    LintResult,
    RobustnessResult,
    SensitivityResult,
    SolveResult,
    ZopaResult,
)
from accord.app.whatif import Adjustment, adjusted
from accord.model import EPS, AccordError, InvalidPlanError, NoAgreementError, Plan, Scenario

if TYPE_CHECKING:
    from accord.solve.concepts import Solution
    from accord.solve.improve import Improvements

# The solver (HiGHS) and scipy.stats are imported inside the functions that need them, so a
# command that only evaluates a small scenario starts fast.

Concept = Literal["nash", "ks", "egalitarian", "welfare"]
RankBy = Literal["nash", "welfare", "egalitarian"]
ScenarioLike = Scenario | str | Path
PlanLike = Plan | str
Progress = Callable[[int, int], None]

#: The exact concepts, in the order every front-end lists them.
CONCEPTS: tuple[Concept, ...] = ("nash", "ks", "egalitarian", "welfare")
_SOLVERS = {"nash": "nash", "ks": "kalai_smorodinsky", "egalitarian": "egalitarian",
            "welfare": "welfare"}


def _concept(concept: str) -> Callable[[Tables], Solution]:
    from accord.solve import concepts

    solver: Callable[[Tables], Solution] = getattr(concepts, _SOLVERS[concept])
    return solver

__all__ = [
    "CONCEPTS",
    "cancel_ahead",
    "chain",
    "compare",
    "divide",
    "draft_chain",
    "draft_tree",
    "evaluate",
    "frontier",
    "improve",
    "lint",
    "load",
    "openings",
    "ratifies",
    "reservations",
    "robustness",
    "sensitivity",
    "solve",
    "solve_ahead",
    "solve_all",
    "tables",
    "zopa",
]

#: Per scenario object (``id``): its compiled tables and the exact results already
#: computed for it (a scenario is immutable, so an answer never goes stale); dropped when
#: the scenario is collected.
_TABLES: dict[int, tuple[weakref.ref[Scenario], Tables, dict[tuple[object, ...], _Once]]] = {}
#: Guards ``_TABLES`` and each scenario's memo (not the computations themselves).
_LOCK = threading.Lock()
#: Background threads of :func:`solve_ahead` (created on first use).
_AHEAD: list[ThreadPoolExecutor] = []
#: Improvements computed to decide dominance: the best one (reused by the report).
DOMINANCE_IMPROVEMENTS = 1


class _Once:
    """One memoised result: computed by the first thread that asks, awaited by the rest.

    An answer that is an :class:`~accord.model.AccordError` (no agreement, a space too
    large) is kept and raised again to every caller; any other exception stores nothing,
    so the next caller computes again in its own thread.
    """

    __slots__ = ("done", "error", "lock", "value")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.done = False
        self.value: Any = None
        self.error: AccordError | None = None

    def get(self, make: Callable[[], Any]) -> Any:
        with self.lock:
            if not self.done:
                try:
                    self.value = make()
                except AccordError as exc:
                    self.error = exc
                self.done = True
            if self.error is not None:
                raise self.error.with_traceback(None)
            return self.value


def load(scenario: ScenarioLike) -> Scenario:
    """A scenario: a bundled name (``"ukraine-2025"``) or a YAML/JSON file path."""
    if isinstance(scenario, Scenario):
        return scenario
    return resolve(str(scenario))


def tables(scenario: Scenario) -> Tables:
    """The nominal compiled tables of a scenario (compiled once per scenario object)."""
    return _entry(scenario)[1]


def _entry(scenario: Scenario) -> tuple[weakref.ref[Scenario], Tables,
                                        dict[tuple[object, ...], _Once]]:
    key = id(scenario)
    with _LOCK:
        hit = _TABLES.get(key)
        if hit is not None and hit[0]() is scenario:
            return hit
        memo: dict[tuple[object, ...], _Once] = {}
        entry = (weakref.ref(scenario, lambda _r: _TABLES.pop(key, None)),
                 compile_scenario(scenario), memo)
        _TABLES[key] = entry
        return entry


def _memo(scenario: Scenario, key: tuple[object, ...], make: Callable[[], Any]) -> Any:
    """``make()`` computed once per scenario object and ``key`` (thread-safe)."""
    memo = _entry(scenario)[2]
    with _LOCK:
        once = memo.get(key)
        if once is None:
            once = memo[key] = _Once()
    return once.get(make)


def solve_ahead(scenario: ScenarioLike) -> None:
    """Start, in two background threads, the exact results a report of ``scenario`` shows.

    The post-settlement search that decides each draft's dominance (and fills the report's
    improvements table), the four concepts, then each draft's :func:`sensitivity`. HiGHS
    releases the interpreter lock while it solves (and numpy while it works on large
    arrays), so they run beside the caller's own work (robustness, comparisons); the
    functions that need them (:func:`evaluate`, :func:`improve`, :func:`solve`,
    :func:`sensitivity`) take the results, or wait for a computation under way instead of
    starting it again. Errors (no agreement) are left for those functions to raise.
    """
    from accord.solve.milp import new_highs

    s = load(scenario)
    new_highs()  # HiGHS's first instance silences standard output briefly: not in a thread
    with _LOCK:
        if not _AHEAD:
            _AHEAD.append(ThreadPoolExecutor(max_workers=2, thread_name_prefix="accord-solve"))
        pool = _AHEAD[0]
    drafts = [p for p in s.plans if not p.no_deal]
    for p in drafts:
        pool.submit(_improvements, s, tuple(s.indices(p)), "nash", DOMINANCE_IMPROVEMENTS)
    for concept in ("egalitarian", "nash", "ks", "welfare"):
        pool.submit(_solution, s, concept)
    for p in drafts:  # then what flips each draft (numpy, mostly)
        pool.submit(sensitivity, s, p)


def cancel_ahead() -> None:
    """Drop the work :func:`solve_ahead` queued and has not started (a solve under way ends).

    For a command that stops early (an error, Ctrl-C): the interpreter waits for the
    background threads at exit, and would otherwise run every queued solve first.
    """
    with _LOCK:
        if _AHEAD:
            _AHEAD.pop().shutdown(wait=False, cancel_futures=True)


def _solution(s: Scenario, concept: str) -> Solution:
    solution: Solution = _memo(s, ("solve", concept), lambda: _concept(concept)(tables(s)))
    return solution


def _improvements(s: Scenario, package: tuple[int, ...], rank_by: RankBy, limit: int
                  ) -> Improvements:
    from accord.solve.improve import post_settlement

    found: Improvements = _memo(
        s, ("improve", package, rank_by, limit),
        lambda: post_settlement(tables(s), np.array(package, dtype=np.int64),
                                rank_by=rank_by, limit=limit))
    return found


def reservations(scenario: ScenarioLike) -> dict[str, float]:
    """Each party's reservation utility (the "no deal" point), normalised like utilities."""
    s = load(scenario)
    return dict(zip(s.party_ids, map(float, tables(s).reservation[0]), strict=True))


def ratifies(scenario: ScenarioLike, accept: Mapping[str, bool],
             choices: Mapping[str, str] | None = None) -> bool:
    """Whether these acceptances (party -> yes/no; missing: no) pass the scenario's rule.

    With the package's ``choices``, a party's yes counts only when every domestic
    constituent it consults on the package accepts it too (two-level ratification).
    """
    s = load(scenario)
    row = np.array([[bool(accept.get(p, False)) for p in s.party_ids]], dtype=bool)
    if choices is not None and s.constituents:
        package = np.array([s.indices(Plan("vote", dict(choices)))], dtype=np.int64)
        row &= ~tables(s).vetoes(package)
    return bool(ratified(row, s.ratification, s.party_ids)[0])


def _plan(s: Scenario, plan: PlanLike) -> Plan:
    if isinstance(plan, Plan):
        s.check_plan(plan, complete=False)
        return plan
    return s.plan(plan)


def _plans(s: Scenario, plan: PlanLike | Sequence[PlanLike] | None) -> list[Plan]:
    if plan is None:
        return list(s.plans)
    if isinstance(plan, Plan | str):
        return [_plan(s, plan)]
    return [_plan(s, p) for p in plan]


def _solver_dominance(s: Scenario, t: Tables, e: PlanEvaluation) -> Dominance:
    """Dominance decided exactly by the solver.

    Up to the enumeration limit, over the exhaustive (pruned) frontier enumeration, which
    the frontier and the concepts share (the dominating package with the largest total
    gain, as :func:`accord.analysis.dominance.dominance` finds by brute force); beyond it,
    by the post-settlement MILP, or egalitarian for "no deal".
    """
    size = t.layout.size
    if size <= ENUMERATION_LIMIT:
        from accord.solve.frontier import dominating

        target = (t.reservation[0] if e.plan.no_deal
                  else np.array([o.utility for o in e.parties], dtype=np.float64))
        found = dominating(t.problem(0), target)
        if found is None:
            return Dominance(False, None, None, "enumeration", size)
        package, utilities = found
        return Dominance(True, tuple(int(k) for k in package),
                         tuple(float(g) for g in utilities - target), "enumeration", size)
    if e.plan.no_deal:
        try:
            sol = _solution(s, "egalitarian")
        except NoAgreementError:
            return Dominance(False, None, None, "milp: no admissible package reaches every "
                                                "reservation", 0)
        gains = sol.utilities - t.reservation[0]
        better = bool((gains >= -EPS).all() and (gains > EPS).any())
        return Dominance(better, tuple(int(k) for k in sol.package) if better else None,
                         tuple(float(g) for g in gains) if better else None,
                         f"milp ({'proven' if sol.proven else 'not proven'})", 0)
    imp = _improvements(s, tuple(s.indices(e.plan)), "nash", DOMINANCE_IMPROVEMENTS)
    method = f"milp ({'proven' if imp.proven else 'not proven'})"
    if imp.pareto_optimal or not imp.improvements:
        return Dominance(False if imp.proven else None, None, None, method, 0)
    best = imp.improvements[0]
    return Dominance(True, tuple(int(k) for k in best.package),
                     tuple(float(g) for g in best.gains), method, 0)


def evaluate(scenario: ScenarioLike, plan: PlanLike | Sequence[PlanLike] | None = None, *,
             dominance: bool = True) -> Evaluation:
    """Evaluate plans (default: every named plan) with Pareto dominance always decided.

    Utilities, margins over reservation, red lines, acceptance, ratification and who
    blocks, the concessions ledger; dominance by enumeration where the space allows, else
    exactly by the solver (Raiffa's post-settlement MILP; for "no deal", whether any
    admissible package is better for someone and worse for nobody). With
    ``dominance=False`` dominance is not asked (``pareto_dominated`` is ``None``): for
    callers that evaluate many packages and show no dominance (the service's proposals).
    """
    s = load(scenario)
    t = tables(s)
    out = []
    plans = _plans(s, plan)
    if not dominance:
        return Evaluation(s, tuple(evaluate_plan(s, p, t, dominance_limit=0) for p in plans))
    for e in evaluate_all(s, plans, t, dominance_limit=0):
        out.append(replace(e, dominance=_solver_dominance(s, t, e)))
    return Evaluation(s, tuple(out))


def solve(scenario: ScenarioLike, concept: Concept = "nash") -> SolveResult:
    """The exact package of a solution concept, with its proof.

    ``nash`` (product of gains over reservations), ``ks`` (Kalai–Smorodinsky),
    ``egalitarian`` (leximin gains) or ``welfare`` (sum of utilities), over the admissible
    packages every party accepts (red lines and linkages honoured).

    Raises:
        NoAgreementError: no admissible package gives every party its reservation.
        ValueError: an unknown concept.
    """
    if concept not in _SOLVERS:
        raise InvalidPlanError(f"unknown concept {concept!r} (known: {', '.join(CONCEPTS)})")
    s = load(scenario)
    return SolveResult(s, _solution(s, concept))


def solve_all(scenario: ScenarioLike, which: Sequence[Concept] | None = None
              ) -> list[SolveResult]:
    """Several concepts (default: all four) on the same tables."""
    s = load(scenario)
    return [solve(s, c) for c in (which or CONCEPTS)]


def frontier(scenario: ScenarioLike, parties: Sequence[str] | None = None, *,
             max_points: int = 200, time_limit: float | None = None) -> FrontierResult:
    """The Pareto frontier over admissible packages, for all parties or a subset.

    Exact by enumeration up to 1e7 packages; beyond, exact for 2–3 parties by the
    ε-constraint method, and for more parties a set of exact frontier points from weighted
    sums (``max_points`` of them; the result says it is not proven complete).
    """
    from accord.solve.frontier import pareto_frontier

    s = load(scenario)
    t = tables(s)
    if parties:
        positions = [s.party_index(p) for p in parties]
        t, ids = t.restrict(positions), tuple(parties)
    else:
        ids = tuple(s.party_ids)
    return FrontierResult(s, ids, pareto_frontier(t, max_weights=max_points,
                                                  time_limit=time_limit))


def improve(scenario: ScenarioLike, plan: PlanLike, *, rank_by: RankBy = "nash",
            limit: int = 5) -> ImprovementResult:
    """Post-settlement improvements of a plan (Raiffa): packages nobody likes less.

    The improvements are ranked by ``rank_by`` of the gains over the plan; the first, with
    ``rank_by="nash"``, is the Nash package with the plan as the disagreement point.
    """
    s = load(scenario)
    p = _plan(s, plan)
    if p.no_deal:
        raise InvalidPlanError("'no deal' has no package to improve; try `accord zopa`")
    package = tuple(s.indices(p))
    admissible = bool(tables(s).admissible(np.asarray([package], dtype=np.int64))[0])
    return ImprovementResult(s, p.id, _improvements(s, package, rank_by, limit), admissible)


def zopa(scenario: ScenarioLike, *, samples: int = 200_000, seed: int = 2025) -> ZopaResult:
    """How many packages every party accepts and how many pass the ratification rule."""
    from accord.solve.zopa import zopa as count_zopa

    s = load(scenario)

    def rule(accept: np.ndarray) -> np.ndarray:
        return ratified(accept, s.ratification, s.party_ids)

    return ZopaResult(s, count_zopa(tables(s), rule=rule, samples=samples,
                                    rng=np.random.default_rng(seed)))


def robustness(scenario: ScenarioLike, plan: PlanLike | Sequence[PlanLike] | None = None, *,
               samples: int = 5000, seed: int = 2025, progress: Progress | None = None
               ) -> RobustnessResult:
    """Monte Carlo over the uncertain numbers: P(accept) per party, P(ratified) per plan."""
    from accord.analysis.robustness import robustness as run_robustness

    s = load(scenario)
    plans = _plans(s, plan)
    return RobustnessResult(s, run_robustness(s, plans, np.random.default_rng(seed), samples,
                                              seed=seed, progress=progress))


def sensitivity(scenario: ScenarioLike, plan: PlanLike) -> SensitivityResult:
    """What flips each party's acceptance of a plan: single assumptions within their ranges.

    For each party: whether it accepts the plan (at its nominal reading), its margin, and
    every reservation, weight, option value, credibility, interaction term or crossed red
    line whose change alone flips that, with the value just across the boundary, smallest
    relative change first; and the tornado of its margin over each number's range (see
    :mod:`accord.analysis.sensitivity`).

    Raises:
        InvalidPlanError: an unknown plan, or "no deal".
    """
    from accord.analysis.sensitivity import sensitivity as find_flips

    s = load(scenario)
    p = _plan(s, plan)
    return SensitivityResult(s, _memo(s, ("sensitivity", p), lambda: find_flips(s, p)))


def compare(scenario: ScenarioLike, a: PlanLike, b: PlanLike) -> ComparisonResult:
    """Point-by-point differences of draft ``a`` and its revision ``b``, and who gained."""
    s = load(scenario)
    return ComparisonResult(s, compare_plans(s, _plan(s, a), _plan(s, b), tables(s)))


def divide(path: str | Path) -> dict[str, Any]:
    """Brams & Taylor's Adjusted Winner on a division file, in exact arithmetic (JSON form)."""
    from accord.analysis.fairdivision import adjusted_winner
    from accord.formats.division_file import load_division, to_json

    parties, items = load_division(str(path))
    return to_json(adjusted_winner(parties, items))


def draft_chain(scenario: Scenario) -> list[Plan]:
    """The drafts to compare by default.

    When some draft names the text it revises (``revises:``), the drafts of that lineage
    in tree order (roots by date, each revision after the text it revised, see
    :func:`draft_tree`); otherwise every named plan except "no deal", in file order.
    """
    drafts = [p for p in scenario.plans if not p.no_deal]
    if not has_lineage(drafts):
        return drafts
    linked = {p.id for p in drafts if p.revises} | {p.revises for p in drafts if p.revises}
    return [p for _, p in _draft_tree(drafts) if p.id in linked]


def draft_tree(plans: Sequence[Plan]) -> list[tuple[int, Plan]]:
    """``(depth, plan)`` for ``plans`` in lineage order: the tree that reports draw."""
    return _draft_tree(plans)


def chain(scenario: ScenarioLike, plans: Sequence[PlanLike] | None = None
          ) -> list[ComparisonResult]:
    """Compare each draft with the text it revised (default drafts: :func:`draft_chain`).

    A draft whose parent is not among ``plans`` is compared with the draft before it.
    """
    s = load(scenario)
    seq = [_plan(s, p) for p in plans] if plans is not None else draft_chain(s)
    return [compare(s, a, b) for a, b in revision_steps(seq)]


def openings(scenario: ScenarioLike, concept: Concept = "nash") -> list[Opening]:
    """What a "no agreement" rests on: each structural assumption relaxed alone.

    Every soft red line of one party dropped, or one domestic constituent not consulted
    (:func:`accord.app.openings.relaxations`), then the same exact ``concept`` solved
    again. Empty when the scenario makes no such assumption.
    """
    s = load(scenario)

    def solve_one(relaxed: Scenario) -> tuple[dict[str, float], dict[str, str]]:
        r = solve(relaxed, concept)
        return r.utilities, r.choices

    return [opening(r, solve_one) for r in relaxations(s)]


def lint(scenario: ScenarioLike) -> LintResult:
    """Modelling smells of a scenario (see :mod:`accord.analysis.lint`), with line numbers.

    Lines are given when the scenario is a file path or a bundled name; for a
    :class:`Scenario` object they are ``None``. A file that does not load raises its
    :class:`~accord.model.FileFormatError` (file, line, reason) as every command does.
    """
    from accord.formats.scenario_file import line_finder

    if isinstance(scenario, Scenario):
        return LintResult(scenario, "", tuple((f, None) for f in find_smells(
            scenario, tables(scenario))))
    s = load(scenario)
    text, name = source_of(str(scenario))
    line = line_finder(text, name)
    return LintResult(s, name, tuple((f, line(f.where)) for f in find_smells(s, tables(s))))


def what_if(scenario: ScenarioLike, plan: PlanLike, changes: Mapping[str, Adjustment], *,
            dominance: bool = True) -> Evaluation:
    """Evaluate ``plan`` with some parties' weights, reservations or red lines moved.

    ``changes`` maps a party id to its :class:`~accord.app.whatif.Adjustment`: weights and
    a reservation inside the ranges the scenario states for them, and whether its red
    lines count. The evaluation is :func:`evaluate`'s, on the adjusted scenario (the
    returned :class:`~accord.app.results.Evaluation` carries that scenario).

    Raises:
        ScenarioError: an unknown party or point, or a number outside its stated range.
    """
    s = load(scenario)
    return evaluate(adjusted(s, changes), _plan(s, plan), dominance=dominance)
