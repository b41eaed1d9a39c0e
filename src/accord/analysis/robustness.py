"""Robustness: how sure are we that a draft is accepted, given uncertain preferences?

Monte Carlo over every uncertain number of the scenario (weights, option values,
reservations, credibilities, interaction terms): draw parameter vectors with an explicit
``numpy.random.Generator``, rebuild the utility tables for all draws at once, evaluate
the drafts, and count. Drivers are ranked by the Spearman rank correlation between a
parameter's draws and the outcome's slack (how far the plan is from failing).

A plan with open points is sampled over their readings too: each draw takes one reading,
uniformly (among every reading when there are at most :data:`SAMPLED_READINGS`, else among
that many readings drawn once). A plan without open points draws nothing extra, so its
answer for a given seed is unchanged.

Structural assumptions are drawn too (see :mod:`accord.analysis.structural`): each soft
red line holds in a draw with its probability. Each plan's ``structural`` drivers name
the soft red lines it touches and the readings of its open points, in words, with their
effect on ratification and on each party's acceptance (``P(· | holds) - P(· | not)``).
Carry-over rules (``inherits``, ``silent``) are sampled through the readings: a point a
rule leaves open is an open point. A scenario without soft red lines draws nothing
extra, so its answer for a given seed is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from accord.analysis.ratify import ratified
from accord.analysis.readings import reading_packages
from accord.analysis.stats import wilson
from accord.analysis.structural import (
    StructuralDriver,
    red_lines_crossed,
    soft_red_lines,
    structural_drivers,
)
from accord.analysis.tables import Gating, ParameterSpace
from accord.model import EPS, Plan, RuleKind, Scenario

Progress = Callable[[int, int], None]

#: Readings of a plan's open points among which each draw picks one.
SAMPLED_READINGS = 256


@dataclass(frozen=True)
class Driver:
    """An uncertain parameter and how strongly it moves an outcome."""

    label: str
    party: str
    correlation: float
    rationale: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"parameter": self.label, "party": self.party,
                "spearman": self.correlation, "why": self.rationale}


@dataclass(frozen=True)
class PlanRobustness:
    """Monte Carlo results for one plan.

    ``red_lines`` lists the parties whose red line the plan crosses in every draw (every
    reading of its open points): they refuse whatever the numbers, so no parameter
    "drives" their refusal. ``readings`` is how many readings of the open points the draws
    picked from (1 for a plan with none).
    """

    plan: str
    title: str
    accept_probability: dict[str, float]
    ratify_probability: float
    ratify_ci: tuple[float, float]
    drivers: tuple[Driver, ...]
    party_drivers: dict[str, tuple[Driver, ...]]
    red_lines: tuple[str, ...] = ()
    readings: int = 1
    structural: tuple[StructuralDriver, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (see ``docs/reference/json-output.md``)."""
        return {
            "plan": self.plan,
            "title": self.title,
            "accept_probability": self.accept_probability,
            "ratify_probability": self.ratify_probability,
            "ratify_ci95": list(self.ratify_ci),
            "drivers": [d.to_dict() for d in self.drivers],
            "party_drivers": {p: [d.to_dict() for d in ds]
                              for p, ds in self.party_drivers.items()},
            "red_lines": list(self.red_lines),
            "readings": self.readings,
            "structural_drivers": [d.to_dict() for d in self.structural],
        }


@dataclass(frozen=True)
class Robustness:
    """Monte Carlo results for several plans."""

    samples: int
    seed: int | None
    uncertain_parameters: int
    plans: tuple[PlanRobustness, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"samples": self.samples, "seed": self.seed,
                "uncertain_parameters": self.uncertain_parameters,
                "plans": [p.to_dict() for p in self.plans]}


def _slack(margins: NDArray[np.float64], ok: NDArray[np.bool_], scenario: Scenario
           ) -> NDArray[np.float64]:
    """How far each draw is from flipping ratification: ``(S,)``, >= 0 when ratified."""
    rule = scenario.ratification
    ids = scenario.party_ids
    m = np.where(ok, margins, np.minimum(margins, -1.0))  # a red line makes a party refuse
    if rule.kind is RuleKind.UNANIMITY:
        return np.asarray(m.min(axis=1))
    veto = np.array([p in rule.veto for p in ids])
    veto_min = m[:, veto].min(axis=1) if veto.any() else np.full(m.shape[0], np.inf)
    if rule.kind is RuleKind.K_OF_N:
        assert rule.k is not None
        kth = -np.sort(-m, axis=1)[:, rule.k - 1]
        return np.asarray(np.minimum(kth, veto_min))
    return np.asarray(np.minimum(veto_min, m.mean(axis=1)))


