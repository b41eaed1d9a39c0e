"""Every numeric tolerance of Accord, in one place.

Utilities are float64 in ``[0, 1]``. Three scales matter:

* :data:`EPS` (``1e-9``): the modelling tolerance. A party accepts a package whose
  utility is at least its reservation minus ``EPS``; one package dominates another when it
  is at least as good for everyone (within ``EPS``) and better by more than ``EPS`` for
  someone; a gain of at most ``EPS`` is no gain.
* :data:`RESOLUTION` (``2**-40``, about ``9e-13``): the numeric resolution of the exact
  engine. Utilities closer than this are the same number computed in a different order
  (sums of the same terms); Pareto filtering and rankings quantise to it.
* :data:`ACTIVE` (``1e-12``): a party whose best possible gain is at most this is not
  *active* in a bargaining problem (it cannot gain at all), so it is left out of a Nash
  product or a Kalai–Smorodinsky ratio instead of making every package worth zero.
  Threshold comparisons of shares and utilities (``x >= t - ACTIVE``) use it too, as
  slack for rounding in sums.
"""

from __future__ import annotations

#: Modelling tolerance: acceptance, dominance, "gains something".
EPS = 1e-9
#: Numeric resolution of the exact engine (a power of two).
RESOLUTION = 2.0**-40
#: Below this a gain is zero for bargaining concepts; slack for threshold comparisons.
ACTIVE = 1e-12

__all__ = ["ACTIVE", "EPS", "RESOLUTION"]
