"""Shared helpers for the benchmarks: random scenarios, timing, machine description."""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from accord.model import Form, Issue, Option, Party, Preferences, Scenario, fixed


def random_additive(n_issues: int, n_parties: int, options: tuple[int, int] = (3, 5),
                    seed: int = 0) -> Scenario:
    """A random additive scenario in the weights form (GENIUS-like, no red lines)."""
    rng = np.random.default_rng(seed)
    issues = tuple(
        Issue(f"i{k}", f"Issue {k}",
              tuple(Option(f"o{j}") for j in range(int(rng.integers(options[0],
                                                                     options[1] + 1)))))
        for k in range(n_issues)
    )
    prefs = {}
    for q in range(n_parties):
        values = {}
        for i in issues:
            raw = rng.random(i.size)
            values[i.id] = {o.id: fixed(float(v)) for o, v in zip(i.options, raw / raw.max(),
                                                                   strict=True)}
        weights = rng.random(n_issues)
        prefs[f"p{q}"] = Preferences(f"p{q}", Form.WEIGHTS, values,
                                     {i.id: fixed(float(w)) for i, w in
                                      zip(issues, weights / weights.sum(), strict=True)},
                                     fixed(0.3))
    return Scenario("bench", "Benchmark", tuple(Party(f"p{q}") for q in range(n_parties)),
                    issues, prefs)


def best_of(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    """Fastest wall time of ``repeat`` runs, and the last result."""
    best = float("inf")
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def machine() -> str:
    """One line describing where the benchmark ran."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return (f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"numpy {np.__version__}")
