"""Sessions: one protocol, one strategy per party, one seed; traced and replayable.

A session is a pure function of (domain, protocol, strategies, seed): the same inputs give
the same trace, event for event, so any session of a tournament or an experiment can be
replayed alone from its record (Axelrod's ``Match(seed=...)``).

Steps of :func:`run_session`:
    1. Split the seed with ``numpy.random.SeedSequence(seed).spawn(P + 1)``: one
       generator for the protocol (the mediator's chance), one per party, so one
       strategy's draws never shift another's.
    2. Give each party a fresh strategy, bound to its own
       :class:`~accord.negotiation.views.PartyView` and generator.
    3. Run the protocol among all parties.
    4. When there is a package, every party votes to ratify it
       (:meth:`~accord.negotiation.strategies.base.Strategy.ratify`); a yes counts only
       when every domestic constituent the party consults on the package accepts it
       (:meth:`~accord.negotiation.domain.Domain.constituents_accept`, asked of the
       scenario, not of the strategy); the votes are traced as phase ``ratification``.
    5. Measure the outcome (:func:`~accord.negotiation.metrics.session_metrics`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from accord.negotiation.domain import Domain
from accord.negotiation.metrics import Reference, session_metrics
from accord.negotiation.protocols import Protocol, make_protocol
from accord.negotiation.protocols.base import Context, Outcome
from accord.negotiation.strategies.base import Strategy
from accord.negotiation.strategies.registry import make_strategy
from accord.negotiation.views import Clock, Deadline, PartyView

StrategyInput = Sequence[str | Strategy] | Mapping[str, str | Strategy]


@dataclass(frozen=True)
class SessionResult:
    """One finished session.

    Attributes:
        scenario: the scenario's id.
        draw: which preference draw.
        protocol: the protocol's text form.
        strategies: party id -> strategy text form.
        seed: the session seed.
        outcome: the protocol's outcome.
        votes: the ratification votes (``None`` when there was no package).
        metrics: see :func:`~accord.negotiation.metrics.session_metrics`.
        trace: the trace rows (``None`` when not recorded).
    """

    scenario: str
    draw: str
    protocol: str
    strategies: dict[str, str]
    seed: int
    outcome: Outcome
    votes: dict[str, bool] | None
    metrics: dict[str, Any]
    trace: list[dict[str, Any]] | None

    def to_dict(self, *, trace: bool = False) -> dict[str, Any]:
        """JSON-ready form (with the trace rows when ``trace``)."""
        out = {"scenario": self.scenario, "draw": self.draw, "protocol": self.protocol,
               "strategies": self.strategies, "seed": self.seed,
               "outcome": self.outcome.to_dict(), "metrics": self.metrics}
        if trace:
            out["trace"] = self.trace
        return out

    def trace_lines(self) -> list[dict[str, Any]]:
        """The trace as JSON-lines-ready rows, after a header row that allows a replay."""
        header = {"kind": "session", **self.to_dict()}
        return [header, *({"kind": "event", **row} for row in self.trace or [])]


def _strategies(domain: Domain, strategies: StrategyInput) -> list[Strategy]:
    if isinstance(strategies, Mapping):
        missing = [p for p in domain.parties if p not in strategies]
        unknown = [p for p in strategies if p not in domain.parties]
        if missing or unknown:
            raise ValueError(f"strategies must name every party exactly: missing {missing}, "
                             f"unknown {unknown}")
        ordered = [strategies[p] for p in domain.parties]
    else:
        ordered = list(strategies)
        if len(ordered) == 1:
            ordered = ordered * domain.n_parties
        if len(ordered) != domain.n_parties:
            raise ValueError(f"one strategy per party ({domain.n_parties}) or one for all, "
                             f"got {len(ordered)}")
    return [make_strategy(s) for s in ordered]


def run_session(domain: Domain, protocol: Protocol | str, strategies: StrategyInput,
                seed: int, *, trace: bool = True, reference: Reference | None = None
                ) -> SessionResult:
    """Run one session (see the module docstring for the steps).

    Args:
        domain: the preference draw negotiated over.
        protocol: a protocol or its text form.
        strategies: one strategy (or text form) per party in scenario order, a mapping
            party id -> strategy, or a single strategy for every party.
        seed: the session seed.
        trace: record trace rows.
        reference: frontier and Nash package to measure against (``None``: skip those
            measures).

    Returns:
        The :class:`SessionResult`.
    """
    proto = make_protocol(protocol)
    players = _strategies(domain, strategies)
    seeds = np.random.SeedSequence(int(seed)).spawn(domain.n_parties + 1)
    clock = Clock()
    public = domain.public()
    views = [PartyView(domain.own_utility(p), domain.bid_space(p), public, clock)
             for p in range(domain.n_parties)]
    for p, (player, view) in enumerate(zip(players, views, strict=True)):
        player.bind(view, np.random.default_rng(seeds[p + 1]))
    rows: list[dict[str, Any]] | None = [] if trace else None
    ctx = Context(domain, players, views, clock, np.random.default_rng(seeds[0]), rows)
    everyone = list(range(domain.n_parties))
    outcome = proto.run(ctx, everyone)
    votes = None
    if outcome.agreement is not None:
        clock.start("ratification", Deadline(rounds=1), domain.n_parties)
        votes = {}
        for p in everyone:
            yes = players[p].ratify(outcome.agreement) and \
                domain.constituents_accept(p, outcome.agreement)
            votes[domain.parties[p]] = bool(yes)
            ctx.log(p, "ratify" if yes else "refuse", outcome.agreement, everyone)
            clock.tick()
    metrics = session_metrics(domain, outcome, votes, reference)
    return SessionResult(domain.scenario, domain.draw, proto.spec,
                         {domain.parties[p]: s.spec for p, s in enumerate(players)},
                         int(seed), outcome, votes, metrics, rows)


def replay(domain: Domain, record: Mapping[str, Any], *, trace: bool = True,
           reference: Reference | None = None) -> SessionResult:
    """Re-run a session from its record (:meth:`SessionResult.to_dict` or a trace header)."""
    if record.get("scenario") != domain.scenario:
        raise ValueError(f"the record is of scenario {record.get('scenario')!r}, "
                         f"not {domain.scenario!r}")
    return run_session(domain, str(record["protocol"]), dict(record["strategies"]),
                       int(record["seed"]), trace=trace, reference=reference)
