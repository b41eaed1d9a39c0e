"""Test-only bridge: NegMAS objects built from Accord's compiled tables.

NegMAS is AGPL-licensed; it is imported here and in ``tests/crosscheck`` only, never from
``src/``. The bridge does not use NegMAS's own GENIUS reader (whose utilities differ, see
``docs/explanation/genius-import.md``): it rebuilds each party's utility from our
normalised tables, so that a comparison exercises NegMAS's *algorithms* on exactly the
utilities Accord computes.

* A party without clipping becomes a :class:`negmas.LinearAdditiveUtilityFunction` with
  one table per issue (the normalised contribution of each option), unit weights and the
  table constant as ``bias``.
* A party whose utility is clipped into ``[0, 1]`` (a GENIUS profile whose weights sum to
  more than 1, read as ``min(1, sum)``) becomes a
  :class:`negmas.preferences.NonLinearAggregationUtilityFunction` applying the same clip.

Outcomes are tuples of option ids, issues in scenario order; NegMAS enumerates them with
the last issue varying fastest, the order of :meth:`accord.analysis.space.Layout.decode`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from accord.analysis.tables import Tables
from accord.model import Scenario

negmas: Any
try:  # pragma: no cover - depends on the environment
    import negmas
    from negmas.outcomes import make_issue, make_os
    from negmas.preferences import LinearAdditiveUtilityFunction
    from negmas.preferences.crisp.nonlinear import NonLinearAggregationUtilityFunction
    from negmas.preferences.value_fun import TableFun

    NEGMAS_ERROR = ""
except Exception as exc:  # pragma: no cover
    negmas = None
    NEGMAS_ERROR = f"negmas is not importable ({type(exc).__name__}: {exc})"


def outcome_space(scenario: Scenario) -> Any:
    """A NegMAS Cartesian outcome space: one categorical issue of option ids per issue."""
    issues = [make_issue([o.id for o in i.options], name=i.id) for i in scenario.issues]
    return make_os(issues, name=scenario.id)


def utility_functions(
    scenario: Scenario, tables: Tables, *, reserved: Sequence[float] | None = None,
    draw: int = 0,
) -> list[Any]:
    """One NegMAS ufun per party reproducing ``tables.utilities`` exactly.

    Args:
        scenario: the scenario the tables were compiled from (for ids).
        tables: compiled tables.
        reserved: the ``reserved_value`` of each ufun (default: the tables' reservation
            utilities); pass ``-inf`` to make every outcome individually rational.
        draw: which parameter draw of the tables to use.
    """
    os_ = outcome_space(scenario)
    offsets = tables.layout.offsets
    util = tables.util[draw]
    out = []
    for p, pid in enumerate(scenario.party_ids):
        tables_p = [
            TableFun({o.id: float(util[offsets[i] + j, p]) for j, o in enumerate(issue.options)})
            for i, issue in enumerate(scenario.issues)
        ]
        bias = float(tables.base[draw, p])
        r = float(tables.reservation[draw, p]) if reserved is None else float(reserved[p])
        if bool(tables.clip[p]):
            def clipped(u: Sequence[float], bias: float = bias) -> float:
                return min(1.0, max(0.0, bias + float(sum(u))))

            ufun = NonLinearAggregationUtilityFunction(
                tables_p, f=clipped, outcome_space=os_, name=pid, reserved_value=r)
        else:
            ufun = LinearAdditiveUtilityFunction(
                tables_p, weights=[1.0] * len(tables_p), bias=bias, outcome_space=os_,
                name=pid, reserved_value=r)
        out.append(ufun)
    return out


def outcomes_of(scenario: Scenario, packages: np.ndarray) -> list[tuple[str, ...]]:
    """NegMAS outcomes (tuples of option ids) of a batch of packages."""
    return [tuple(scenario.issues[i].options[int(k)].id for i, k in enumerate(row))
            for row in np.asarray(packages)]
