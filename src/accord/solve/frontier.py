"""The Pareto frontier of the admissible packages, exactly where it can be had.

Three methods, picked by :func:`pareto_frontier` (``method="auto"``):

* ``"enumeration"`` (red-line-free space up to ``limit``, default ``1e7``): exhaustive,
  with dominance pruning of partial packages; exact.
* ``"epsilon-constraint"`` (2 or 3 parties, any size): lexicographic ε-constraint MILPs;
  exact up to the resolution ``step``.
* ``"weighted-sums"`` (more parties): maximisers of positive weighted sums over a grid of
  weights; every point is Pareto-optimal but points off the convex hull may be missed.

Only admissible packages count (red lines and linkages honoured); optionally only
individually rational ones (every party at least at its disagreement utility, within
``EPS``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from accord.analysis.problem import BoolArray, FloatArray, IntArray, Problem, as_problem
from accord.analysis.space import ENUMERATION_LIMIT
from accord.analysis.tables import Tables
from accord.model import EPS, RESOLUTION
from accord.solve.enumerate import Keep, admissible_block, iter_admissible, skyline
from accord.solve.errors import SpaceTooLargeError
from accord.solve.frontier_milp import epsilon_constraint, weighted_sums
from accord.solve.milp import FEAS_TOL
from accord.solve.reduce import compact, without_dominated

Method = Literal["auto", "enumeration", "epsilon-constraint", "weighted-sums"]

__all__ = ["Frontier", "dominating", "exhaustive_frontier", "frontier_candidates",
           "pareto_frontier"]

_CHUNK = 1 << 18


@dataclass(frozen=True)
class Frontier:
    """Pareto-optimal admissible packages.

    Attributes:
        packages: ``(k, n_issues)`` option positions, sorted by decreasing utility vector.
        utilities: ``(k, P)`` their utilities.
        exact: every Pareto-optimal utility vector is present (one package per vector,
            or every package with ``keep="all"``); for the ε-constraint method, up to
            its resolution (see :func:`~accord.solve.frontier_milp.epsilon_constraint`)
            and only when every MILP solve was proven optimal.
        method: ``"enumeration"``, ``"epsilon-constraint"`` or ``"weighted-sums"``.
        notes: what was done and what it proves, in words.
        solves: number of MILP solves (0 for enumeration).
        seconds: wall-clock time.
    """

    packages: IntArray
    utilities: FloatArray
    exact: bool
    method: str
    notes: tuple[str, ...] = field(default=())
    solves: int = 0
    seconds: float = 0.0

    def __len__(self) -> int:
        return int(self.packages.shape[0])


# ------------------------------------------------------------------ enumeration
@dataclass(frozen=True)
class _Node:
    """Surviving partial packages over ``issues``; ``cols[:, k]`` describes ``items[k]``."""

    issues: frozenset[int]
    ids: IntArray
    raw: FloatArray
    cols: BoolArray
    items: tuple[int, ...]


class _Pareto:
    """Exhaustive frontier by pruned products of partial packages."""

    def __init__(self, problem: Problem, floor: FloatArray | None = None) -> None:
        self.pr = problem
        self.stride = problem.layout.strides
        n_terms = len(problem.interactions)
        self.n_terms = n_terms
        self.item_issues: list[frozenset[int]] = [
            frozenset(t.issues) for t in problem.interactions
        ] + [frozenset((k.issue_a, k.issue_b)) for k in problem.links]
        # the constant goes into the first leaf, so that the root's rows are the raw
        # utilities exactly as pruned
        self.first = -1
        self.floor = None if floor is None or not np.isfinite(floor).any() else floor
        # per issue, the most its options add for each party; per term, the most it adds
        self.best = np.zeros((problem.n_issues, problem.n_parties))
        if self.floor is not None and problem.n_issues:
            util = np.where(problem.allowed[:, None], problem.util, -np.inf)
            self.best = np.maximum.reduceat(util, problem.offsets, axis=0)
        self.best_total = self.best.sum(axis=0)
        self.term_up = [np.maximum(t.values, 0.0) for t in problem.interactions]

    def _viable(self, issues: frozenset[int], raw: FloatArray) -> BoolArray:
        """Rows whose best completion can still meet the floor (all rows without one)."""
        if self.floor is None:
            return np.ones(raw.shape[0], dtype=bool)
        rest = self.best_total - self.best[sorted(issues)].sum(axis=0)
        if self.first not in issues:
            rest = rest + self.pr.base
        for t, up in enumerate(self.term_up):
            if not self.item_issues[t] <= issues:
                rest += up
        bound = self.pr.finish(raw + rest)
        return np.asarray((bound >= self.floor).all(axis=1), dtype=bool)

    def order(self) -> list[int]:
        """Issues ordered so that issues sharing a term or linkage sit close together."""
        n = self.pr.n_issues
        adj: list[set[int]] = [set() for _ in range(n)]
        for issues in self.item_issues:
            for i in issues:
                adj[i] |= issues - {i}
        seen: set[int] = set()
        out: list[int] = []
        for root in range(n):
            if root in seen:
                continue
            queue = [root]
            seen.add(root)
            while queue:
                i = queue.pop(0)
                out.append(i)
                for j in sorted(adj[i] - seen):
                    seen.add(j)
                    queue.append(j)
        return out

    def _column(self, item: int, issue: int, options: IntArray) -> BoolArray:
        if item < self.n_terms:
            term = self.pr.interactions[item]
            return term.masks[term.issues.index(issue)][options]
        link = self.pr.links[item - self.n_terms]
        mask = link.mask_a if link.issue_a == issue else link.mask_b
        return mask[options]

    def leaf(self, issue: int, prune: bool = True) -> _Node:
        pr = self.pr
        options = pr.allowed_options(issue)
        items = tuple(k for k, s in enumerate(self.item_issues) if issue in s)
        cols = np.stack([self._column(k, issue, options) for k in items], axis=1) \
            if items else np.zeros((options.shape[0], 0), dtype=bool)
        raw = pr.util[pr.offsets[issue] + options]
        if issue == self.first:
            raw = raw + pr.base
        node = _Node(frozenset({issue}), options * self.stride[issue], raw, cols, items)
        return self.prune(node) if prune else node

    def prune(self, node: _Node) -> _Node:
        """Drop partial packages dominated by one with the same indicator columns."""
        if node.ids.shape[0] <= 1:
            return node
        cols = node.cols
        if cols.shape[1] == 0:
            groups = None
        elif cols.shape[1] <= 62:
            groups = cols.astype(np.int64) @ (np.int64(1) << np.arange(cols.shape[1],
                                                                     dtype=np.int64))
        else:
            groups = np.unique(cols, axis=0, return_inverse=True)[1].reshape(-1)
        keep = skyline(node.raw, keep="one", groups=groups, resolution=RESOLUTION,
                       order="index")
        return _Node(node.issues, node.ids[keep], node.raw[keep], cols[keep], node.items)

    def combine(self, a: _Node, b: _Node, prune: bool = True) -> _Node:
        issues = a.issues | b.issues
        items = sorted(set(a.items) | set(b.items))
        open_items = tuple(k for k in items if not self.item_issues[k] <= issues)
        pos_a = {k: c for c, k in enumerate(a.items)}
        pos_b = {k: c for c, k in enumerate(b.items)}
        m = b.ids.shape[0]
        if m == 0 or a.ids.shape[0] == 0:
            n_parties = self.pr.n_parties
            return _Node(issues, np.zeros(0, np.int64), np.zeros((0, n_parties)),
                         np.zeros((0, len(open_items)), bool), open_items)
        rows = max(1, _CHUNK // max(1, m))
        parts = []
        for s in range(0, a.ids.shape[0], rows):
            ia = slice(s, s + rows)
            h = a.ids[ia].shape[0]
            raw = (a.raw[ia][:, None, :] + b.raw[None, :, :]).reshape(h * m, -1)
            ids = (a.ids[ia][:, None] + b.ids[None, :]).reshape(-1)
            ok = np.ones(h * m, dtype=bool)
            ones_a = np.ones((h, 1), dtype=bool)
            ones_b = np.ones((1, m), dtype=bool)
            new_cols = []
            for k in items:
                ca = a.cols[ia, pos_a[k]][:, None] if k in pos_a else ones_a
                cb = b.cols[:, pos_b[k]][None, :] if k in pos_b else ones_b
                closed = k not in open_items
                if k < self.n_terms:
                    hold = (ca & cb).reshape(-1) if closed else None
                    if hold is not None:
                        raw[hold] += self.pr.interactions[k].values
                    else:
                        new_cols.append((ca & cb).reshape(-1))
                    continue
                link = self.pr.links[k - self.n_terms]
                if not closed:
                    new_cols.append(np.broadcast_to(ca if k in pos_a else cb,
                                                    (h, m)).reshape(-1))
                    continue
                first, second = (ca, cb) if link.issue_a in a.issues else (cb, ca)
                bad = (first & second) if link.excludes else (first & ~second)
                ok &= ~bad.reshape(-1)
            cols = np.stack(new_cols, axis=1) if new_cols else np.zeros((h * m, 0), bool)
            ok &= self._viable(issues, raw)
            part = _Node(issues, ids[ok], raw[ok], cols[ok], open_items)
            # unpruned only while the whole product fits in one chunk (bounded memory)
            parts.append(self.prune(part) if prune or a.ids.shape[0] * m > _CHUNK else part)
        if len(parts) == 1:
            return parts[0]
        node = _Node(issues, np.concatenate([p.ids for p in parts]),
                     np.concatenate([p.raw for p in parts]),
                     np.concatenate([p.cols for p in parts]), open_items)
        return self.prune(node) if prune else node

    def build(self, order: list[int], prune: bool = True, root: bool = True) -> _Node:
        """The node of ``order``'s issues (with ``prune=False``, the root is not pruned)."""
        if self.first < 0:
            self.first = order[0]
        if len(order) == 1:
            # below the root, with two parties and no indicator columns, the parent's sweep
            # (a sort) prunes the leaf's rows as cheaply as the leaf would; with more
            # parties it pays to prune here
            later = (not root and self.pr.n_parties < 3
                     and not any(order[0] in s for s in self.item_issues))
            return self.leaf(order[0], prune and not later)
        half = len(order) // 2
        return self.combine(self.build(order[:half], root=False),
                            self.build(order[half:], root=False), prune)


