"""Evaluate drafts: who gains what, who concedes what, who accepts, does it pass.

Batch evaluation (:func:`evaluate_packages`) works on int arrays of packages and is the
hot path; :func:`evaluate_plan` adds names, the concessions ledger and the dominance check
for one plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from accord.analysis.concessions import ledger
from accord.analysis.dominance import Dominance, dominance
from accord.analysis.ratify import blockers, ratified
from accord.analysis.readings import Readings, readings
from accord.analysis.space import ENUMERATION_LIMIT
from accord.analysis.tables import Tables, compile_scenario
from accord.model import EPS, ChoiceNote, Plan, Scenario, Status


@dataclass(frozen=True)
class BatchEvaluation:
    """Arrays for a batch of ``m`` packages and ``P`` parties."""

    utilities: NDArray[np.float64]
    margins: NDArray[np.float64]
    red_lines_hit: NDArray[np.bool_]
    acceptable: NDArray[np.bool_]
    violations: NDArray[np.bool_]
    ratified: NDArray[np.bool_]


def evaluate_packages(
    scenario: Scenario, tables: Tables, packages: NDArray[np.int64]
) -> BatchEvaluation:
    """Evaluate a batch ``(m, n_issues)`` of packages under the nominal tables.

    A party accepts a package when its utility reaches its reservation (within
    :data:`~accord.model.EPS`), the package crosses none of its red lines and every
    domestic constituent it consults on the package accepts it too. A package is
    ratified when the acceptances satisfy the scenario's rule and it breaks no linkage.
    """
    packages = np.asarray(packages, dtype=np.int64)
    u = tables.utilities(packages)
    margins = u - tables.reservation[0]
    red = tables.red_lines_hit(packages)
    accept = tables.acceptance(packages, u)
    viol = tables.violations(packages)
    ok = ratified(accept, scenario.ratification, scenario.party_ids) & ~viol.any(axis=1)
    return BatchEvaluation(u, margins, red, accept, viol, ok)


@dataclass(frozen=True)
class PartyOutcome:
    """One party's view of one plan."""

    party: str
    utility: float
    raw: float
    reservation: float
    margin: float
    acceptable: bool
    red_lines_hit: tuple[str, ...]
    concession: float
    vetoed_by: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (see ``docs/reference/json-output.md``)."""
        return {
            "party": self.party,
            "utility": self.utility,
            "raw": self.raw,
            "reservation": self.reservation,
            "margin": self.margin,
            "acceptable": self.acceptable,
            "red_lines_hit": list(self.red_lines_hit),
            "concession": self.concession,
            "vetoed_by": list(self.vetoed_by),
        }


@dataclass(frozen=True)
class ConstituentOutcome:
    """One domestic constituent's view of one plan.

    ``accepts`` is its own verdict; it gates its party only when ``consulted``.
    """

    constituent: str
    party: str
    consulted: bool
    utility: float
    reservation: float
    margin: float
    accepts: bool
    red_lines_hit: tuple[str, ...]

    @property
    def label(self) -> str:
        """``PARTY/CONSTITUENT``."""
        return f"{self.party}/{self.constituent}"

    @property
    def vetoes(self) -> bool:
        """Consulted and refusing: its party cannot accept."""
        return self.consulted and not self.accepts

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (see ``docs/reference/json-output.md``)."""
        return {
            "constituent_of": self.party,
            "consulted": self.consulted,
            "utility": self.utility,
            "reservation": self.reservation,
            "margin": self.margin,
            "accepts": self.accepts,
            "red_lines_hit": list(self.red_lines_hit),
        }


