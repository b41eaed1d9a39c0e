"""Numeric tables compiled from a scenario: the hot path of every analysis.

A package (complete plan) is a vector of option positions, one per issue; a batch of
packages is an ``int`` array of shape ``(m, n_issues)``. Utilities are gathers and sums
over a per-option table. Every uncertain number of the scenario is an entry of a
parameter vector ``theta``; :func:`build_tables` turns ``S`` parameter vectors into ``S``
sets of tables at once, so robustness analysis samples without Python loops.

Normalisation (see :mod:`accord.model.preferences`):

* weights form: ``u = sum_i w_i / sum(w) * v_io + terms`` (``low = 0``, ``span = 1``);
* scores form: ``u = (points - low) / span`` with ``low``/``span`` from the least and most
  points any package could score, or ``low = 0, span = scale`` when a scale is given.

Commitments replace an option's value by ``c * v + (1 - c) * broken``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from accord.analysis.conditions import Conjunction, LinkArrays
from accord.analysis.problem import Gates, Problem, problem_of
from accord.analysis.space import Layout, layout_of_sizes
from accord.model import EPS, Form, LinkKind, Param, Scenario

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class ParamRef:
    """Where an uncertain number sits.

    ``label`` names it for reports; ``path`` is its place in the scenario file
    (``preferences.UA.weights.territory``).
    """

    label: str
    party: str
    param: Param
    path: str = ""


@dataclass(frozen=True)
class TermArrays(Conjunction):
    """An interaction term in array form: pays its party when the conjunction holds.

    Attributes:
        party: the party it pays (position).
        flat_mask: one-hot membership over all flat options (True where allowed, for the
            constrained issues).
    """

    party: int
    flat_mask: BoolArray


@dataclass(frozen=True)
class Tables:
    """Utility tables for ``S`` parameter draws (``S = 1`` for the nominal scenario).

    Attributes:
        layout: option layout.
        util: ``(S, n_options, P)`` normalised contribution of each option.
        base: ``(S, P)`` constant added to every package.
        term_values: ``(S, T)`` normalised value of each interaction term.
        terms: the terms' conditions (shared by all draws).
        reservation: ``(S, P)`` normalised reservation utility.
        low, span: ``(S, P)`` raw = low + utility * span (for display in raw units).
        clip: ``(P,)`` whether a party's utility is clipped into ``[0, 1]``.
        red: ``(n_options, P)`` red-line options.
        links: the linkages.
        gating: the parties' domestic constituents (``None`` when there are none).
    """

    layout: Layout
    util: FloatArray
    base: FloatArray
    term_values: FloatArray
    terms: tuple[TermArrays, ...]
    reservation: FloatArray
    low: FloatArray
    span: FloatArray
    clip: BoolArray
    red: BoolArray
    links: tuple[LinkArrays, ...]
    gating: Gating | None = None
    _problems: dict[int, Problem] = field(init=False, repr=False, compare=False,
                                          default_factory=dict)

    def problem(self, draw: int = 0) -> Problem:
        """Draw ``draw`` in the merged form every engine reads (computed once, kept)."""
        p = self._problems.get(draw)
        if p is None:
            p = problem_of(self, draw)
            if self.gating is not None:
                g = self.gating
                p = replace(p, gates=Gates(
                    problem_of(g.tables, draw), g.tables.red, g.trigger, g.always, g.parent))
            self._problems[draw] = p
        return p

    def acceptance(self, packages: IntArray, utilities: FloatArray | None = None,
                   draw: int = 0) -> BoolArray:
        """``(m, P)``: whether each party accepts each package under draw ``draw``.

        A party accepts when its utility reaches its reservation (within
        :data:`~accord.model.EPS`), the package crosses none of its red lines, and every
        constituent it consults on the package accepts too.
        """
        packages = np.asarray(packages, dtype=np.int64)
        u = self.problem(draw).evaluate(packages) if utilities is None else utilities
        accept = (u - self.reservation[draw] >= -EPS) & ~self.red_lines_hit(packages)
        if self.gating is not None:
            accept &= ~self.vetoes(packages, draw)
        return np.asarray(accept, dtype=bool)

    def vetoes(self, packages: IntArray, draw: int = 0) -> BoolArray:
        """``(m, P)``: whether a constituent the party consults refuses each package."""
        packages = np.asarray(packages, dtype=np.int64)
        out = np.zeros((packages.shape[0], self.n_parties), dtype=bool)
        gates = self.problem(draw).gates
        if gates is None:
            return out
        refuse = gates.consulted(packages) & ~gates.accepts(packages)
        for c in np.flatnonzero(refuse.any(axis=0)):
            if gates.parent[c] >= 0:
                out[:, int(gates.parent[c])] |= refuse[:, c]
        return out

    def restrict(self, parties: Sequence[int]) -> Tables:
        """The tables seen by a subset of parties (every party's red lines still apply)."""
        keep = list(parties)
        kept = [k for k, t in enumerate(self.terms) if t.party in keep]
        return replace(
            self, util=self.util[:, :, keep], base=self.base[:, keep],
            reservation=self.reservation[:, keep], low=self.low[:, keep],
            span=self.span[:, keep], clip=self.clip[keep],
            terms=tuple(replace(self.terms[k], party=keep.index(self.terms[k].party))
                        for k in kept),
            term_values=self.term_values[:, kept],
            gating=None if self.gating is None else self.gating.restrict(keep),
        )

    @property
    def n_parties(self) -> int:
        """Number of parties."""
        return int(self.util.shape[2])

    @property
    def n_draws(self) -> int:
        """Number of parameter draws."""
        return int(self.util.shape[0])

    def utilities(self, packages: IntArray, draw: int = 0) -> FloatArray:
        """Normalised utilities ``(m, P)`` of a batch of packages under one draw."""
        packages = np.asarray(packages, dtype=np.int64)
        if packages.ndim != 2 or packages.shape[1] != self.layout.n_issues:
            raise ValueError(
                f"packages must have shape (m, {self.layout.n_issues}), got {packages.shape}"
            )
        if packages.size and ((packages < 0).any() or (packages >= self.layout.sizes).any()):
            raise ValueError("a package names an option position outside its issue")
        return self.problem(draw).evaluate(packages)

    def utilities_all_draws(self, packages: IntArray) -> FloatArray:
        """Normalised utilities ``(S, m, P)`` of a (small) batch under every draw."""
        packages = np.asarray(packages, dtype=np.int64)
        flat = self.layout.flat(packages)
        out = self.base[:, None, :] + self.util[:, flat, :].sum(axis=2)
        for t, term in enumerate(self.terms):
            out[:, :, term.party] += self.term_values[:, t, None] * term.holds(packages)[None, :]
        if self.clip.any():
            out[:, :, self.clip] = np.clip(out[:, :, self.clip], 0.0, 1.0)
        return np.asarray(out)

    def red_lines_hit(self, packages: IntArray) -> BoolArray:
        """``(m, P)``: whether each package crosses each party's red line."""
        flat = self.layout.flat(np.asarray(packages, dtype=np.int64))
        return np.asarray(self.red[flat].any(axis=1))

    def violations(self, packages: IntArray) -> BoolArray:
        """``(m, L)``: whether each package breaks each linkage."""
        packages = np.asarray(packages, dtype=np.int64)
        out = np.zeros((packages.shape[0], len(self.links)), dtype=bool)
        for k, link in enumerate(self.links):
            out[:, k] = link.violated(packages)
        return out

    def admissible(self, packages: IntArray) -> BoolArray:
        """``(m,)``: breaks no linkage and crosses no red line."""
        return self.problem(0).admissible(packages)

    def nominal(self) -> Tables:
        """The first draw alone."""
        return self.draw(0)

    def draw(self, s: int) -> Tables:
        """Tables of one draw."""
        sl = slice(s, s + 1)
        return Tables(
            self.layout, self.util[sl], self.base[sl], self.term_values[sl], self.terms,
            self.reservation[sl], self.low[sl], self.span[sl], self.clip, self.red, self.links,
            None if self.gating is None else replace(self.gating,
                                                     tables=self.gating.tables.draw(s)),
        )


@dataclass(frozen=True)
class Gating:
    """The domestic constituents of a scenario, compiled (see :class:`Gates`).

    Attributes:
        tables: the constituents' own utility tables, one column each (no linkages).
        trigger: ``(n_options, C)`` options that make the party consult each constituent.
        always: ``(C,)`` constituents consulted on every package.
        parent: ``(C,)`` position of each constituent's party.
        ids: constituent ids.
    """

    tables: Tables
    trigger: BoolArray
    always: BoolArray
    parent: IntArray
    ids: tuple[str, ...]

    def restrict(self, parties: list[int]) -> Gating | None:
        """The constituents of a subset of parties (their positions renumbered).

        Constituents of the other parties still bound what is admissible, so they stay,
        attached to no kept party (position ``-1``).
        """
        parent = np.array([parties.index(int(p)) if int(p) in parties else -1
                           for p in self.parent], dtype=np.int64)
        return replace(self, parent=parent)


def layout_of(scenario: Scenario) -> Layout:
    """Flat option layout of a scenario."""
    return layout_of_sizes([i.size for i in scenario.issues])


@dataclass
class _PartyIndex:
    """Where one party's numbers sit in ``theta`` (-1: absent, worth 0)."""

    form: Form
    saturate: bool
    weights: IntArray
    values: IntArray
    commitments: list[tuple[int, int, int]]
    reservation: int
    scale: int
    terms: list[int]


class ParameterSpace:
    """Every number in a scenario's preferences as one vector ``theta``.

    ``refs[k]`` says what ``theta[k]`` is; :attr:`nominal` holds the scenario's values.
    """

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.layout = layout_of(scenario)
        self.refs: list[ParamRef] = []
        n_opt = self.layout.n_options
        n_issues = self.layout.n_issues
        self._plans: list[_PartyIndex] = []
        #: the parties at the table, then the constituents (one column each)
        self.columns = (*scenario.party_ids, *scenario.constituent_ids)
        for pid in self.columns:
            prefs = scenario.preferences[pid]
            where = f"preferences.{pid}"
            weights = np.full(n_issues, -1, dtype=np.int64)
            for issue_id, param in prefs.weights.items():
                weights[scenario.issue_index(issue_id)] = self._add(
                    f"{pid} weight {issue_id}", pid, param, f"{where}.weights.{issue_id}")
            values = np.full(n_opt, -1, dtype=np.int64)
            for issue_id, options in prefs.values.items():
                issue = scenario.issue(issue_id)
                base = int(self.layout.offsets[scenario.issue_index(issue_id)])
                for option_id, param in options.items():
                    values[base + issue.index(option_id)] = self._add(
                        f"{pid} value {issue_id}={option_id}", pid, param,
                        f"{where}.values.{issue_id}.{option_id}")
            commits = []
            for k, c in enumerate(prefs.commitments):
                flat = int(self.layout.offsets[scenario.issue_index(c.issue)]) + \
                    scenario.issue(c.issue).index(c.option)
                commits.append((
                    flat,
                    self._add(f"{pid} credibility of {c.promisor} on {c.issue}={c.option}",
                              pid, c.credibility, f"{where}.commitments[{k}].credibility"),
                    self._add(f"{pid} value if broken {c.issue}={c.option}",
                              pid, c.value_if_broken,
                              f"{where}.commitments[{k}].value_if_broken"),
                ))
            reservation = self._add(f"{pid} reservation", pid, prefs.reservation,
                                    f"{where}.reservation")
            scale = (self._add(f"{pid} scale", pid, prefs.scale, f"{where}.scale")
                     if prefs.scale is not None else -1)
            terms = [self._add(f"{pid} interaction {k + 1}", pid, t.value,
                               f"{where}.interactions[{k}].value")
                     for k, t in enumerate(prefs.terms)]
            self._plans.append(_PartyIndex(prefs.form, prefs.clipped, weights, values, commits,
                                           reservation, scale, terms))
        self.nominal = np.array([r.param.value for r in self.refs], dtype=np.float64)
        self.terms = self._term_arrays()
        self.links = self._link_arrays()
        self.red = self._red_lines()

    def _add(self, label: str, party: str, param: Param, path: str) -> int:
        self.refs.append(ParamRef(label, party, param, path))
        return len(self.refs) - 1

    @property
    def uncertain(self) -> list[int]:
        """Indices of the parameters that carry a distribution."""
        return [k for k, r in enumerate(self.refs) if r.param.uncertain]

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        """``(n, K)`` parameter draws; certain parameters keep their value."""
        theta = np.tile(self.nominal, (n, 1))
        for k in self.uncertain:
            dist = self.refs[k].param.dist
            assert dist is not None
            theta[:, k] = dist.sample(rng, n)
        return theta

    def _term_arrays(self) -> tuple[TermArrays, ...]:
        out = []
        for p, column in enumerate(self.columns):
            for term in self.scenario.preferences[column].terms:
                issues = []
                masks = []
                flat_mask = np.zeros(self.layout.n_options, dtype=bool)
                for sel in term.conditions:
                    issue = self.scenario.issue(sel.issue)
                    mask = np.zeros(issue.size, dtype=bool)
                    for option in sel.options:
                        mask[issue.index(option)] = True
                    i = self.scenario.issue_index(sel.issue)
                    issues.append(int(i))
                    masks.append(mask)
                    flat_mask[self.layout.offsets[i]:self.layout.offsets[i] + issue.size] = mask
                out.append(TermArrays(issues=tuple(issues),
                                      masks=tuple(masks), party=p, flat_mask=flat_mask))
        return tuple(out)

    def _link_arrays(self) -> tuple[LinkArrays, ...]:
        out = []
        for c in self.scenario.constraints:
            masks = []
            for sel in (c.if_, c.then):
                issue = self.scenario.issue(sel.issue)
                mask = np.zeros(issue.size, dtype=bool)
                for option in sel.options:
                    mask[issue.index(option)] = True
                masks.append(mask)
            out.append(LinkArrays(
                c.kind is LinkKind.EXCLUDES,
                self.scenario.issue_index(c.if_.issue), masks[0],
                self.scenario.issue_index(c.then.issue), masks[1],
            ))
        return tuple(out)

    def _red_lines(self) -> BoolArray:
        red = np.zeros((self.layout.n_options, len(self.columns)), dtype=bool)
        for p, column in enumerate(self.columns):
            for issue_id, option_id in self.scenario.preferences[column].red_lines:
                i = self.scenario.issue_index(issue_id)
                k = self.scenario.issue(issue_id).index(option_id)
                red[self.layout.offsets[i] + k, p] = True
        return red

    def build(self, theta: FloatArray | None = None) -> Tables:
        """Tables for parameter draws ``theta`` of shape ``(S, K)`` (default: nominal)."""
        if theta is None:
            theta = self.nominal[None, :]
        theta = np.atleast_2d(np.asarray(theta, dtype=np.float64))
        s_count = theta.shape[0]
        lay = self.layout
        n_parties = len(self._plans)
        util = np.zeros((s_count, lay.n_options, n_parties))
        base = np.zeros((s_count, n_parties))
        reservation = np.zeros((s_count, n_parties))
        low = np.zeros((s_count, n_parties))
        span = np.ones((s_count, n_parties))
        term_values = np.zeros((s_count, len(self.terms)))
        clip = np.zeros(n_parties, dtype=bool)
        padded = np.concatenate([theta, np.zeros((s_count, 1))], axis=1)  # index -1 -> 0
        t0 = 0
        for p, plan in enumerate(self._plans):
            values = padded[:, plan.values]
            for flat, c_idx, b_idx in plan.commitments:
                c = theta[:, c_idx]
                values[:, flat] = c * values[:, flat] + (1 - c) * theta[:, b_idx]
            terms = theta[:, plan.terms] if plan.terms else np.zeros((s_count, 0))
            res = theta[:, plan.reservation]
            if plan.form is Form.WEIGHTS:
                w = np.maximum(padded[:, plan.weights], 0.0)
                w = w / w.sum(axis=1, keepdims=True)
                contrib = w[:, lay.issue_of] * values
                lo = np.zeros(s_count)
                width = np.ones(s_count)
            else:
                contrib = values
                if plan.scale >= 0:
                    lo = np.zeros(s_count)
                    width = theta[:, plan.scale]
                else:
                    mins = np.minimum.reduceat(values, lay.offsets, axis=1).sum(axis=1)
                    maxs = np.maximum.reduceat(values, lay.offsets, axis=1).sum(axis=1)
                    lo = mins + np.minimum(terms, 0).sum(axis=1)
                    width = maxs + np.maximum(terms, 0).sum(axis=1) - lo
                    width = np.where(width > 0, width, 1.0)
            clip[p] = plan.saturate
            util[:, :, p] = contrib / width[:, None]
            base[:, p] = -lo / width
            reservation[:, p] = (res - lo) / width
            low[:, p] = lo
            span[:, p] = width
            n_t = terms.shape[1]
            term_values[:, t0:t0 + n_t] = terms / width[:, None]
            t0 += n_t
        n_p = len(self.scenario.parties)
        if n_p == n_parties:
            return Tables(lay, util, base, term_values, self.terms, reservation, low, span,
                          clip, self.red, self.links)
        mine = [k for k, t in enumerate(self.terms) if t.party < n_p]
        theirs = [k for k, t in enumerate(self.terms) if t.party >= n_p]
        gate_tables = Tables(
            lay, util[:, :, n_p:], base[:, n_p:], term_values[:, theirs],
            tuple(replace(self.terms[k], party=self.terms[k].party - n_p) for k in theirs),
            reservation[:, n_p:], low[:, n_p:], span[:, n_p:], clip[n_p:],
            self.red[:, n_p:], ())
        return Tables(lay, util[:, :, :n_p], base[:, :n_p], term_values[:, mine],
                      tuple(self.terms[k] for k in mine), reservation[:, :n_p], low[:, :n_p],
                      span[:, :n_p], clip[:n_p], self.red[:, :n_p], self.links,
                      self._gating(gate_tables))

    def _gating(self, tables: Tables) -> Gating:
        sc = self.scenario
        trigger = np.zeros((self.layout.n_options, len(sc.constituents)), dtype=bool)
        for c, con in enumerate(sc.constituents):
            for issue_id, option_id in con.consulted_when:
                i = sc.issue_index(issue_id)
                trigger[self.layout.offsets[i] + sc.issue(issue_id).index(option_id), c] = True
        return Gating(tables, trigger,
                      np.array([c.always for c in sc.constituents], dtype=bool),
                      np.array([sc.party_index(c.parent) for c in sc.constituents],
                               dtype=np.int64),
                      sc.constituent_ids)


def compile_scenario(scenario: Scenario) -> Tables:
    """Nominal tables of a scenario."""
    return ParameterSpace(scenario).build()
