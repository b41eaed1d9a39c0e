"""The backchannel experiment: exclusive drafting vs inclusive negotiation vs single text.

Question: when a few parties draft a text alone and brief the others afterwards, how
often is the text ratified, compared with negotiating among everyone from the start, or
with a mediator's single negotiating text? The preferences are uncertain, so each run
draws one set of preferences from the scenario's ranges
(:meth:`accord.analysis.tables.ParameterSpace.sample`) and plays the three arms on it
with the same strategies:

* ``exclusive``: :class:`~accord.negotiation.protocols.Backchannel` (``drafters`` draft
  with SAOP, the others are briefed and may accept, reject or counter-propose);
* ``inclusive``: :class:`~accord.negotiation.protocols.StackedAlternatingOffers` among all;
* ``single-text``: :class:`~accord.negotiation.protocols.SingleNegotiatingText` among all.

Steps of :func:`run_experiment`:
    1. Draw ``runs`` parameter vectors with ``numpy.random.default_rng(seed)``.
    2. For run ``r``: build the domain of draw ``r``, its reference (frontier / Nash / gap)
       and, for each arm, a session seeded with ``SeedSequence([seed, r, arm])``.
    3. Keep one row per (run, arm): agreement, ratification, rounds, utilities, gap, and for
       the exclusive arm the briefed parties' ratification votes and the briefing order.

:func:`summarise` turns the rows into rates with Wilson 95% intervals and mean utilities.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from accord.analysis.stats import wilson
from accord.analysis.tables import ParameterSpace
from accord.model import Scenario
from accord.negotiation.domain import Domain
from accord.negotiation.metrics import reference_for
from accord.negotiation.protocols import (
    Backchannel,
    Protocol,
    SingleNegotiatingText,
    StackedAlternatingOffers,
)
from accord.negotiation.session import run_session
from accord.negotiation.views import Deadline

#: The arms, in display order.
ARMS = ("exclusive", "inclusive", "single-text")


@dataclass(frozen=True)
class ExperimentConfig:
    """Settings of the backchannel experiment.

    Attributes:
        runs: preference draws (each plays every arm).
        seed: the experiment seed.
        strategies: one strategy text form for every party, or one per party.
        drafters: the exclusive arm's drafters.
        briefing_rounds: response rounds of the briefed parties.
        order: briefing order (default: scenario order of the excluded parties).
        rounds: deadline of SAOP (drafting and inclusive), in rounds.
        text_rounds: mediator proposals in the single-text arm.
        gap: measure the Pareto gap by MILP where the space is too large to enumerate.
    """

    runs: int = 30
    seed: int = 2025
    strategies: tuple[str, ...] = ("linear",)
    drafters: tuple[str, ...] = ("US", "RU")
    briefing_rounds: int = 3
    order: tuple[str, ...] | None = None
    rounds: int = 200
    text_rounds: int = 1000
    gap: bool = True

    def protocols(self) -> dict[str, Protocol]:
        """The protocol of each arm."""
        saop = StackedAlternatingOffers(Deadline(rounds=self.rounds))
        return {
            "exclusive": Backchannel(self.drafters, saop, self.briefing_rounds, self.order),
            "inclusive": saop,
            "single-text": SingleNegotiatingText(Deadline(rounds=self.text_rounds)),
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"runs": self.runs, "seed": self.seed, "strategies": list(self.strategies),
                "drafters": list(self.drafters), "briefing_rounds": self.briefing_rounds,
                "order": None if self.order is None else list(self.order),
                "rounds": self.rounds, "text_rounds": self.text_rounds, "gap": self.gap}


@dataclass(frozen=True)
class ExperimentResult:
    """Rows of the experiment: one per (run, arm)."""

    scenario: str
    parties: tuple[str, ...]
    reservations: dict[str, float]
    config: ExperimentConfig
    protocols: dict[str, str]
    rows: list[dict[str, Any]] = field(default_factory=list)


def run_experiment(scenario: Scenario, config: ExperimentConfig,
                   progress: Callable[[int, int], None] | None = None) -> ExperimentResult:
    """Run the experiment (steps in the module docstring)."""
    for d in config.drafters:
        scenario.party(d)
    space = ParameterSpace(scenario)
    thetas = space.sample(np.random.default_rng(config.seed), config.runs)
    protocols = config.protocols()
    result = ExperimentResult(
        scenario.id, scenario.party_ids,
        {p: float(x) for p, x in zip(scenario.party_ids, space.build().reservation[0],
                                     strict=True)},
        config, {arm: p.spec for arm, p in protocols.items()})
    total = config.runs * len(ARMS)
    for r in range(config.runs):
        domain = Domain.from_scenario(scenario, thetas[r], f"sample-{r}", space)
        reference = reference_for(domain, gap=config.gap)
        for a, arm in enumerate(ARMS):
            seed = int(np.random.SeedSequence([config.seed, r, a]).generate_state(1)[0])
            s = run_session(domain, protocols[arm], config.strategies, seed, trace=False,
                            reference=reference)
            m = s.metrics
            row: dict[str, Any] = {
                "run": r, "arm": arm, "seed": seed, "status": s.outcome.status.value,
                "agreement": m["agreement"], "ratified": m["ratified"],
                "rounds": m["rounds"], "utilities": m["utilities"],
                "reservations": {p: float(x) for p, x in
                                 zip(domain.parties, domain.reservations, strict=True)},
                "welfare": m["welfare"], "pareto_gap": m["pareto_gap"],
                "nash_distance": m["nash_distance"], "votes": m["votes"],
            }
            if arm == "exclusive":
                details = s.outcome.details
                excluded = details.get("briefing_order", [])
                row["briefing_order"] = excluded
                row["draft"] = details.get("draft") is not None
                row["revised"] = bool(details.get("revised", False))
                row["excluded_ratify"] = {p: bool(m["votes"] and m["votes"][p])
                                          for p in excluded}
            result.rows.append(row)
            if progress is not None:
                progress(r * len(ARMS) + a + 1, total)
    return result


def _mean(values: Sequence[float | None]) -> float | None:
    xs = [float(v) for v in values if v is not None]
    return sum(xs) / len(xs) if xs else None


def summarise(result: ExperimentResult) -> dict[str, Any]:
    """Rates (with Wilson 95% intervals) and mean utilities per arm (JSON-ready).

    ``utilities`` and ``gain`` (utility minus reservation) are those of the agreed text,
    the reservations where there is none; ``payoff_gain`` counts a text only when it is
    ratified (an unratified text leaves every party at its reservation).
    """
    arms: dict[str, Any] = {}
    for arm in ARMS:
        rows = [r for r in result.rows if r["arm"] == arm]
        n = len(rows)
        agreed = sum(bool(r["agreement"]) for r in rows)
        ratified = sum(bool(r["ratified"]) for r in rows)
        summary: dict[str, Any] = {
            "protocol": result.protocols[arm], "runs": n,
            "agreement_rate": agreed / n if n else 0.0, "agreement_ci": list(wilson(agreed, n)),
            "ratification_rate": ratified / n if n else 0.0,
            "ratification_ci": list(wilson(ratified, n)),
            "mean_rounds": _mean([r["rounds"] for r in rows]),
            "utilities": {p: _mean([r["utilities"][p] for r in rows]) for p in result.parties},
            "gain": {p: _mean([r["utilities"][p] - r["reservations"][p] for r in rows])
                     for p in result.parties},
            "payoff_gain": {p: _mean([(r["utilities"][p] if r["ratified"] else
                                       r["reservations"][p]) - r["reservations"][p]
                                      for r in rows]) for p in result.parties},
            "mean_welfare": _mean([r["welfare"] for r in rows]),
            "mean_pareto_gap": _mean([r["pareto_gap"] for r in rows]),
            "mean_nash_distance": _mean([r["nash_distance"] for r in rows]),
        }
        if arm == "exclusive" and rows:
            excluded = rows[0].get("briefing_order", [])
            drafts = [r for r in rows if r.get("draft")]
            summary["briefing_order"] = excluded
            summary["draft_rate"] = len(drafts) / n
            summary["revised_rate"] = sum(bool(r.get("revised")) for r in rows) / n
            summary["excluded_ratify_rate"] = {
                p: (sum(bool(r["excluded_ratify"].get(p)) for r in drafts) / len(drafts)
                    if drafts else None)
                for p in excluded}
        arms[arm] = summary
    return {"experiment": "backchannel", "scenario": result.scenario,
            "parties": list(result.parties), "reservations": result.reservations,
            "config": result.config.to_dict(), "arms": arms}