@dataclass(frozen=True)
class PlanEvaluation:
    """The evaluation of one plan."""

    plan: Plan
    choices: dict[str, str]
    parties: tuple[PartyOutcome, ...]
    ratified: bool
    blocking_parties: tuple[str, ...]
    violations: tuple[str, ...]
    dominance: Dominance
    concessions: dict[str, dict[str, float]] = field(default_factory=dict)
    provenance: dict[str, ChoiceNote] = field(default_factory=dict)
    readings: Readings | None = None
    invented: tuple[str, ...] = ()
    constituents: tuple[ConstituentOutcome, ...] = ()

    @property
    def pareto_dominated(self) -> bool | None:
        """Whether some admissible package is better for someone and worse for nobody."""
        return self.dominance.dominated

    def outcome(self, party: str) -> PartyOutcome:
        """The outcome for ``party``."""
        return next(o for o in self.parties if o.party == party)

    def provenance_counts(self) -> dict[Status, int]:
        """How many of the plan's choices are reported, assumed and open."""
        counts = dict.fromkeys(Status, 0)
        for note in self.provenance.values():
            counts[note.status] += 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (see ``docs/reference/json-output.md``)."""
        dom = self.dominance
        return {
            "plan": self.plan.id,
            "title": self.plan.name,
            "no_deal": self.plan.no_deal,
            "choices": self.choices,
            "parties": {o.party: o.to_dict() for o in self.parties},
            "ratified": self.ratified,
            "blocking_parties": list(self.blocking_parties),
            "violations": list(self.violations),
            "pareto_dominated": dom.dominated,
            "pareto": {
                "method": dom.method,
                "checked": dom.checked,
                "dominated_by": dom.by and list(dom.by),
                "gains": dom.gains and list(dom.gains),
            },
            "concessions": self.concessions,
            "provenance": {i: n.status.value for i, n in self.provenance.items()},
            "provenance_notes": {i: {"why": n.why, "sources": list(n.sources)}
                                 for i, n in self.provenance.items()},
            "readings": self.readings.to_dict() if self.readings is not None else None,
            "invented": list(self.invented),
            "constituents": {c.constituent: c.to_dict() for c in self.constituents},
        }


def evaluate_plan(
    scenario: Scenario,
    plan: Plan,
    tables: Tables | None = None,
    *,
    dominance_limit: int = ENUMERATION_LIMIT,
) -> PlanEvaluation:
    """Evaluate one plan.

    A ``no_deal`` plan is the disagreement outcome: every party gets its reservation, it
    is not ratified, and "dominated" asks whether any admissible package is better for
    someone and worse for nobody (a non-empty zone of agreement).

    A plan with open points is evaluated at its nominal reading (utilities, acceptance,
    dominance) and, in ``readings``, over every reading of its open points.
    """
    tables = tables or compile_scenario(scenario)
    res = tables.reservation[0]
    ids = scenario.party_ids
    if plan.no_deal:
        outcomes = tuple(
            PartyOutcome(p, float(res[k]), float(tables.low[0, k] + res[k] * tables.span[0, k]),
                         float(res[k]), 0.0, True, (), 0.0)
            for k, p in enumerate(ids)
        )
        return PlanEvaluation(plan, {}, outcomes, False, (), (),
                              dominance(tables, res, dominance_limit))
    choices = scenario.complete(plan)
    invented = tuple(f"{i.id}.{choices[i.id]}" for i in scenario.issues
                     if i.option(choices[i.id]).invented)
    package = np.array([scenario.indices(plan)], dtype=np.int64)
    batch = evaluate_packages(scenario, tables, package)
    led = ledger(tables, package[0])
    gates = _constituents(scenario, tables, package, choices)
    rows: list[PartyOutcome] = []
    for k, pid in enumerate(ids):
        u = float(batch.utilities[0, k])
        rows.append(PartyOutcome(
            pid, u, float(tables.low[0, k] + u * tables.span[0, k]), float(res[k]),
            float(batch.margins[0, k]), bool(batch.acceptable[0, k]),
            _reds(scenario, pid, choices), float(led.totals[k]),
            tuple(g.label for g in gates if g.party == pid and g.vetoes),
        ))
    violated = tuple(c.id for c, v in zip(scenario.constraints, batch.violations[0], strict=True)
                     if v)
    passed = bool(batch.ratified[0])
    blocking: tuple[str, ...] = ()
    if not passed:
        own = {o.party: o.margin >= -EPS and not o.red_lines_hit for o in rows}
        blocking = tuple(
            name for pid in blockers(batch.acceptable[0], scenario.ratification, ids)
            for name in ([pid] if not own[pid] else [])
            + [g.label for g in gates if g.party == pid and g.vetoes])
    concessions = {
        issue.id: {pid: float(led.given_up[i, k]) for k, pid in enumerate(ids)}
        for i, issue in enumerate(scenario.issues)
    }
    return PlanEvaluation(
        plan, choices, tuple(rows), passed, blocking, violated,
        dominance(tables, batch.utilities[0], dominance_limit), concessions,
        scenario.provenance(plan), readings(scenario, tables, plan), invented, gates,
    )


def _reds(scenario: Scenario, column: str, choices: dict[str, str]) -> tuple[str, ...]:
    """The red lines of a party or constituent that ``choices`` cross."""
    return tuple(f"{i}.{o}" for i, o in sorted(scenario.preferences[column].red_lines)
                 if choices.get(i) == o)


def _constituents(scenario: Scenario, tables: Tables, package: NDArray[np.int64],
                  choices: dict[str, str]) -> tuple[ConstituentOutcome, ...]:
    """Every constituent's utility and verdict on one package (empty without any)."""
    gates = tables.problem(0).gates
    if gates is None or tables.gating is None:
        return ()
    consulted = gates.consulted(package)[0]
    u = gates.problem.evaluate(package)[0]
    accepts = gates.accepts(package, u[None, :])[0]
    res = gates.problem.reservation
    return tuple(
        ConstituentOutcome(c.id, c.parent, bool(consulted[k]), float(u[k]), float(res[k]),
                           float(u[k] - res[k]), bool(accepts[k]),
                           _reds(scenario, c.id, choices))
        for k, c in enumerate(scenario.constituents))


def evaluate_all(scenario: Scenario, plans: list[Plan] | None = None,
                 tables: Tables | None = None, *,
                 dominance_limit: int = ENUMERATION_LIMIT) -> list[PlanEvaluation]:
    """Evaluate the given plans (default: every named plan) with one set of tables."""
    tables = tables or compile_scenario(scenario)
    return [evaluate_plan(scenario, p, tables, dominance_limit=dominance_limit)
            for p in (plans or list(scenario.plans))]