def exhaustive_frontier(problem: Problem, keep: Keep, floor: FloatArray | None) -> tuple[
        IntArray, FloatArray]:
    """Exact frontier ``(packages, utilities)`` by exhaustive pruned enumeration.

    ``floor``: when given, only packages with ``u >= floor`` count.

    Multi-objective dynamic programming over a binary tree of issue blocks (Villarreal &
    Karwan, "Multicriteria integer programming: a (hybrid) dynamic programming recursive
    approach", *Math. Programming* 21, 1981; nonserial form after Bertelè & Brioschi,
    *Nonserial Dynamic Programming*, 1972).

    Steps:
        1. Order the issues so that issues sharing an interaction term or a linkage are
           adjacent, and split them recursively into halves.
        2. Leaf: the options of one issue that cross no red line, with their additive
           utilities and one indicator column per term or linkage that involves the issue.
        3. Combine two blocks: form all pairs; add the terms and check the linkages that
           now lie inside the block; keep one indicator column per term or linkage that
           still reaches outside (for a term, the conjunction of its conditions so far).
        4. Prune: among partial packages with equal indicator columns, drop those whose
           partial utility vector is dominated, and all but one of equal vectors. This is
           safe: two partial packages with equal columns meet
           every completion with the same interaction terms and linkage outcomes, so the
           difference of the full utility vectors is the difference of the partial ones,
           and clipping ``min(1, max(0, .))`` is monotone.
           With a ``floor``, also drop partial packages that cannot meet it even with
           the best option of every issue still open and every open term paying its
           most (clipping is monotone, so the bound holds after it).
        5. At the root no column is left and the rows are the raw utilities (the constant
           entered at the first leaf), already pruned: clip, keep the individually
           rational packages when asked, and take the exact skyline again only when
           clipping may have made new ties (one package per vector).
        6. With ``keep="all"``, enumerate the admissible packages once more and keep every
           one whose utility vector matches a frontier vector within ``2 * RESOLUTION``.
    """
    ids, util = frontier_candidates(problem, floor, prune=True)
    # the root was pruned on these very sums; only clipping can create new ties
    sel = skyline(util, keep="one", resolution=RESOLUTION) if problem.clip.any() \
        else np.arange(ids.shape[0])
    packages = problem.layout.decode(ids[sel])
    if keep == "all":
        packages = _all_ties(problem, problem.evaluate(packages), floor)
    return _sorted(packages, problem.evaluate(packages))


