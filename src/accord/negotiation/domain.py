"""The referee's side of a session: every party's utilities for one preference draw.

A :class:`Domain` holds the compiled tables of one draw of the scenario's preferences,
the party ids and the ratification rule. Sessions use it to score packages, to record
utilities in traces and to judge acceptance; negotiators never see it. It is
picklable (the scenario object is not needed), so tournaments ship it to workers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from accord.analysis.ratify import ratified
from accord.analysis.tables import ParameterSpace, Tables
from accord.model import RatificationRule, Scenario
from accord.negotiation.bidspace import BidSpace, build_bid_space
from accord.negotiation.utility import FloatArray, OwnUtility, Package, PublicInfo

#: Seed of the bid-space samples (a bid space depends on the domain alone, not the session).
BID_SPACE_SEED = 20250101


@dataclass(frozen=True, eq=False)
class Domain:
    """One preference draw of a scenario, in the form sessions use.

    Attributes:
        scenario: the scenario's id.
        parties: party ids, in scenario order.
        tables: compiled tables with a single draw.
        rule: the ratification rule.
        draw: a label for the preference draw (``"nominal"`` or a sample number).
    """

    scenario: str
    parties: tuple[str, ...]
    tables: Tables
    rule: RatificationRule
    draw: str = "nominal"
    _cache: dict[Package, tuple[float, ...]] = field(default_factory=dict, repr=False)
    _own: dict[int, OwnUtility] = field(default_factory=dict, repr=False)
    _bids: dict[int, BidSpace] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.tables.n_draws != 1:
            raise ValueError("a domain holds exactly one preference draw")
        if len(self.parties) != self.tables.n_parties:
            raise ValueError("one party id per column of the tables")

    def __getstate__(self) -> dict[str, object]:
        return {"scenario": self.scenario, "parties": self.parties, "tables": self.tables,
                "rule": self.rule, "draw": self.draw}

    def __setstate__(self, state: dict[str, object]) -> None:
        for k, v in state.items():
            object.__setattr__(self, k, v)
        for k in ("_cache", "_own", "_bids"):
            object.__setattr__(self, k, {})

    @classmethod
    def from_scenario(cls, scenario: Scenario, theta: FloatArray | None = None,
                      draw: str = "nominal", space: ParameterSpace | None = None) -> Domain:
        """The domain of one parameter vector ``theta`` (default: the nominal values)."""
        space = space or ParameterSpace(scenario)
        tables = space.build(None if theta is None else np.asarray(theta)[None, :])
        return cls(scenario.id, scenario.party_ids, tables, scenario.ratification, draw)

    # ------------------------------------------------------------------ scoring
    @property
    def n_parties(self) -> int:
        """Number of parties."""
        return len(self.parties)

    @property
    def sizes(self) -> tuple[int, ...]:
        """Options per issue."""
        return tuple(int(s) for s in self.tables.layout.sizes)

    @property
    def reservations(self) -> FloatArray:
        """``(P,)`` reservation utilities."""
        return np.asarray(self.tables.reservation[0], dtype=np.float64)

    def utilities(self, package: Package) -> tuple[float, ...]:
        """Every party's utility of ``package`` (memoised)."""
        u = self._cache.get(package)
        if u is None:
            problem = self.tables.problem(0)
            u = tuple(problem.utility_of(package, p) for p in range(self.n_parties))
            self._cache[package] = u
        return u

    def acceptable(self, package: Package) -> tuple[bool, ...]:
        """Per party: reservation reached, no red line crossed, no constituent refusing."""
        return tuple(self.own_utility(p).acceptable(package) for p in range(self.n_parties))

    def constituents_accept(self, party: int, package: Package) -> bool:
        """Whether every constituent ``party`` consults on ``package`` accepts it.

        Asked of the scenario, not of the party's strategy: at ratification a party's
        yes counts only when its constituents (voters, parliament) say yes too.
        """
        gates = self.tables.problem(0).gates
        return gates is None or gates.holds_for(package, party)

    def ratifies(self, accept: tuple[bool, ...] | list[bool]) -> bool:
        """Whether these acceptances ratify a package under the scenario's rule."""
        return bool(ratified(np.asarray([accept], dtype=bool), self.rule, self.parties)[0])

    def index(self, party: str) -> int:
        """Position of ``party``."""
        try:
            return self.parties.index(party)
        except ValueError:
            raise KeyError(f"no party {party!r} (parties: {', '.join(self.parties)})") \
                from None

    # ------------------------------------------------------------ restricted views
    def public(self) -> PublicInfo:
        """The public rules."""
        return PublicInfo(self.scenario, self.parties, self.sizes, self.tables.links,
                          self.rule)

    def own_utility(self, p: int) -> OwnUtility:
        """Party ``p``'s own utility: its column of the tables, copied; nothing shared."""
        own = self._own.get(p)
        if own is None:
            own = OwnUtility(self.parties[p], self.tables.problem(0).column(
                p, own_red_lines=self.tables.red[:, p]))
            self._own[p] = own
        return own

    def bid_space(self, p: int) -> BidSpace:
        """Party ``p``'s bid space (deterministic: seeded by the party's position)."""
        bids = self._bids.get(p)
        if bids is None:
            rng = np.random.default_rng(np.random.SeedSequence([BID_SPACE_SEED, p]))
            bids = build_bid_space(self.own_utility(p), self.public(), rng)
            self._bids[p] = bids
        return bids
