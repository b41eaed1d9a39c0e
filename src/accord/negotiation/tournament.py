"""Tournaments: strategies × scenarios × repetitions, one derived seed per session.

The pure half of a tournament (Axelrod's ``Tournament`` without its I/O): the list of
sessions, the seed of each, how one session is played into a JSON-ready row, and the
summary of the rows. Running the sessions on a process pool or on Dask, and streaming
rows to SQLite so that a re-run resumes, is :mod:`accord.app.tournament`'s job.

A session is identified by its :class:`SessionKey` (scenario, protocol, the strategy of
each party, repetition); its seed is derived from the key's text and the tournament seed
(SHA-256), so it does not depend on the order or the machine sessions run on, and any
session can be replayed alone.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from accord.analysis.tables import ParameterSpace
from accord.model import Scenario
from accord.negotiation.domain import Domain
from accord.negotiation.metrics import Reference
from accord.negotiation.session import run_session

Pairing = Literal["product", "homogeneous"]
Preferences = Literal["nominal", "sampled"]

#: Tournaments larger than this are refused (use ``homogeneous`` pairing or fewer strategies).
MAX_SESSIONS = 1_000_000


@dataclass(frozen=True, order=True)
class SessionKey:
    """What identifies a session of a tournament."""

    scenario: str
    protocol: str
    strategies: tuple[str, ...]
    repetition: int

    @property
    def text(self) -> str:
        """Canonical text: ``scenario|protocol|s1;s2;...|repetition``."""
        return f"{self.scenario}|{self.protocol}|{';'.join(self.strategies)}|{self.repetition}"

    def seed(self, tournament_seed: int) -> int:
        """The session seed: 63 bits of SHA-256 of the tournament seed and the key."""
        digest = hashlib.sha256(f"{int(tournament_seed)}|{self.text}".encode()).digest()
        return int.from_bytes(digest[:8], "big") >> 1

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"scenario": self.scenario, "protocol": self.protocol,
                "strategies": list(self.strategies), "repetition": self.repetition}


@dataclass(frozen=True)
class TournamentConfig:
    """A tournament's definition.

    Attributes:
        scenarios: scenario names or paths (resolved by the caller).
        strategies: strategy text forms.
        protocol: protocol text form.
        repetitions: sessions per (scenario, assignment of strategies to parties).
        seed: the tournament seed.
        pairing: ``product`` (every assignment of strategies to parties) or
            ``homogeneous`` (every party plays the same strategy).
        preferences: ``nominal`` (the scenario's values) or ``sampled`` (each repetition
            draws preferences from the scenario's ranges with the session seed).
        metrics: measure frontier / Nash distances (small spaces) and Pareto gaps.
    """

    scenarios: tuple[str, ...]
    strategies: tuple[str, ...]
    protocol: str = "saop:rounds=100"
    repetitions: int = 1
    seed: int = 2025
    pairing: Pairing = "product"
    preferences: Preferences = "nominal"
    metrics: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (also what a results file records to check a resume)."""
        return {"scenarios": list(self.scenarios), "strategies": list(self.strategies),
                "protocol": self.protocol, "repetitions": self.repetitions,
                "seed": self.seed, "pairing": self.pairing, "preferences": self.preferences,
                "metrics": self.metrics}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TournamentConfig:
        """Inverse of :meth:`to_dict`."""
        return cls(tuple(data["scenarios"]), tuple(data["strategies"]), data["protocol"],
                   int(data["repetitions"]), int(data["seed"]), data["pairing"],
                   data["preferences"], bool(data["metrics"]))

    def keys(self, n_parties: dict[str, int]) -> list[SessionKey]:
        """Every session, in a fixed order (``n_parties``: parties of each scenario)."""
        out = []
        for scenario in self.scenarios:
            n = n_parties[scenario]
            if self.pairing == "homogeneous":
                assignments: Iterable[tuple[str, ...]] = ((s,) * n for s in self.strategies)
            else:
                count = len(self.strategies) ** n * self.repetitions
                if count > MAX_SESSIONS:
                    raise ValueError(f"{count} sessions for {scenario!r}: use pairing "
                                     "'homogeneous' or fewer strategies")
                assignments = itertools.product(self.strategies, repeat=n)
            for assignment in assignments:
                for rep in range(self.repetitions):
                    out.append(SessionKey(scenario, self.protocol, tuple(assignment), rep))
        return out


def session_domain(scenario: Scenario, key: SessionKey, config: TournamentConfig,
                   space: ParameterSpace | None = None) -> Domain:
    """The domain a session plays on: nominal, or drawn with the session's seed."""
    space = space or ParameterSpace(scenario)
    if config.preferences == "nominal":
        return Domain.from_scenario(scenario, None, "nominal", space)
    rng = np.random.default_rng(np.random.SeedSequence([key.seed(config.seed), 1]))
    return Domain.from_scenario(scenario, space.sample(rng, 1)[0], f"rep-{key.repetition}",
                                space)


def play(key: SessionKey, domain: Domain, config: TournamentConfig,
         reference: Reference | None = None) -> dict[str, Any]:
    """Play one session and return its row (JSON-ready, deterministic for the key)."""
    seed = key.seed(config.seed)
    result = run_session(domain, key.protocol, list(key.strategies), seed, trace=False,
                         reference=reference)
    m = result.metrics
    return {
        "key": key.text, **key.to_dict(), "seed": seed, "draw": domain.draw,
        "status": result.outcome.status.value, "agreement": m["agreement"],
        "ratified": m["ratified"], "rounds": m["rounds"], "utilities": m["utilities"],
        "welfare": m["welfare"], "pareto_distance": m["pareto_distance"],
        "pareto_gap": m["pareto_gap"], "nash_distance": m["nash_distance"],
        "agreement_package": None if result.outcome.agreement is None
        else list(result.outcome.agreement),
    }


def summarise(rows: Sequence[dict[str, Any]], parties: dict[str, Sequence[str]]
              ) -> dict[str, Any]:
    """Per strategy: sessions played (as a party), agreement rate, mean utility.

    ``parties`` maps each scenario to its party ids (to know who played what).
    """
    stats: dict[str, dict[str, float]] = {}
    for row in rows:
        ids = parties[row["scenario"]]
        for pid, strategy in zip(ids, row["strategies"], strict=True):
            s = stats.setdefault(strategy, {"played": 0, "agreements": 0, "utility": 0.0})
            s["played"] += 1
            s["agreements"] += bool(row["agreement"])
            s["utility"] += float(row["utilities"][pid])
    table = {
        name: {"played": int(s["played"]),
               "agreement_rate": s["agreements"] / s["played"],
               "mean_utility": s["utility"] / s["played"]}
        for name, s in sorted(stats.items())
    }
    ranking = sorted(table, key=lambda k: (-table[k]["mean_utility"], k))
    n = len(rows)
    return {"sessions": n,
            "agreement_rate": sum(bool(r["agreement"]) for r in rows) / n if n else 0.0,
            "strategies": table, "ranking": ranking}
