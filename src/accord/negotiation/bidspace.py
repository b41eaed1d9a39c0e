"""One party's packages sorted by its own utility: how a strategy turns a target into a bid.

GENIUS keeps a ``SortedOutcomeSpace`` and NegMAS a ``PresortingInverseUtilityFunction``
for the same purpose: given a target utility, find the package closest to it. Small
spaces are enumerated; large ones (the 27-point Ukraine scenario has about 5e12
packages) are represented by a sample that covers the party's utility range from its
best package down, built from the party's own utility only.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

import numpy as np

from accord.analysis.space import layout_of_sizes
from accord.model import ACTIVE
from accord.negotiation.utility import FloatArray, IntArray, OwnUtility, Package, PublicInfo

#: Spaces up to this many packages are enumerated exactly.
EXHAUSTIVE_LIMIT = 200_000
#: Packages kept in a sampled bid space (before removing duplicates).
SAMPLES = 20_000


@dataclass(frozen=True, eq=False)
class BidSpace:
    """Admissible packages of one party in increasing order of its utility.

    Admissible here means: breaks no public linkage and crosses none of *this* party's
    red lines (other parties' red lines are private).

    Attributes:
        packages: ``(m, n_issues)`` option positions, by increasing utility.
        utilities: ``(m,)`` the party's utilities, increasing.
        exhaustive: every admissible package is present (else a covering sample).
    """

    packages: IntArray
    utilities: FloatArray
    exhaustive: bool
    _tuples: dict[int, Package] = field(default_factory=dict, repr=False)
    _sorted: list[float] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        if self.packages.shape[0] == 0:
            raise ValueError("a bid space needs at least one admissible package")
        self.packages.setflags(write=False)
        self.utilities.setflags(write=False)
        self._sorted[:] = self.utilities.tolist()

    def __len__(self) -> int:
        return len(self._sorted)

    def utility(self, k: int) -> float:
        """The utility of the ``k``-th package."""
        return self._sorted[k]

    @property
    def best_utility(self) -> float:
        """The highest utility in the space."""
        return float(self.utilities[-1])

    @property
    def worst_utility(self) -> float:
        """The lowest utility in the space."""
        return float(self.utilities[0])

    def package(self, k: int) -> Package:
        """The ``k``-th package (0: worst, ``len - 1``: best) as a tuple."""
        p = self._tuples.get(k)
        if p is None:
            p = tuple(int(x) for x in self.packages[k])
            self._tuples[k] = p
        return p

    def best(self) -> Package:
        """The party's best package."""
        return self.package(len(self) - 1)

    def index_at_least(self, target: float) -> int:
        """Index of the lowest-utility package whose utility is at least ``target``.

        When no package reaches ``target``, the best package's index.
        """
        k = bisect_left(self._sorted, target - ACTIVE)
        return min(k, len(self._sorted) - 1)

    def worst_at_least(self, target: float) -> Package:
        """The package just above ``target`` (NegMAS's ``worst_in``; GENIUS's closest bid)."""
        return self.package(self.index_at_least(target))

    def between(self, low: float, high: float) -> tuple[int, int]:
        """Index range ``[start, stop)`` of the packages with utility in ``[low, high]``."""
        start = bisect_left(self._sorted, low - ACTIVE)
        stop = bisect_right(self._sorted, high + ACTIVE)
        return start, max(start, stop)


def _sorted(utility: OwnUtility, packages: IntArray, exhaustive: bool) -> BidSpace:
    u = utility.batch(packages)
    order = np.lexsort((np.arange(u.shape[0]), u))
    return BidSpace(np.ascontiguousarray(packages[order]), np.ascontiguousarray(u[order]),
                    exhaustive)


def build_bid_space(utility: OwnUtility, public: PublicInfo, rng: np.random.Generator, *,
                    limit: int = EXHAUSTIVE_LIMIT, samples: int = SAMPLES) -> BidSpace:
    """The bid space of one party, from its own utility and the public rules only.

    Steps:
        1. Up to ``limit`` packages: enumerate them all (mixed radix), drop those that
           break a linkage or cross the party's red lines, and those its own domestic
           constituents would veto (unless that leaves none), sort by utility.
        2. Otherwise build a covering sample with ``rng``: (a) the greedy best package
           (each issue at its best allowed option) and its one-option neighbours;
           (b) random walks that start there and change one random issue per step, so the
           sample runs from the top of the party's range down to the middle; (c) uniform
           random packages for the bottom and middle of the range.
        3. Drop packages that break a linkage (and, unless that leaves none, those the
           party's constituents would veto), remove duplicates, sort by utility.

    Args:
        utility: the party's own utility.
        public: the public rules.
        rng: the source of randomness for sampled spaces.
        limit: largest space enumerated exhaustively.
        samples: approximate size of a sampled space.

    Returns:
        The bid space (raises ``ValueError`` when no admissible package was found).
    """
    layout = layout_of_sizes(public.sizes)
    size = layout.size
    if size <= limit:
        packages = layout.decode(np.arange(size, dtype=np.int64))
        ok = public.valid_mask(packages) & ~utility.red_mask(packages)
        return _sorted(utility, _unvetoed(utility, packages[ok]), True)
    n = layout.n_issues
    allowed = [utility.allowed_options(i) for i in range(n)]
    if any(a.shape[0] == 0 for a in allowed):
        raise ValueError(f"party {utility.party} has red lines on every option of a point")
    offsets = layout.offsets
    greedy = np.asarray([a[int(np.argmax(utility.values[offsets[i] + a]))]
                         for i, a in enumerate(allowed)], dtype=np.int64)
    neighbours = [greedy[None, :]]
    for i, a in enumerate(allowed):
        rows = np.repeat(greedy[None, :], a.shape[0], axis=0)
        rows[:, i] = a
        neighbours.append(rows)
    steps = 2 * n
    walks = max(1, samples // (2 * steps))
    current = np.repeat(greedy[None, :], walks, axis=0)
    trail = []
    for _ in range(steps):
        issue = rng.integers(0, n, walks)
        for i in np.unique(issue):
            rows = np.flatnonzero(issue == i)
            current[rows, i] = allowed[i][rng.integers(0, allowed[i].shape[0], rows.shape[0])]
        trail.append(current.copy())
    uniform = np.empty((samples // 2, n), dtype=np.int64)
    for i, a in enumerate(allowed):
        uniform[:, i] = a[rng.integers(0, a.shape[0], uniform.shape[0])]
    pool = np.concatenate([*neighbours, *trail, uniform])
    pool = pool[public.valid_mask(pool)]
    if pool.shape[0] == 0:
        raise ValueError(f"no admissible package found for party {utility.party}")
    pool = np.unique(_unvetoed(utility, pool), axis=0)
    return _sorted(utility, pool, False)


def _unvetoed(utility: OwnUtility, packages: IntArray) -> IntArray:
    """The packages the party's own constituents accept, or all when they accept none."""
    keep = ~utility.vetoed_mask(packages)
    return packages[keep] if keep.any() else packages
