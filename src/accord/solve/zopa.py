"""Zone of possible agreement: how many packages every party, or the rule, accepts.

A party *accepts* an admissible package when its utility is at least its reservation
minus ``EPS``. A package is *ratified* when the ratification rule, applied to the row of
acceptances, says so; the rule is a vectorised callable ``accept (m, P) -> (m,)`` (the
scenario's rule through ``accord.analysis.ratify.ratified``, or any other), unanimity by
default.

Counts are exact by enumeration up to ``limit`` red-line-free packages, exact by a
meet-in-the-middle count for a single party when no interaction term or linkage spans the
two halves of the issues, and otherwise estimated by uniform Monte Carlo sampling with
95% Wilson score intervals.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from accord.analysis.problem import BoolArray, FloatArray, Problem, as_problem
from accord.analysis.space import ENUMERATION_LIMIT
from accord.analysis.stats import wilson
from accord.analysis.tables import Tables
from accord.model import EPS
from accord.solve.enumerate import iter_admissible

Rule = Callable[[BoolArray], BoolArray]
Method = Literal["auto", "enumeration", "dynamic-programming", "monte-carlo"]

__all__ = ["Zopa", "unanimity", "zopa"]



def unanimity(accept: BoolArray) -> BoolArray:
    """Ratified when every party accepts."""
    return np.asarray(np.asarray(accept, dtype=bool).all(axis=1), dtype=bool)


@dataclass(frozen=True)
class Zopa:
    """Size of the zone of possible agreement.

    Attributes:
        space: number of packages.
        admissible: admissible packages (no red line crossed, no linkage broken).
        accepted: admissible packages every party accepts.
        ratified: admissible packages the rule ratifies.
        exact: the three counts are exact (else Monte Carlo estimates).
        method: ``"enumeration"``, ``"dynamic-programming"`` or ``"monte-carlo"``.
        intervals: for estimates, a 95% confidence interval per count
            (``"admissible"``, ``"accepted"``, ``"ratified"``); empty when exact.
        samples: Monte Carlo sample size (0 when exact).
        seconds: wall-clock time.
    """

    space: int
    admissible: float
    accepted: float
    ratified: float
    exact: bool
    method: str
    intervals: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    samples: int = 0
    seconds: float = 0.0


def _accept(util: FloatArray, d: FloatArray) -> BoolArray:
    return np.asarray(util >= d - EPS, dtype=bool)


def _wilson(hits: int, n: int, space: int) -> tuple[float, tuple[float, float]]:
    """Estimate and 95% Wilson score interval of a count, from a sample proportion."""
    low, high = wilson(hits, n)
    return hits / n * space, (low * space, high * space)


def _enumerate(problem: Problem, d: FloatArray, rule: Rule, limit: int
               ) -> tuple[int, int, int]:
    adm = acc = rat = 0
    for block in iter_admissible(problem, limit=limit):
        accept = _accept(block.utilities, d)
        adm += len(block)
        acc += int(accept.all(axis=1).sum())
        rat += int(np.asarray(rule(accept), dtype=bool).sum())
    return adm, acc, rat


def _halves(problem: Problem, limit: int) -> tuple[list[int], list[int]] | None:
    """A split of the issues into two blocks no term or linkage spans, or ``None``."""
    n = problem.n_issues
    sizes = [int(problem.allowed_options(i).shape[0]) for i in range(n)]
    spans = [set(t.issues) for t in problem.interactions] + [
        {k.issue_a, k.issue_b} for k in problem.links]
    best: tuple[int, list[int], list[int]] | None = None
    for cut in range(1, n):
        first = set(range(cut))
        if any(s & first and s - first for s in spans):
            continue
        a = math.prod(sizes[:cut])
        b = math.prod(sizes[cut:])
        if max(a, b) > limit:
            continue
        if best is None or max(a, b) < best[0]:
            best = (max(a, b), list(range(cut)), list(range(cut, n)))
    return None if best is None else (best[1], best[2])


def _side_sums(problem: Problem, issues: list[int]) -> tuple[FloatArray, int]:
    """Raw partial sums (party 0) of the admissible partial packages over ``issues``."""
    options = [problem.allowed_options(i) for i in issues]
    mesh = np.meshgrid(*options, indexing="ij")
    pk = np.stack([m.reshape(-1) for m in mesh], axis=1)
    raw = np.zeros(pk.shape[0])
    where = {issue: c for c, issue in enumerate(issues)}
    for c, issue in enumerate(issues):
        raw += problem.util[problem.offsets[issue] + pk[:, c], 0]
    ok = np.ones(pk.shape[0], dtype=bool)
    for term in problem.interactions:
        if term.issues[0] in where:
            hold = np.ones(pk.shape[0], dtype=bool)
            for issue, mask in zip(term.issues, term.masks, strict=True):
                hold &= mask[pk[:, where[issue]]]
            raw[hold] += term.values[0]
    for link in problem.links:
        if link.issue_a in where:
            a = link.mask_a[pk[:, where[link.issue_a]]]
            b = link.mask_b[pk[:, where[link.issue_b]]]
            ok &= ~(a & b) if link.excludes else ~(a & ~b)
    return raw[ok], int(ok.sum())


def _meet_in_middle(problem: Problem, d: FloatArray, rule: Rule, halves: tuple[list[int],
                    list[int]]) -> tuple[int, int, int]:
    """Exact counts for one party by sorting the partial sums of two independent halves.

    Horowitz & Sahni, "Computing partitions with applications to the knapsack problem",
    *J. ACM* 21(2), 1974.

    Steps:
        1. Split the issues into two blocks that no term or linkage spans.
        2. List the admissible partial packages of each block with their partial raw
           utility ``a`` (first block) and ``b`` (second block).
        3. The party accepts ``(a, b)`` when ``base + a + b >= r`` with ``r = d - EPS``
           (for a clipped party: always when ``r <= 0``, never when ``r > 1``).
        4. Sort the ``b``; for each ``a`` count the ``b >= r - base - a`` by binary search.
    """
    a, n_a = _side_sums(problem, halves[0])
    b, n_b = _side_sums(problem, halves[1])
    admissible = n_a * n_b
    r = float(d[0] - EPS)
    if problem.clip[0] and r <= 0.0:
        accepted = admissible
    elif problem.clip[0] and r > 1.0:
        accepted = 0
    else:
        b.sort()
        need = r - float(problem.base[0]) - a
        accepted = int((n_b - np.searchsorted(b, need, side="left")).sum())
    yes = bool(np.asarray(rule(np.ones((1, 1), dtype=bool)), dtype=bool)[0])
    no = bool(np.asarray(rule(np.zeros((1, 1), dtype=bool)), dtype=bool)[0])
    ratified = yes * accepted + no * (admissible - accepted)
    return admissible, accepted, ratified


def _monte_carlo(problem: Problem, d: FloatArray, rule: Rule, samples: int,
                 rng: np.random.Generator) -> tuple[list[int], int]:
    hits = [0, 0, 0]
    done = 0
    chunk = 1 << 16
    while done < samples:
        m = min(chunk, samples - done)
        pk = np.stack([rng.integers(0, int(s), m) for s in problem.sizes], axis=1)
        pk = np.asarray(pk, dtype=np.int64)
        adm = problem.admissible(pk)
        accept = _accept(problem.evaluate(pk[adm]), d)
        hits[0] += int(adm.sum())
        hits[1] += int(accept.all(axis=1).sum())
        hits[2] += int(np.asarray(rule(accept), dtype=bool).sum())
        done += m
    return hits, done


def zopa(
    tables: Tables | Problem,
    *,
    rule: Rule | None = None,
    reservation: FloatArray | None = None,
    method: Method = "auto",
    limit: int = ENUMERATION_LIMIT,
    samples: int = 200_000,
    rng: np.random.Generator | None = None,
) -> Zopa:
    """Count (or estimate) the packages every party accepts and the packages ratified.

    The zone of possible agreement of Raiffa, *The Art and Science of Negotiation*, 1982,
    ch. 4, counted over a finite package space; estimates by plain Monte Carlo (Robert &
    Casella, *Monte Carlo Statistical Methods*, 2nd ed., 2004, ch. 3) with Wilson score
    intervals.

    Steps:
        1. ``"auto"``: enumerate when the red-line-free space has at most ``limit``
           packages; else, for a single party whose terms and linkages split into two
           independent blocks, count exactly by :func:`_meet_in_middle`; else sample.
        2. Enumeration: stream every admissible package, count acceptances and the rule's
           verdicts.
        3. Monte Carlo: draw ``samples`` packages uniformly (each issue's option
           independently and uniformly, so every package is equally likely), count the
           admissible, accepted and ratified ones, and scale by the size of the space;
           report 95% Wilson score intervals.

    Args:
        tables: compiled tables (or a :class:`Problem`).
        rule: vectorised ratification rule (default: unanimity).
        reservation: per-party acceptance thresholds (default: the reservations).
        method: ``"auto"``, ``"enumeration"``, ``"dynamic-programming"`` or
            ``"monte-carlo"``.
        limit: enumeration limit (also the largest half for meet-in-the-middle).
        samples: Monte Carlo sample size.
        rng: random generator for sampling (default ``numpy.random.default_rng(0)``).
    """
    t0 = time.perf_counter()
    problem = as_problem(tables)
    rule_fn: Rule = unanimity if rule is None else rule
    d = problem.reservation if reservation is None else np.asarray(reservation, float)
    space = problem.space_size
    halves = _halves(problem, limit) if problem.n_parties == 1 and problem.gates is None \
        else None
    if method == "auto":
        if problem.allowed_space_size <= limit:
            method = "enumeration"
        elif halves is not None:
            method = "dynamic-programming"
        else:
            method = "monte-carlo"
    if method == "enumeration":
        adm, acc, rat = _enumerate(problem, d, rule_fn, limit)
        return Zopa(space, adm, acc, rat, True, method, seconds=time.perf_counter() - t0)
    if method == "dynamic-programming":
        if halves is None:
            raise ValueError("an exact count by meet-in-the-middle needs a single party, "
                             "no domestic constituent and no term or linkage spanning the "
                             "two halves")
        adm, acc, rat = _meet_in_middle(problem, d, rule_fn, halves)
        return Zopa(space, adm, acc, rat, True, method, seconds=time.perf_counter() - t0)
    if method != "monte-carlo":
        raise ValueError(f"unknown method {method!r}")
    generator = np.random.default_rng(0) if rng is None else rng
    hits, n = _monte_carlo(problem, d, rule_fn, samples, generator)
    names = ("admissible", "accepted", "ratified")
    est = {}
    intervals = {}
    for name, h in zip(names, hits, strict=True):
        est[name], intervals[name] = _wilson(h, n, space)
    return Zopa(space, est["admissible"], est["accepted"], est["ratified"], False, method,
                intervals, n, time.perf_counter() - t0)