def frontier_candidates(problem: Problem, floor: FloatArray | None, *, prune: bool = False
                        ) -> tuple[IntArray, FloatArray]:
    """Ids and utilities of admissible packages (``u >= floor``) that hold the frontier.

    Steps 1-4 of :func:`exhaustive_frontier`, then the floor; every Pareto-optimal vector
    is among them. Without ``prune`` the last combination is not pruned, so dominated
    packages may remain. With ``prune`` the result (read-only arrays) is kept on the
    problem (:meth:`~accord.analysis.problem.Problem.memo`) and computed once per floor.
    """
    if prune:
        # the pruned candidates are small (one package per frontier vector and few more):
        # kept on the problem, so that the frontier and the concepts share one enumeration
        key = ("frontier_candidates", None if floor is None else floor.tobytes())
        return problem.memo(key, lambda: _readonly(*_candidates(problem, floor, True)))
    return _candidates(problem, floor, False)


def dominating(problem: Problem, target: FloatArray) -> tuple[IntArray, FloatArray] | None:
    """The admissible package dominating ``target`` with the largest total gain, if any.

    Dominating: every party at least at ``target`` (within ``EPS``) and one above it by
    more than ``EPS``. Such a package can always be had on the frontier (a package that
    dominates it dominates ``target`` too, with a larger total gain), so only the pruned
    frontier candidates are scanned (computed once per problem and shared with the
    frontier and the concepts), each re-evaluated with :meth:`Problem.evaluate`.

    Returns:
        ``(package, utilities)`` or ``None`` when nothing dominates ``target``.
    """
    target = np.asarray(target, dtype=np.float64).reshape(-1)
    ids, _ = frontier_candidates(problem, None, prune=True)
    if not ids.shape[0]:
        return None
    packages = problem.layout.decode(ids)
    util = problem.evaluate(packages)
    ok = (util >= target - EPS).all(axis=1) & (util > target + EPS).any(axis=1)
    if not ok.any():
        return None
    rows = np.flatnonzero(ok)
    k = int(rows[np.argmax((util[rows] - target).sum(axis=1))])
    return packages[k], util[k]


