"""Results memoised per scenario are computed once across threads, and solving ahead in
background threads gives the answers of solving in order."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from accord.app import api
from accord.formats.scenario_file import load_scenario

TINY = Path(__file__).parent.parent / "fixtures" / "tiny.yaml"


def test_memo_computes_once_for_threads_asking_together() -> None:
    s = load_scenario(TINY)
    calls: list[int] = []
    gate = threading.Barrier(8)
    got: list[Any] = []

    def make() -> object:
        calls.append(1)
        return object()

    def ask() -> None:
        gate.wait()
        got.append(api._memo(s, ("test", "once"), make))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert len(got) == 8 and all(g is got[0] for g in got)


def test_a_failed_computation_is_not_kept() -> None:
    s = load_scenario(TINY)

    def fail() -> object:
        raise RuntimeError("no answer")

    with pytest.raises(RuntimeError):
        api._memo(s, ("test", "fails"), fail)
    assert api._memo(s, ("test", "fails"), lambda: 42) == 42
    assert api._memo(s, ("test", "fails"), lambda: 0) == 42


def _answers(s: Any) -> tuple[object, ...]:
    """Everything the report takes from the solver, in comparable form."""
    dominance = [(e.plan.id, e.dominance.dominated, e.dominance.by, e.dominance.gains,
                  e.dominance.method) for e in api.evaluate(s)]
    improvements = []
    for p in s.plans:
        if p.no_deal:
            continue
        imp = api.improve(s, p, limit=api.DOMINANCE_IMPROVEMENTS).raw
        improvements.append((p.id, imp.proof, imp.pareto_optimal, imp.proven,
                             [(tuple(i.package), tuple(i.gains)) for i in imp.improvements]))
    concepts = [(r.concept, tuple(r.raw.package), r.raw.proven, r.raw.method)
                for r in api.solve_all(s)]
    return tuple(dominance), tuple(improvements), tuple(concepts)


def test_solving_ahead_gives_the_answers_of_solving_in_order() -> None:
    # (ukraine-2025, where every answer is a MILP: tests/report/test_report.py compares the
    # whole report with and without solving ahead)
    ahead = api.load(str(TINY))
    api.solve_ahead(ahead)
    in_order = api.load(str(TINY))  # a separate scenario object: nothing shared
    assert ahead is not in_order
    assert _answers(ahead) == _answers(in_order)


def test_cancelling_drops_the_queue_and_the_answers_stay_right() -> None:
    s = api.load(str(TINY))
    api.solve_ahead(s)
    api.cancel_ahead()
    assert api._AHEAD == []
    api.cancel_ahead()  # nothing queued: nothing to do
    # whatever was dropped is computed when asked
    assert _answers(s) == _answers(api.load(str(TINY)))
    api.solve_ahead(s)  # a new pool
    assert len(api._AHEAD) == 1


def test_no_agreement_is_an_answer_kept_like_any_other() -> None:
    from accord.model import NoAgreementError

    s = load_scenario(TINY)
    calls: list[int] = []

    def none() -> object:
        calls.append(1)
        raise NoAgreementError("no package gives everyone its reservation")

    for _ in range(2):
        with pytest.raises(NoAgreementError):
            api._memo(s, ("test", "no agreement"), none)
    assert len(calls) == 1