def _ranks(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """Ranks 1..S of each column of ``x`` ``(S, K)``, tied values sharing their mean rank.

    (What ``scipy.stats.rankdata(x, axis=0)`` computes; numpy alone keeps SciPy's import,
    seconds on two cores, out of ``accord robustness``, ``report`` and ``demo``.)
    """
    s, k = x.shape
    order = np.argsort(x, axis=0, kind="stable")
    ordered = np.take_along_axis(x, order, axis=0)
    starts = np.ones((s, k), dtype=bool)
    starts[1:] = ordered[1:] != ordered[:-1]
    group = (np.cumsum(starts, axis=0) - 1) + np.arange(k) * s  # tie groups, per column
    position = np.broadcast_to(np.arange(1.0, s + 1.0)[:, None], (s, k))
    total = np.bincount(group.ravel(), weights=position.ravel(), minlength=s * k)
    size = np.bincount(group.ravel(), minlength=s * k)
    ranks = np.empty((s, k))
    np.put_along_axis(ranks, order, (total / np.maximum(size, 1))[group], axis=0)
    return ranks


def _centred_ranks(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """Ranks of each column of ``x`` ``(S, K)`` (ties averaged) minus their mean."""
    rx = _ranks(x)
    return np.asarray(rx - rx.mean(axis=0), dtype=np.float64)


def _spearman(rx: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
    """Spearman correlation of each column of ``x`` with ``y`` ``(S,)``.

    ``rx`` is :func:`_centred_ranks` of ``x``, ranked once for every plan and party.
    """
    if rx.shape[1] == 0 or np.ptp(y) == 0:
        return np.zeros(rx.shape[1])
    ry = _centred_ranks(y.reshape(-1, 1))[:, 0]
    denom = np.sqrt((rx**2).sum(axis=0) * (ry**2).sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = (rx * ry[:, None]).sum(axis=0) / denom
    return np.asarray(np.nan_to_num(corr), dtype=np.float64)


def robustness(
    scenario: Scenario,
    plans: Sequence[Plan],
    rng: np.random.Generator,
    samples: int = 2000,
    *,
    seed: int | None = None,
    top: int = 5,
    chunk: int = 500,
    progress: Progress | None = None,
) -> Robustness:
    """Probability that each party accepts and that each plan is ratified.

    Steps: (1) collect every uncertain parameter; (2) draw ``samples`` parameter vectors
    with ``rng``; (3) in chunks, rebuild the utility tables for all draws and evaluate each
    plan under each draw; (4) count acceptances and ratifications (Wilson 95% interval for
    the ratification probability); (5) rank parameters by the absolute Spearman
    correlation of their draws with the plan's ratification slack (and with each party's
    margin).

    Args:
        scenario: the scenario.
        plans: the plans to test (a ``no_deal`` plan is skipped: it is never ratified).
        rng: the source of randomness.
        samples: number of draws.
        seed: recorded in the result (the caller seeded ``rng`` with it).
        top: how many drivers to report.
        chunk: draws evaluated at once (memory ~ chunk x options x parties).
        progress: called with (draws done, total).
    """
    if samples < 1:
        raise ValueError("samples must be >= 1")
    space = ParameterSpace(scenario)
    plans = [p for p in plans if not p.no_deal]
    theta = space.sample(rng, samples)
    rows = [reading_packages(scenario, p, SAMPLED_READINGS, rng) if p.open
            else np.array([scenario.indices(p)], dtype=np.int64) for p in plans]
    packages = (np.concatenate(rows) if rows
                else np.zeros((0, len(scenario.issues)), dtype=np.int64))
    offsets = np.cumsum([0, *[r.shape[0] for r in rows]])[:-1].astype(np.int64)
    # pick[s, j]: the row (reading) of plan j that draw s evaluates.
    pick = np.repeat(offsets[None, :], samples, axis=0)
    for j, r in enumerate(rows):
        if r.shape[0] > 1:
            pick[:, j] += rng.integers(0, r.shape[0], size=samples)
    n_p = len(scenario.parties)
    # Keep the per-chunk gather (draws x rows x issues x parties) near 2e7 numbers.
    chunk = max(1, min(chunk, 20_000_000 // max(1, packages.shape[0] * packages.shape[1]
                                                  * n_p)))
    margins = np.empty((samples, len(plans), n_p))
    vetoed = np.zeros((samples, len(plans), n_p), dtype=bool)
    base = space.build()
    soft = soft_red_lines(scenario)
    holds = (rng.random((samples, len(soft))) < [r.probability for r in soft] if soft
             else np.ones((samples, 0), dtype=bool))
    red = red_lines_crossed(base, soft, packages, pick, holds)
    viol: NDArray[np.bool_] = np.asarray(base.violations(packages).any(axis=1))[pick]
    for start in range(0, samples, chunk):
        stop = min(samples, start + chunk)
        tables = space.build(theta[start:stop])
        if len(plans):
            u = tables.utilities_all_draws(packages)
            draws = np.arange(stop - start)[:, None]
            margins[start:stop] = (u[draws, pick[start:stop]]
                                   - tables.reservation[:, None, :])
            if tables.gating is not None:
                vetoed[start:stop] = _vetoes(tables.gating, packages, n_p)[draws, pick[start:stop]]
        if progress is not None:
            progress(stop, samples)
    accept = (margins >= -EPS) & ~red & ~vetoed
    uncertain = space.uncertain
    x = _centred_ranks(theta[:, uncertain])
    results = []
    for j, plan in enumerate(plans):
        passed = ratified(accept[:, j, :], scenario.ratification, scenario.party_ids)
        passed = passed & ~viol[:, j]
        slack = _slack(margins[:, j, :], ~red[:, j, :], scenario)
        corr = _spearman(x, slack)
        drivers = _top(space, uncertain, corr, top)
        party_drivers = {
            pid: _top(space, uncertain, _spearman(x, margins[:, j, k]), top)
            for k, pid in enumerate(scenario.party_ids)
        }
        structural = structural_drivers(scenario, plan, soft, holds, packages[pick[:, j]],
                                        accept[:, j, :], passed)
        count = int(passed.sum())
        results.append(PlanRobustness(
            plan.id, plan.name,
            {pid: float(accept[:, j, k].mean()) for k, pid in enumerate(scenario.party_ids)},
            count / samples, wilson(count, samples), drivers, party_drivers,
            tuple(pid for k, pid in enumerate(scenario.party_ids) if red[:, j, k].all()),
            int(rows[j].shape[0]), tuple(structural[:top]),
        ))
    return Robustness(samples, seed, len(uncertain), tuple(results))


def _vetoes(gating: Gating, packages: NDArray[np.int64], n_parties: int
            ) -> NDArray[np.bool_]:
    """``(S, m, P)``: a constituent its party consults refuses the package, per draw."""
    g = gating.tables
    u = g.utilities_all_draws(packages)
    flat = g.layout.flat(packages)
    crossed: NDArray[np.bool_] = np.asarray(g.red[flat].any(axis=1), dtype=bool)
    asked: NDArray[np.bool_] = np.asarray(gating.trigger[flat].any(axis=1) | gating.always,
                                          dtype=bool)
    refuse = ((u < g.reservation[:, None, :] - EPS) | crossed[None]) & asked[None]
    out = np.zeros((u.shape[0], packages.shape[0], n_parties), dtype=bool)
    for c, parent in enumerate(gating.parent.tolist()):
        out[:, :, parent] |= refuse[:, :, c]
    return out


def _top(space: ParameterSpace, uncertain: list[int], corr: NDArray[np.float64], top: int
         ) -> tuple[Driver, ...]:
    order = np.argsort(-np.abs(corr), kind="stable")[:top]
    return tuple(
        Driver(space.refs[uncertain[k]].label, space.refs[uncertain[k]].party,
               float(corr[k]), space.refs[uncertain[k]].param.rationale)
        for k in order if abs(corr[k]) > 0
    )