def _readonly(ids: IntArray, util: FloatArray) -> tuple[IntArray, FloatArray]:
    ids.setflags(write=False)
    util.setflags(write=False)
    return ids, util


def _candidates(problem: Problem, floor: FloatArray | None, prune: bool
                ) -> tuple[IntArray, FloatArray]:
    if any(problem.allowed_options(i).shape[0] == 0 for i in range(problem.n_issues)):
        return np.zeros(0, np.int64), np.zeros((0, problem.n_parties))
    if problem.gates is not None:
        # pruning partial packages by the parties' utilities could drop the only ones a
        # constituent accepts: enumerate the admissible packages instead
        block = admissible_block(problem, limit=max(problem.allowed_space_size, 1))
        ids, util = block.ids, block.utilities
        if floor is not None:
            ok = (util >= floor).all(axis=1)
            ids, util = ids[ok], util[ok]
        if prune:
            sel = skyline(util, keep="one", resolution=RESOLUTION, order="index")
            ids, util = ids[sel], util[sel]
        return ids, util
    dp = _Pareto(problem, floor)
    root = dp.build(dp.order(), prune)
    util = problem.finish(root.raw.copy())
    ids = root.ids
    if floor is not None:
        ok = (util >= floor).all(axis=1)
        ids, util = ids[ok], util[ok]
    return ids, util


def _sorted(packages: IntArray, util: FloatArray) -> tuple[IntArray, FloatArray]:
    """Rows in decreasing lexicographic order of utility vectors."""
    order = np.lexsort([-util[:, c] for c in range(util.shape[1] - 1, -1, -1)])
    return packages[order], util[order]


def _all_ties(problem: Problem, front: FloatArray, floor: FloatArray | None) -> IntArray:
    """Every admissible package whose utility vector is a frontier vector (within 2e-12)."""
    found = []
    for block in iter_admissible(problem):
        u = block.utilities
        near = np.zeros(u.shape[0], dtype=bool)
        for s in range(0, front.shape[0], 256):
            f = front[s:s + 256]
            close = np.abs(u[:, None, :] - f[None, :, :]).max(axis=2) <= 2 * RESOLUTION
            near |= np.asarray(close, dtype=bool).any(axis=1)
        if floor is not None:
            near &= (u >= floor).all(axis=1)
        found.append(block.ids[near])
    ids = np.concatenate(found) if found else np.zeros(0, np.int64)
    return problem.layout.decode(ids)


