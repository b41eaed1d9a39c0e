"""Exhaustive enumeration of packages and exact Pareto filtering (skyline).

A package is identified by its mixed-radix number in the *original* option space
(issue 0 most significant, the last issue fastest): ``id = sum_i x_i * stride_i``.
Enumeration walks only the options that cross no red line and yields, chunk by chunk,
the ids and utilities of the admissible packages (red lines and linkages honoured).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import numpy as np

from accord.analysis.problem import BoolArray, FloatArray, IntArray, Problem, as_problem
from accord.analysis.space import CHUNK, ENUMERATION_LIMIT
from accord.analysis.tables import Tables
from accord.model import RESOLUTION, SpaceTooLargeError

Keep = Literal["one", "all"]

__all__ = [
    "CHUNK",
    "ENUMERATION_LIMIT",
    "RESOLUTION",
    "Block",
    "admissible_block",
    "iter_admissible",
    "skyline",
]


@dataclass(frozen=True)
class Block:
    """Admissible packages of one chunk: their ids ``(k,)`` and utilities ``(k, P)``."""

    ids: IntArray
    utilities: FloatArray

    def __len__(self) -> int:
        return int(self.ids.shape[0])


@dataclass(frozen=True)
class _Side:
    """Partial packages over a set of issues: ids, raw utilities, indicator columns."""

    ids: IntArray
    raw: FloatArray
    cols: BoolArray  # (k, n_cols)


def _grid(options: list[IntArray]) -> IntArray:
    """Cartesian product (last fastest) of per-issue option lists, shape ``(k, len)``."""
    if not options:
        return np.zeros((1, 0), dtype=np.int64)
    mesh = np.meshgrid(*options, indexing="ij")
    return np.stack([m.reshape(-1) for m in mesh], axis=1).astype(np.int64)


class _Plan:
    """How a split of the issues into a high and a low block evaluates packages."""

    def __init__(self, problem: Problem, low: list[int]) -> None:
        self.problem = problem
        n = problem.n_issues
        low_set = set(low)
        self.low = low
        self.high = [i for i in range(n) if i not in low_set]
        self.high_set = set(self.high)
        self.stride = problem.layout.strides
        self.options = [problem.allowed_options(i) for i in range(n)]
        # conditions whose issues straddle the split: one indicator column per side
        self.cross_terms: list[int] = []
        self.low_terms: list[int] = []
        self.high_terms: list[int] = []
        for t, term in enumerate(problem.interactions):
            inside = [i in low_set for i in term.issues]
            if all(inside):
                self.low_terms.append(t)
            elif not any(inside):
                self.high_terms.append(t)
            else:
                self.cross_terms.append(t)
        self.cross_links: list[int] = []
        self.low_links: list[int] = []
        self.high_links: list[int] = []
        for k, link in enumerate(problem.links):
            a, b = link.issue_a in low_set, link.issue_b in low_set
            if a and b:
                self.low_links.append(k)
            elif not a and not b:
                self.high_links.append(k)
            else:
                self.cross_links.append(k)

    def side(self, packages: IntArray, issues: list[int], low: bool) -> _Side:
        """Evaluate partial packages ``(k, len(issues))`` over ``issues``."""
        pr = self.problem
        k = packages.shape[0]
        raw = np.zeros((k, pr.n_parties))
        ids = np.zeros(k, dtype=np.int64)
        where = {issue: c for c, issue in enumerate(issues)}
        for c, issue in enumerate(issues):
            raw += pr.util[pr.offsets[issue] + packages[:, c]]
            ids += packages[:, c] * self.stride[issue]
        ok = np.ones(k, dtype=bool)
        for t in self.low_terms if low else self.high_terms:
            term = pr.interactions[t]
            hold = np.ones(k, dtype=bool)
            for issue, mask in zip(term.issues, term.masks, strict=True):
                hold &= mask[packages[:, where[issue]]]
            raw[hold] += term.values
        for li in self.low_links if low else self.high_links:
            link = pr.links[li]
            a = link.mask_a[packages[:, where[link.issue_a]]]
            b = link.mask_b[packages[:, where[link.issue_b]]]
            ok &= ~(a & b) if link.excludes else ~(a & ~b)
        cols = []
        for t in self.cross_terms:
            term = pr.interactions[t]
            hold = np.ones(k, dtype=bool)
            for issue, mask in zip(term.issues, term.masks, strict=True):
                if issue in where:
                    hold &= mask[packages[:, where[issue]]]
            cols.append(hold)
        for li in self.cross_links:
            link = pr.links[li]
            if link.issue_a in where:
                cols.append(link.mask_a[packages[:, where[link.issue_a]]])
            else:
                cols.append(link.mask_b[packages[:, where[link.issue_b]]])
        col_arr = np.stack(cols, axis=1) if cols else np.zeros((k, 0), dtype=bool)
        return _Side(ids[ok], raw[ok], col_arr[ok])

    def combine(self, high: _Side, low: _Side) -> tuple[IntArray, FloatArray]:
        """All admissible pairs of a high and a low side: ids and clipped utilities."""
        pr = self.problem
        h, m = high.ids.shape[0], low.ids.shape[0]
        raw = (high.raw[:, None, :] + low.raw[None, :, :]).reshape(h * m, pr.n_parties)
        raw += pr.base
        ids = (high.ids[:, None] + low.ids[None, :]).reshape(-1)
        col = 0
        for t in self.cross_terms:
            hold = (high.cols[:, col, None] & low.cols[None, :, col]).reshape(-1)
            raw[hold] += pr.interactions[t].values
            col += 1
        ok = np.ones(h * m, dtype=bool)
        for li in self.cross_links:
            link = pr.links[li]
            hc, lc = high.cols[:, col], low.cols[:, col]
            a_high = link.issue_a in self.high_set
            a = hc[:, None] if a_high else lc[None, :]
            b = lc[None, :] if a_high else hc[:, None]
            bad = (a & b) if link.excludes else (a & ~b)
            ok &= ~bad.reshape(-1)
            col += 1
        if not ok.all():
            ids, raw = ids[ok], raw[ok]
        return ids, pr.finish(raw)


def _split(problem: Problem, chunk: int) -> list[int]:
    """The trailing issues forming the low block (their product at most ``chunk // 4``)."""
    cap = max(1, chunk // 4)
    low: list[int] = []
    prod = 1
    for i in range(problem.n_issues - 1, -1, -1):
        r = int(problem.allowed_options(i).shape[0])
        if prod * r > cap:
            break
        prod *= r
        low.append(i)
    return sorted(low)


def iter_admissible(
    tables: Tables | Problem, *, limit: int = ENUMERATION_LIMIT, chunk: int = CHUNK
) -> Iterator[Block]:
    """Yield every admissible package's id and utilities, chunk by chunk.

    Vectorised mixed-radix enumeration (Knuth, *TAOCP* Vol. 4A, §7.2.1.1, Algorithm M,
    done a chunk at a time with array arithmetic instead of one step at a time).

    Steps:
        1. Drop every option on a red line; the remaining options span ``R`` packages
           (``SpaceTooLargeError`` when ``R > limit``).
        2. Split the issues into a trailing *low* block, enumerated once, and a leading
           *high* block, enumerated in chunks by mixed-radix decoding of a range of numbers.
        3. Evaluate each block's partial utilities, the interaction terms and linkages that
           lie inside it, and one indicator per term or linkage that straddles the split.
        4. For each high chunk, form all (high, low) pairs by broadcasting, add straddling
           terms, drop pairs that break a straddling linkage, clip clipped parties, drop
           packages a consulted domestic constituent refuses (:class:`Gates`), yield.

    Args:
        tables: compiled tables (or a :class:`Problem`).
        limit: most red-line-free packages to visit.
        chunk: approximate number of packages per yielded block.

    Yields:
        Blocks of admissible packages in increasing id order within a block.
    """
    problem = as_problem(tables)
    size = problem.allowed_space_size
    if size == 0:
        return
    if size > limit:
        raise SpaceTooLargeError(
            f"{size} red-line-free packages exceed the enumeration limit {limit}"
        )
    plan = _Plan(problem, _split(problem, chunk))
    low_pk = _grid([plan.options[i] for i in plan.low])
    low = plan.side(low_pk, plan.low, low=True)
    if low.ids.shape[0] == 0:
        return
    radix = [int(plan.options[i].shape[0]) for i in plan.high]
    n_high = 1
    for r in radix:
        n_high *= r
    rows = max(1, chunk // max(1, low.ids.shape[0]))
    for start in range(0, n_high, rows):
        rem = np.arange(start, min(n_high, start + rows), dtype=np.int64)
        digits = np.empty((rem.shape[0], len(plan.high)), dtype=np.int64)
        for c in range(len(plan.high) - 1, -1, -1):
            digits[:, c] = plan.options[plan.high[c]][rem % radix[c]]
            rem //= radix[c]
        high = plan.side(digits, plan.high, low=False)
        if high.ids.shape[0] == 0:
            continue
        ids, util = plan.combine(high, low)
        if problem.gates is not None and ids.shape[0]:
            # two-level ratification: drop packages a consulted constituent refuses
            ok = problem.gates.hold(problem.layout.decode(ids))
            ids, util = ids[ok], util[ok]
        if ids.shape[0]:
            yield Block(ids, util)


def admissible_block(
    tables: Tables | Problem, *, limit: int = ENUMERATION_LIMIT, chunk: int = CHUNK
) -> Block:
    """All admissible packages at once (see :func:`iter_admissible`)."""
    problem = as_problem(tables)
    blocks = list(iter_admissible(problem, limit=limit, chunk=chunk))
    if not blocks:
        return Block(np.zeros(0, dtype=np.int64), np.zeros((0, problem.n_parties)))
    return Block(np.concatenate([b.ids for b in blocks]),
                 np.concatenate([b.utilities for b in blocks]))


# ------------------------------------------------------------------------- skyline
def _dense_rank(values: FloatArray) -> IntArray:
    return np.unique(values, return_inverse=True)[1].astype(np.int64).reshape(-1)


def _dominated_by(cu: FloatArray, cg: IntArray | None, bu: FloatArray, bg: IntArray | None
                  ) -> BoolArray:
    """``(n, m)``: column ``i`` of ``cu`` is ``>=`` column ``j`` of ``bu`` everywhere.

    Both are transposed, ``(P, n)`` and ``(P, m)`` (one contiguous row per party). With
    groups, also in the same group.
    """
    dom: BoolArray = cu[0, :, None] >= bu[0, None, :]
    for k in range(1, cu.shape[0]):
        dom &= cu[k, :, None] >= bu[k, None, :]
    if cg is not None and bg is not None:
        dom &= cg[:, None] == bg[None, :]
    return dom


_BLOCK = 128
_UPPER = np.triu(np.ones((_BLOCK, _BLOCK), dtype=bool), 1)


def _sfs(u: FloatArray, g: IntArray | None, fchunk: int = 4096) -> BoolArray:
    """Sort-filter skyline on distinct rows sorted so that dominators come first.

    ``g``: group labels, or ``None`` when every row is in one group. Columns are held
    transposed (one contiguous row per party), and each block of rows is compared with
    the rows kept so far in growing chunks, strongest first, narrowing to the rows still
    alive after each chunk.
    """
    n, p = u.shape
    block, upper = _BLOCK, _UPPER
    ut = np.ascontiguousarray(u.T)
    kept = np.zeros(n, dtype=bool)
    fu = np.empty((p, n))
    fg = np.empty(n, dtype=np.int64)
    k = 0
    for s in range(0, n, block):
        bu = ut[:, s:s + block]
        bg = None if g is None else g[s:s + block]
        idx = np.arange(bu.shape[1])
        cu, cg = bu, bg
        c, step = 0, 64
        while c < k and idx.size:
            end = min(k, c + step)
            dom = _dominated_by(fu[:, c:end], None if g is None else fg[c:end], cu, cg)
            hit = dom.any(axis=0)
            if hit.any():
                idx = idx[~hit]
                cu = bu[:, idx]
                cg = None if bg is None else bg[idx]
            c, step = end, min(fchunk, step * 4)
        if idx.size > 1:
            dom = _dominated_by(cu, cg, cu, cg)
            dom &= upper[:idx.size, :idx.size]
            idx = idx[~dom.any(axis=0)]
        kept[s + idx] = True
        m = idx.size
        fu[:, k:k + m] = bu[:, idx]
        if bg is not None:
            fg[k:k + m] = bg[idx]
        k += m
    return kept


#: Largest ``n`` for :func:`_bitset_skyline` (``P`` bitsets of ``n * n`` bits).
_BITSET_MAX = 2048
#: Number of strongest rows whose own skyline decides between the bitsets and blocks.
_PROBE = 64
#: Share of those rows in their own skyline above which the bitsets are used.
_BITSET_SHARE = 0.75


def _bitset_skyline(u: FloatArray) -> BoolArray:
    """Skyline mask of distinct rows (one group) by bitsets of the rows at least as good.

    For each column, sort the rows by decreasing value; the rows at least as good as row
    ``i`` in that column are a prefix of that order (up to the end of ``i``'s ties),
    so a running OR of one-bit rows gives each row's set as a bitset. The AND over
    the columns is the set of rows at least as good as ``i`` everywhere: ``i`` itself and,
    rows being distinct, the rows that dominate it.
    """
    n, p = u.shape
    words = (n + 63) >> 6
    rows = np.arange(n)
    word = rows >> 6
    bit = np.left_shift(np.uint64(1), (rows & 63).astype(np.uint64))
    both = np.empty((0, words), dtype=np.uint64)
    for c in range(p):
        col = u[:, c]
        order = np.argsort(col)[::-1]  # decreasing (the order within ties is immaterial)
        values = col[order]
        # sorted position -> last position of its run of equal values
        last = np.where(np.append(values[1:] != values[:-1], True), rows, n)
        last = np.minimum.accumulate(last[::-1])[::-1]
        prefix = np.zeros((n, words), dtype=np.uint64)
        prefix[rows, word[order]] = bit[order]
        np.bitwise_or.accumulate(prefix, axis=0, out=prefix)
        at = np.empty(n, dtype=np.int64)
        at[order] = last  # row -> the prefix row of its last tie
        if c == 0:
            both = prefix[at]
        else:
            both &= prefix[at]
    both[rows, word] &= ~bit
    return np.asarray(~both.any(axis=1), dtype=bool)


def _pivot_filter(u: FloatArray, g: IntArray, n_pivots: int = 48,
                  chunk: int = 1 << 15) -> BoolArray:
    """Mark rows strictly dominated by one of a few high-sum rows (a sound prefilter)."""
    total = u.sum(axis=1)
    piv = np.argsort(-total, kind="stable")[:n_pivots]
    pu, pg = u[piv], g[piv]
    alive = np.ones(u.shape[0], dtype=bool)
    for s in range(0, u.shape[0], chunk):
        cu, cg = u[s:s + chunk], g[s:s + chunk]
        ge = (pu[:, None, :] >= cu[None, :, :]).all(axis=2)
        gt = (pu[:, None, :] > cu[None, :, :]).any(axis=2)
        dom = ge & gt & (pg[:, None] == cg[None, :])
        alive[s:s + chunk] = ~dom.any(axis=0)
    return alive


def _skyline_unique(u: FloatArray, g: IntArray) -> BoolArray:
    """Skyline mask of distinct rows sorted by group, then so that dominators come first."""
    n, p = u.shape
    first = np.ones(n, dtype=bool)
    first[1:] = g[1:] != g[:-1]
    if p == 1:
        return first
    if p == 2 and first[1:].any():
        # within a group, keep a row iff its u_1 beats every earlier row's u_1
        comp = _dense_rank(g.astype(np.float64)) * (n + 1) + _dense_rank(u[:, 1])
        prev = np.empty(n, dtype=np.int64)
        prev[0] = -1
        prev[1:] = np.maximum.accumulate(comp)[:-1]
        return np.asarray(comp > prev, dtype=bool)
    if p == 2:
        best = np.empty(n)
        best[0] = -np.inf
        best[1:] = np.maximum.accumulate(u[:-1, 1])
        return np.asarray(u[:, 1] > best, dtype=bool)
    alive = np.ones(n, dtype=bool)
    if n > 20000:
        alive = _pivot_filter(u, g)
    idx = np.flatnonzero(alive)
    kept = np.zeros(n, dtype=bool)
    one_group = not first[1:].any()
    if one_group and _PROBE < n <= _BITSET_MAX and _small_skyline(
            u[:_PROBE], None, "all").shape[0] >= _BITSET_SHARE * _PROBE:
        # most of the strongest rows survive among themselves: a large skyline, where
        # comparing every pair at once in bitsets beats filtering block by block
        return _bitset_skyline(u)
    kept[idx[_sfs(u[idx], None if one_group else g[idx])]] = True
    return kept


#: Largest ``n * n * P`` handled by comparing every pair of rows at once.
_SMALL = 1 << 15
#: ``_EARLIER[i, j]``: ``i < j`` (for every ``n`` that ``_SMALL`` admits).
_EARLIER = np.triu(np.ones((182, 182), dtype=bool), 1)


def _sort_keys(pts: FloatArray) -> list[FloatArray]:
    """``np.lexsort`` keys (last key primary) of step 1 of :func:`skyline`, groups aside."""
    p = pts.shape[1]
    keys = [-pts[:, c] for c in range(p - 1, -1, -1)]
    if p >= 3:
        # strongest first: a dominator has a larger (or, rounded, equal) sum, since
        # floating-point addition is monotone; ties fall back to lexicographic order
        keys.append(-pts.sum(axis=1))
    return keys


def _small_skyline(pts: FloatArray, g: IntArray | None, keep: Keep) -> IntArray:
    """Skyline of a few rows by comparing every pair (same result as the sorted path)."""
    n = pts.shape[0]
    # ge[i, j]: row i >= row j everywhere (and in the same group); with ge.T also, the
    # rows are equal, else row i dominates row j
    cols = np.ascontiguousarray(pts.T)
    ge = _dominated_by(cols, g, cols, g)
    out = ~(ge & ~ge.T).any(axis=0)
    if keep == "one":
        # of equal rows, only the first (lowest index) stays
        out &= ~(ge & ge.T & _EARLIER[:n, :n]).any(axis=0)
    return np.flatnonzero(out).astype(np.int64)


def skyline(points: FloatArray, *, keep: Keep = "one", groups: IntArray | None = None,
            resolution: float = 0.0, order: Literal["sorted", "index"] = "sorted"
            ) -> IntArray:
    """Indices of the Pareto-optimal rows of ``points`` (maximisation).

    Row ``a`` dominates row ``b`` when ``a >= b`` in every column and ``a != b``. With
    ``groups``, only rows of the same group are compared (a partition into independent
    skylines). With ``resolution = 0`` comparisons are exact; with ``resolution > 0``
    rows are compared after rounding every value to a multiple of ``resolution`` (the
    engine uses :data:`RESOLUTION`, so that sums of the same numbers taken in different
    orders, which differ by a few ulps, count as equal).

    Sort-filter skyline (Chomicki, Godfrey, Gryz & Liang, "Skyline with presorting",
    ICDE 2003), with a 2-D sweep (Kung, Luccio & Preparata, J. ACM 22(4), 1975).

    Steps:
        1. Sort rows by group, then (with three or more columns) by decreasing sum, then
           lexicographically decreasing; a dominator then always precedes the rows it
           dominates, and equal rows are adjacent.
        2. Collapse runs of equal rows to their first row.
        3. One column: keep the first row of each group. Two columns: keep a row iff its
           second coordinate beats the running maximum of its group (integer ranks make
           the grouped running maximum exact). More columns: drop rows strictly dominated
           by a few high-sum pivots, then filter the rest in sorted blocks against the
           rows kept so far (strongest first, in growing chunks, so that most rows fall
           at the first few) and against earlier rows of the block. When most of the
           first block survives (a large skyline) and at most 2,048 rows form one group,
           compare every pair at once in bitsets instead (:func:`_bitset_skyline`).
        4. ``keep="one"``: return one index per distinct Pareto-optimal vector (the lowest
           index among equal rows); ``keep="all"``: return every row whose vector is
           Pareto-optimal, ties and duplicates included.

    Args:
        points: ``(n, P)`` utility vectors.
        keep: ``"one"`` or ``"all"`` (see step 4).
        groups: optional ``(n,)`` integer group labels.
        resolution: compare values rounded to multiples of this (0: exact).
        order: ``"sorted"``: the indices in the order of step 1; ``"index"``: in
            increasing order (the same set, without the final sort of step 1's order).

    Returns:
        Indices into ``points``.
    """
    pts = np.asarray(points, dtype=np.float64)
    if pts.ndim != 2:
        raise ValueError(f"points must be a 2-D array, got shape {pts.shape}")
    n, p = pts.shape
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if p == 0:
        return np.arange(n if keep == "all" else 1, dtype=np.int64)
    g = None if groups is None else np.asarray(groups, dtype=np.int64)
    if resolution > 0:
        pts = np.rint(pts / resolution)
    if p >= 3 and n * n * p <= _SMALL:
        idx = _small_skyline(pts, g, keep)
        if order == "index":
            return idx
        keys = _sort_keys(pts[idx])
        return np.asarray(idx[np.lexsort(keys if g is None else [*keys, g[idx]])],
                          dtype=np.int64)
    if g is None:
        g = np.zeros(n, dtype=np.int64)
    keys = _sort_keys(pts)
    perm = np.lexsort(keys if groups is None else [*keys, g])
    su, sg = pts[perm], g[perm]
    new = np.ones(n, dtype=bool)
    new[1:] = (su[1:] != su[:-1]).any(axis=1) | (sg[1:] != sg[:-1])
    kept = _skyline_unique(su[new], sg[new])
    out = perm[new][kept] if keep == "one" else perm[kept[np.cumsum(new) - 1]]
    return np.asarray(np.sort(out) if order == "index" else out, dtype=np.int64)
