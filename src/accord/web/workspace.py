"""The scenarios the workbench serves, loaded once, with their heavy results cached.

Only bundled scenarios are served (a page never opens a file path taken from a URL).
Expensive results (the Pareto frontier, the Monte Carlo acceptance probabilities) are
computed on first use and kept; a lock makes concurrent first requests compute once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from accord.app import api
from accord.app.catalog import bundled_names, resolve
from accord.app.results import Evaluation, FrontierResult, Robustness, SolveResult
from accord.model import AccordError, Scenario, UnknownIdError

T = TypeVar("T")

#: Default Monte Carlo draws for the acceptance probabilities on the analysis page.
SAMPLES = 300
#: Seed of those draws (the page states it, so the numbers can be reproduced).
SEED = 0
#: Per-solve time limit (seconds) when the frontier needs MILPs.
FRONTIER_TIME_LIMIT = 5.0


class UnknownScenarioError(UnknownIdError):
    """A URL named a scenario the workbench does not serve."""


@dataclass
class Loaded:
    """One scenario and its cached results."""

    name: str
    scenario: Scenario
    cache: dict[str, object] = field(default_factory=dict)


class Workspace:
    """The scenarios served by the workbench.

    Args:
        names: bundled scenario names to serve (default: every bundled scenario).
        samples: Monte Carlo draws for acceptance probabilities.
        seed: their seed.
    """

    def __init__(self, names: Iterable[str] | None = None, *, samples: int = SAMPLES,
                 seed: int = SEED) -> None:
        self.samples = samples
        self.seed = seed
        self._lock = threading.Lock()
        self._loaded: dict[str, Loaded] = {}
        for name in names if names is not None else bundled_names():
            scenario = resolve(name) if name in bundled_names() else None
            if scenario is None:
                raise UnknownScenarioError(f"no bundled scenario {name!r}", "scenarios")
            self._loaded[name] = Loaded(name, scenario)

    @property
    def names(self) -> list[str]:
        """Served scenario names, sorted."""
        return sorted(self._loaded)

    def get(self, name: str) -> Loaded:
        """The loaded scenario called ``name``."""
        try:
            return self._loaded[name]
        except KeyError:
            raise UnknownScenarioError(
                f"no scenario {name!r} (served: {', '.join(self.names)})", "scenarios"
            ) from None

    def _cached(self, loaded: Loaded, key: str, make: Callable[[], T]) -> T:
        with self._lock:
            if key not in loaded.cache:
                loaded.cache[key] = make()
            return loaded.cache[key]  # type: ignore[return-value]

    def cached(self, name: str, key: str, make: Callable[[], T]) -> T:
        """``make()`` computed once per scenario and ``key``, then kept."""
        return self._cached(self.get(name), key, make)

    def frontier(self, name: str) -> FrontierResult:
        """The Pareto frontier of the admissible packages (cached)."""
        loaded = self.get(name)
        return self._cached(loaded, "frontier", lambda: api.frontier(
            loaded.scenario, time_limit=FRONTIER_TIME_LIMIT))

    def evaluation(self, name: str) -> Evaluation:
        """Every named plan evaluated, for the charts: dominance not asked (cached)."""
        loaded = self.get(name)
        return self._cached(loaded, "evaluation", lambda: api.evaluate(loaded.scenario,
                                                                       dominance=False))

    def solution(self, name: str, concept: api.Concept) -> SolveResult:
        """An exact solution concept (cached; the answer of ``accord solve``)."""
        loaded = self.get(name)
        return self._cached(loaded, f"solve:{concept}", lambda: api.solve(loaded.scenario,
                                                                          concept))

    def warm(self) -> threading.Thread:
        """Compute every scenario's analysis results in a background thread.

        The analysis page of a large scenario needs a frontier, four exact concepts and a
        Monte Carlo run; started when the server starts, they are ready (or under way,
        behind the same lock) by the time someone opens the page.
        """
        def run() -> None:
            concepts: tuple[api.Concept, ...] = api.CONCEPTS
            for name in self.names:
                self.frontier(name)
                self.robustness(name)
                for concept in concepts:
                    try:
                        self.solution(name, concept)
                    except AccordError:
                        break  # no agreement: the page says so
        thread = threading.Thread(target=run, name="accord-web-warm", daemon=True)
        thread.start()
        return thread

    def robustness(self, name: str) -> Robustness:
        """Acceptance probabilities of every named draft (cached, seeded)."""
        loaded = self.get(name)
        s = loaded.scenario
        return self._cached(loaded, "robustness", lambda: api.robustness(
            s, [p for p in s.plans if not p.no_deal], samples=self.samples,
            seed=self.seed).raw)