def pareto_frontier(
    tables: Tables | Problem,
    *,
    method: Method = "auto",
    keep: Keep = "one",
    individually_rational: bool = False,
    disagreement: FloatArray | None = None,
    limit: int = ENUMERATION_LIMIT,
    step: float = 1e-9,
    max_solves: int = 20_000,
    max_weights: int = 200,
    time_limit: float | None = None,
) -> Frontier:
    """The Pareto frontier of the admissible packages.

    Dispatches to :func:`exhaustive_frontier` (multi-objective dynamic programming),
    :func:`~accord.solve.frontier_milp.epsilon_constraint` (Haimes et al. 1971) or
    :func:`~accord.solve.frontier_milp.weighted_sums` (Geoffrion 1968); their docstrings
    give the sources and steps.

    Steps:
        1. Unless ``keep="all"`` or the red-line-free space is within ``limit``, put off
           limits every option dominated by another option of its issue
           (:mod:`accord.solve.reduce`: the Pareto-optimal vectors stay the same) and work
           on the compact problem of the options left.
        2. Pick the method (``"auto"``: see ``method`` below; sizes are of the compact
           problem). Run it; MILP methods then re-evaluate the packages found, keep the
           admissible (and individually rational) ones and take their exact skyline.
        3. Map the packages back to the original options; sort by decreasing utility
           vector.

    Args:
        tables: compiled tables (or a :class:`Problem`).
        method: ``"auto"`` picks enumeration when the compact space has at most
            ``limit`` packages, else the ε-constraint method for at most three parties,
            else weighted sums.
        keep: ``"one"`` package per Pareto-optimal vector, or ``"all"`` (enumeration only).
        individually_rational: only packages with ``u_p >= d_p - EPS`` for every party.
        disagreement: ``d`` (default: the reservation utilities).
        limit: enumeration limit.
        step: ε-constraint resolution (see :func:`~accord.solve.frontier_milp.epsilon_constraint`).
        max_solves: cap on MILP solves for the ε-constraint method.
        max_weights: number of weight vectors for the weighted-sum method.
        time_limit: per-solve time limit in seconds for MILP methods.

    Returns:
        A :class:`Frontier` sorted by decreasing utility vector.
    """
    t0 = time.perf_counter()
    problem = as_problem(tables)
    d = problem.reservation if disagreement is None else np.asarray(disagreement, float)
    floor = d - EPS if individually_rational else np.full(problem.n_parties, -np.inf)
    full = problem.allowed_space_size
    # beyond the enumeration limit, drop dominated options: every Pareto-optimal vector is
    # reached with undominated options only (reduce.py); below it, the pruned enumeration
    # does the same work itself
    small = None if keep == "all" or full <= limit else compact(without_dominated(problem))
    work = problem if small is None else small.problem
    size = full if small is None else work.space_size
    reduced = (f"{size} packages of undominated options (of {full} red-line-free)"
               if size < full else f"{size} red-line-free packages")
    if method == "auto":
        if size <= limit:
            method = "enumeration"
        elif problem.n_parties <= 3:
            method = "epsilon-constraint"
        else:
            method = "weighted-sums"
    if method == "enumeration":
        if size > limit:
            raise SpaceTooLargeError(f"{reduced} exceed the enumeration limit {limit}")
        pk, ut = exhaustive_frontier(work, keep, floor if individually_rational else None)
        if small is not None:
            pk = small.expand(pk)
        return Frontier(pk, ut, True, "enumeration", (f"exhaustive over {reduced}",), 0,
                        time.perf_counter() - t0)
    if method == "epsilon-constraint":
        if problem.n_parties > 3:
            raise ValueError("the epsilon-constraint method handles at most 3 parties")
        found, exact, notes, solves = epsilon_constraint(work, floor, step, max_solves,
                                                          time_limit)
    elif method == "weighted-sums":
        found, exact, notes, solves = weighted_sums(work, floor, max_weights, time_limit)
    else:
        raise ValueError(f"unknown frontier method {method!r}")
    if size < full:
        notes.insert(0, f"MILP over {reduced}")
    if not found:
        return Frontier(np.zeros((0, problem.n_issues), np.int64),
                        np.zeros((0, problem.n_parties)), exact, method, tuple(notes),
                        solves, time.perf_counter() - t0)
    pk = np.stack(found)
    pk = np.unique(pk if small is None else small.expand(pk), axis=0)
    ut = problem.evaluate(pk)
    ok = problem.admissible(pk) & (ut >= floor - FEAS_TOL).all(axis=1)
    pk, ut = pk[ok], ut[ok]
    sel = skyline(ut, keep="one", resolution=RESOLUTION)
    if sel.shape[0] < pk.shape[0]:
        notes.append(f"{pk.shape[0] - sel.shape[0]} found packages dropped as dominated "
                     "or duplicate")
    notes.append(f"{sel.shape[0]} Pareto-optimal points found")
    pk, ut = _sorted(pk[sel], ut[sel])
    return Frontier(pk, ut, exact, method, tuple(notes), solves, time.perf_counter() - t0)
