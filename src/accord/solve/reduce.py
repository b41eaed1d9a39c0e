"""Dominated options: options no optimiser of a monotone objective ever needs.

Option ``a`` of an issue *dominates* option ``b`` of the same issue (both off every red
line) when swapping ``b`` for ``a`` in any package can only help every party and can
break no linkage:

* ``util[a, p] >= util[b, p]`` for every party ``p``;
* for every interaction term on the issue that pays no party less than 0, ``b`` meets
  the term's condition only if ``a`` does; for a term that pays no party more than 0,
  ``a`` meets it only if ``b`` does; for a term of mixed sign, both or neither;
* for every linkage on the issue, ``a`` is at least as free as ``b``: on the triggering
  side of ``requires`` and on either side of ``excludes``, ``a`` is in the selector only
  if ``b`` is; on the required side of ``requires``, ``b`` is in it only if ``a`` is.

Then every package using ``b`` is weakly dominated, in every party's (clipped or raw)
utility, by the admissible package using ``a`` instead (Wolsey, *Integer Programming*,
2nd ed., 2020, §3.5 on dominated columns in preprocessing). Swapping one issue at a
time, every admissible package is weakly dominated by an admissible package using only
undominated options; so the Pareto-optimal utility *vectors* (and the optimum of every
objective nondecreasing in each utility, under lower bounds on utilities) are the same
over the reduced set. Which package stands for a tie may change; callers that need every
package (``keep="all"``) or that exclude given packages must not reduce.

With domestic constituents (:class:`~accord.analysis.problem.Gates`), each constituent
adds its own columns as if it were a party (its utility and its terms), and ``a`` must
also be a trigger of the constituent only if ``b`` is, and on its red line only if ``b``
is. A constituent consulted on the package using ``a`` is then consulted on the one using
``b`` too, where it accepted; its utility can only rise and no red line of it is added,
so it accepts again: the swap keeps every gate that held.

Among options that are equal in all of the above, the first is kept.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from accord.analysis.conditions import LinkArrays as Link
from accord.analysis.problem import BoolArray, FloatArray, IntArray, Interaction, Problem
from accord.analysis.space import layout_of_sizes

__all__ = ["Compact", "compact", "undominated", "without_dominated"]

#: Options compared at once when looking for dominators (bounds the memory per step).
_ROWS = 256


def _features(problem: Problem) -> list[list[FloatArray]]:
    """Per issue, columns (``(size,)`` each) in which a larger value is never worse."""
    pr = problem
    out: list[list[FloatArray]] = []
    for i in range(pr.n_issues):
        lo = int(pr.offsets[i])
        out.append([pr.util[lo:lo + int(pr.sizes[i]), p] for p in range(pr.n_parties)])
    for term in pr.interactions:
        helps, hurts = bool((term.values > 0).any()), bool((term.values < 0).any())
        for issue, mask in zip(term.issues, term.masks, strict=True):
            m = mask.astype(np.float64)
            if helps:
                out[issue].append(m)
            if hurts:
                out[issue].append(-m)
    for link in pr.links:
        out[link.issue_a].append(-link.mask_a.astype(np.float64))
        m = link.mask_b.astype(np.float64)
        out[link.issue_b].append(-m if link.excludes else m)
    if pr.gates is not None:
        gates = pr.gates
        for i, cols in enumerate(_features(gates.problem)):
            lo, n = int(pr.offsets[i]), int(pr.sizes[i])
            out[i] += cols
            for c in range(gates.n_gates):
                out[i].append(-gates.trigger[lo:lo + n, c].astype(np.float64))
                out[i].append(-gates.red[lo:lo + n, c].astype(np.float64))
    return out


def _kept(feat: FloatArray) -> BoolArray:
    """Rows of ``feat`` (options, features) not dominated by another row (first of ties)."""
    n = feat.shape[0]
    dominated = np.zeros(n, dtype=bool)
    index = np.arange(n)
    for s in range(0, n, _ROWS):
        b = feat[s:s + _ROWS]
        ge = (feat[:, None, :] >= b[None, :, :]).all(axis=2)  # (a, b): a >= b everywhere
        gt = (feat[:, None, :] > b[None, :, :]).any(axis=2)
        earlier = index[:, None] < index[None, s:s + _ROWS]
        dominated[s:s + _ROWS] = (ge & (gt | earlier)).any(axis=0)
    return ~dominated


def undominated(problem: Problem) -> BoolArray:
    """``(n_options,)``: allowed options dominated by no other allowed option (module doc)."""
    pr = problem
    keep = pr.allowed.copy()
    for i, cols in enumerate(_features(pr)):
        lo, n = int(pr.offsets[i]), int(pr.sizes[i])
        allowed = np.flatnonzero(pr.allowed[lo:lo + n])
        if allowed.shape[0] <= 1:
            continue
        feat = np.stack(cols, axis=1)[allowed]
        keep[lo + allowed] = _kept(feat)
    return keep


def without_dominated(problem: Problem) -> Problem:
    """The problem with every dominated option put off limits, as a red line would."""
    keep = undominated(problem)
    if bool((keep == problem.allowed).all()):
        return problem
    return dataclasses.replace(problem, allowed=keep)


@dataclasses.dataclass(frozen=True)
class Compact:
    """A problem over the allowed options only, and the way back to the original.

    Attributes:
        problem: the compact problem (every option allowed; terms and linkages restricted
            to the options kept, those that always or never hold folded away).
        options: per issue, the original position of each compact option.
    """

    problem: Problem
    options: tuple[IntArray, ...]

    def expand(self, packages: IntArray) -> IntArray:
        """Original option positions ``(m, n_issues)`` of compact packages."""
        packages = np.asarray(packages, dtype=np.int64).reshape(-1, len(self.options))
        out = np.empty_like(packages)
        for i, opts in enumerate(self.options):
            out[:, i] = opts[packages[:, i]]
        return out


def compact(problem: Problem) -> Compact:
    """The problem restricted to its allowed options (utilities unchanged on them).

    A condition that every kept option of its issue meets is dropped; a term none of
    whose conditions is left is added to ``base``; a term left with one condition is
    added to that issue's per-option values; a term with a condition no kept option meets
    is dropped. A linkage that no kept package can break is dropped. Domestic
    constituents' gates are restricted to the same options.
    """
    options = tuple(problem.allowed_options(i) for i in range(problem.n_issues))
    small = _restricted(problem, options)
    gates = problem.gates
    if gates is not None:
        flat = np.concatenate([problem.offsets[i] + o for i, o in enumerate(options)])
        small = dataclasses.replace(small, gates=dataclasses.replace(
            gates, problem=_restricted(gates.problem, options), red=gates.red[flat],
            trigger=gates.trigger[flat]))
    return Compact(small, options)


def _restricted(pr: Problem, options: tuple[IntArray, ...]) -> Problem:
    """``pr`` over the given options of each issue (the body of :func:`compact`)."""
    layout = layout_of_sizes([o.shape[0] for o in options])
    offsets = layout.offsets
    flat = np.concatenate([pr.offsets[i] + o for i, o in enumerate(options)]) \
        if options else np.zeros(0, np.int64)
    util = pr.util[flat].copy()
    base = pr.base.copy()
    terms: list[Interaction] = []
    for term in pr.interactions:
        conds = [(i, m[options[i]]) for i, m in zip(term.issues, term.masks, strict=True)]
        if any(not m.any() for _, m in conds):
            continue
        conds = [(i, m) for i, m in conds if not m.all()]
        if not conds:
            base += term.values
        elif len(conds) == 1:
            i, m = conds[0]
            util[offsets[i] + np.flatnonzero(m)] += term.values
        else:
            terms.append(Interaction(tuple(i for i, _ in conds), tuple(m for _, m in conds),
                                     term.values.copy()))
    links = []
    for link in pr.links:
        a, b = link.mask_a[options[link.issue_a]], link.mask_b[options[link.issue_b]]
        if not a.any() or (b.all() if not link.excludes else not b.any()):
            continue
        links.append(Link(link.excludes, link.issue_a, a, link.issue_b, b))
    return Problem(layout=layout, util=util, base=base,
                   interactions=tuple(terms), links=tuple(links), clip=pr.clip.copy(),
                   reservation=pr.reservation.copy(),
                   allowed=np.ones(layout.n_options, dtype=bool))
