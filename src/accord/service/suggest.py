"""Suggestions from the private preferences: the answers of ``accord solve`` and ``accord improve``.

* **Nash**: :func:`accord.app.api.solve` with ``"nash"``: the admissible package maximising
  the product of the parties' gains over their reservations, among packages every party
  accepts (Nash, "The bargaining problem", *Econometrica* 18, 1950).
* **Improvement**: :func:`accord.app.api.improve`: Raiffa's post-settlement settlement of a
  baseline (*The Art and Science of Negotiation*, 1982): the best package, by the Nash
  product of the gains, that every party weakly prefers to the baseline and someone
  strictly; none when the baseline is Pareto-optimal.

The room's *effective* scenario (every party's submitted preferences) is the input, so the
service gives the answer the CLI gives for the same scenario file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from accord.app import api
from accord.model import NoAgreementError, Plan, Scenario


@dataclass(frozen=True)
class Outcome:
    """A computed package (or none) with every party's utility (private)."""

    package: tuple[int, ...] | None
    utilities: tuple[float, ...] | None
    exact: bool
    method: str
    note: str


def nash(scenario: Scenario) -> Outcome:
    """The Nash bargaining package over the reservations."""
    try:
        result = api.solve(scenario, "nash")
    except NoAgreementError:
        return Outcome(None, None, True, "nash",
                       "no admissible package gives every party at least its reservation")
    sol = result.raw
    note = "" if sol.objective > 0 else (
        "some party cannot gain in any acceptable package: the welfare-maximising one "
        "is shown")
    return Outcome(result.package, tuple(float(x) for x in sol.utilities), sol.proven,
                   sol.method, note)


def improve(scenario: Scenario, baseline: Mapping[str, str]) -> Outcome:
    """The best post-settlement improvement of the complete package ``baseline``."""
    result = api.improve(scenario, Plan("baseline", dict(baseline)), limit=1)
    raw = result.raw
    if not raw.improvements:
        return Outcome(None, None, raw.proven, raw.method,
                       "no admissible package is better for some party and worse for none")
    best = raw.improvements[0]
    return Outcome(tuple(int(x) for x in best.package),
                   tuple(float(x) for x in best.utilities), raw.proven, raw.method, "")
