"""A frequency opponent model, and a time-dependent strategy that bids with it.

The frequency model of HardHeaded (van Krimpen, Looije and Hajizadeh, "HardHeaded",
in *Complex Automated Negotiations*, Springer 2013) as analysed by Baarslag, Hendrikx,
Hindriks and Jonker, "Learning about the opponent in automated bilateral negotiation",
Autonomous Agents and Multi-Agent Systems 30(5), 2016: an option an opponent offers
often is worth much to it; an issue it never changes weighs much.

Steps of :meth:`FrequencyModel.observe` (one opponent offer):
    1. Count the offered option of every issue.
    2. For every issue on which the offer repeats the opponent's previous offer, add
       ``epsilon`` to that issue's weight; renormalise the weights to sum to one.
    3. An option's estimated value is ``(1 + count) / (1 + the issue's largest count)``.

Steps of :meth:`FrequencyTimeDependent.propose`:
    1. The time-dependent target of :class:`~accord.negotiation.strategies.timedep.TimeDependent`.
    2. Candidates: own packages with utility in ``[target, target + band]`` (at most
       ``max_candidates``, those closest to the target).
    3. Offer the candidate whose least-satisfied opponent (by the model) is best off;
       in a bilateral session, the one the opponent likes best (Baarslag's BOA "offering
       with an opponent model").
"""

from __future__ import annotations

from typing import Any

import numpy as np

from accord.negotiation.strategies.acceptance import Acceptance
from accord.negotiation.strategies.timedep import TimeDependent
from accord.negotiation.views import FloatArray, IntArray, Package


class FrequencyModel:
    """Estimated additive utilities of the other parties, learnt from their offers.

    Args:
        sizes: options per issue.
        epsilon: weight added to an issue each time an opponent leaves it unchanged.
    """

    def __init__(self, sizes: tuple[int, ...], epsilon: float = 0.1) -> None:
        self.sizes = sizes
        self.epsilon = float(epsilon)
        self.offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        self._counts: dict[str, FloatArray] = {}
        self._weights: dict[str, FloatArray] = {}
        self._last: dict[str, Package] = {}

    @property
    def opponents(self) -> list[str]:
        """The parties observed so far, in the order first seen."""
        return list(self._counts)

    def observe(self, party: str, package: Package) -> None:
        """Learn from one offer of ``party``."""
        n = len(self.sizes)
        counts = self._counts.setdefault(party, np.zeros(int(sum(self.sizes))))
        weights = self._weights.setdefault(party, np.full(n, 1.0 / n))
        counts[self.offsets + np.asarray(package, dtype=np.int64)] += 1.0
        last = self._last.get(party)
        if last is not None:
            same = np.asarray([a == b for a, b in zip(last, package, strict=True)])
            if same.any():
                weights[same] += self.epsilon
                weights /= weights.sum()
        self._last[party] = package

    def option_values(self, party: str) -> FloatArray:
        """``(n_options,)`` estimated value of every option to ``party``, in ``(0, 1]``."""
        counts = self._counts[party]
        out = np.empty_like(counts)
        for i, size in enumerate(self.sizes):
            lo = int(self.offsets[i])
            block = counts[lo:lo + size]
            out[lo:lo + size] = (1.0 + block) / (1.0 + block.max())
        return out

    def estimate(self, party: str, packages: IntArray) -> FloatArray:
        """Estimated utilities ``(m,)`` of a batch of packages to ``party``."""
        flat = self.option_values(party) * np.repeat(self._weights[party], self.sizes)
        return np.asarray(flat[np.asarray(packages) + self.offsets].sum(axis=1))


class FrequencyTimeDependent(TimeDependent):
    """A time-dependent strategy that picks, near its target, what its opponents like.

    Args:
        e: concession exponent (as :class:`TimeDependent`; default Boulware's 0.2).
        k: initial concession constant.
        accept: acceptance condition.
        band: width of the utility band above the target searched for candidates.
        max_candidates: at most this many candidates are scored per offer.
    """

    name = "boulware-om"

    def __init__(self, e: float = 0.2, k: float = 0.0, accept: Acceptance | str = "next",
                 band: float = 0.05, max_candidates: int = 500) -> None:
        super().__init__(e, k, accept)
        self.band = float(band)
        self.max_candidates = int(max_candidates)
        self._model: FrequencyModel | None = None
        self._seen = 0

    @property
    def params(self) -> dict[str, Any]:
        """See :class:`Strategy`."""
        return {**super().params, "band": self.band, "max_candidates": self.max_candidates}

    def on_start(self) -> None:
        """Start with an empty model."""
        super().on_start()
        self._model = FrequencyModel(self.view.public.sizes)
        self._seen = 0

    def _learn(self) -> FrequencyModel:
        assert self._model is not None
        offers = self.view.offers
        for event in offers[self._seen:]:
            assert event.package is not None
            self._model.observe(event.party, event.package)
        self._seen = len(offers)
        return self._model

    def propose(self) -> Package:
        """The candidate near the target that the least-satisfied opponent likes best."""
        model = self._learn()
        bids = self.view.bids
        target = self.target()
        start, stop = bids.between(target, target + self.band)
        if not model.opponents or stop - start <= 1:
            return bids.worst_at_least(target)
        stop = min(stop, start + self.max_candidates)
        rows = bids.packages[start:stop]
        scores = np.min(np.stack([model.estimate(p, rows) for p in model.opponents]), axis=0)
        return bids.package(start + int(np.argmax(scores)))
