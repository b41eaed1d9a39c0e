"""Modelling smells: choices a careful reader of a scenario would question.

Each :class:`Finding` names a field path into the scenario file (``issues.nato.default``,
``preferences.RU.weights``); the application layer turns paths into line numbers. Errors
are what a scenario must not contain for its results to be defended; warnings are what
an analyst must look at and either fix or explain; infos are counts worth knowing.
Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from accord.analysis.tables import Tables, compile_scenario
from accord.model import Param, Plan, Scenario, Status

Severity = Literal["error", "warning", "info"]

#: A first priority outweighed by this many or more of the smallest other points together
#: is reported (fewer is an ordinary trade-off, not "many small points").
MANY_SMALL = 3

__all__ = ["MANY_SMALL", "Finding", "lint"]


@dataclass(frozen=True)
class Finding:
    """One smell: a code, a severity, the field it concerns and what is wrong."""

    code: str
    severity: Severity
    where: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (without the line, which the file gives)."""
        return {"code": self.code, "severity": self.severity, "field": self.where,
                "message": self.message}


def lint(scenario: Scenario, tables: Tables | None = None) -> list[Finding]:
    """Every smell of ``scenario``, errors first, then warnings, then infos."""
    t = tables or compile_scenario(scenario)
    found = [*_invented(scenario), *_defaults_on_red_lines(scenario),
             *_plans(scenario, t), *_ranges_that_are_points(scenario),
             *_non_compensatory(scenario, t), *_unsourced(scenario)]
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted(found, key=lambda f: order[f.severity])


def _invented(s: Scenario) -> Iterator[Finding]:
    for issue in s.issues:
        for option in issue.options:
            if option.invented and not option.why.strip():
                yield Finding("invented-without-why", "error",
                              f"issues.{issue.id}.options.{option.id}",
                              f"{issue.id}.{option.id} is marked invented but gives no 'why': "
                              "say why the modeller put it on the table")


def _defaults_on_red_lines(s: Scenario) -> Iterator[Finding]:
    for issue in s.issues:
        if issue.default is None:
            continue
        parties = [p for p in s.party_ids if (issue.id, issue.default) in
                   s.preferences[p].red_lines]
        if parties:
            yield Finding("default-on-red-line", "warning", f"issues.{issue.id}.default",
                          f"the default of {issue.id} ({issue.default}) is a red line of "
                          f"{', '.join(parties)}: every plan silent on this point crosses it; "
                          "use a neutral default or leave the point open in those plans")


def _plans(s: Scenario, t: Tables) -> Iterator[Finding]:
    for plan in s.plans:
        if plan.no_deal:
            continue
        yield from _plan_links(s, t, plan)
        yield from _assumed_red_lines(s, plan)


def _plan_links(s: Scenario, t: Tables, plan: Plan) -> Iterator[Finding]:
    package = np.array([s.indices(plan)], dtype=np.int64)
    broken = t.violations(package)[0]
    for c, hit in zip(s.constraints, broken, strict=True):
        if hit:
            reading = " (at its nominal reading of the open points)" if plan.open else ""
            yield Finding("plan-breaks-linkage", "warning", f"plans.{plan.id}",
                          f"plan {plan.id} breaks the linkage {c.id}{reading}: "
                          f"{c.describe()}")


def _assumed_red_lines(s: Scenario, plan: Plan) -> Iterator[Finding]:
    prov = s.provenance(plan)
    choices = s.complete(plan)
    for issue_id, note in prov.items():
        if note.status is not Status.ASSUMED:
            continue
        parties = [p for p in s.party_ids
                   if (issue_id, choices[issue_id]) in s.preferences[p].red_lines]
        if parties:
            yield Finding("assumed-choice-on-red-line", "warning", f"plans.{plan.id}",
                          f"plan {plan.id} crosses the red line {issue_id}.{choices[issue_id]} "
                          f"of {', '.join(parties)} through an assumed choice "
                          f"({note.why}), not a reported one")


def _params(s: Scenario) -> Iterator[tuple[str, str, Param]]:
    """Every preference number: (party, field path, parameter)."""
    for pid, p in s.preferences.items():
        base = f"preferences.{pid}"
        yield pid, f"{base}.reservation", p.reservation
        for issue, w in p.weights.items():
            yield pid, f"{base}.weights.{issue}", w
        for issue, options in p.values.items():
            for option, v in options.items():
                yield pid, f"{base}.values.{issue}.{option}", v
        for k, term in enumerate(p.terms):
            yield pid, f"{base}.interactions[{k}].value", term.value
        for k, c in enumerate(p.commitments):
            yield pid, f"{base}.commitments[{k}].credibility", c.credibility
            yield pid, f"{base}.commitments[{k}].value_if_broken", c.value_if_broken
        if p.scale is not None:
            yield pid, f"{base}.scale", p.scale


def _ranges_that_are_points(s: Scenario) -> Iterator[Finding]:
    for _, where, param in _params(s):
        d = param.dist
        if d is not None and d.low == d.high:
            yield Finding("range-is-point", "warning", where,
                          f"{where} has the range [{d.low}, {d.high}]: a range of one value "
                          "claims certainty; widen it or drop it")


def _non_compensatory(s: Scenario, t: Tables) -> Iterator[Finding]:
    offsets, sizes = t.layout.offsets.tolist(), t.layout.sizes.tolist()
    for k, pid in enumerate(s.party_ids):
        spans = []
        for off, size in zip(offsets, sizes, strict=True):
            col = t.util[0, off:off + size, k]
            spans.append(float(col.max() - col.min()))
        total = sum(spans)
        if total <= 0:
            continue
        top = int(np.argmax(spans))
        others = sorted(v for i, v in enumerate(spans) if i != top and v > 0)
        acc, count = 0.0, 0
        for v in others:
            acc += v
            count += 1
            if acc > spans[top]:
                break
        if acc > spans[top] and count >= MANY_SMALL:
            issue = s.issues[top].id
            field = "weights" if s.preferences[pid].weights else "values"
            yield Finding(
                "non-compensatory", "warning", f"preferences.{pid}.{field}",
                f"{pid}'s first priority {issue} ({spans[top] / total:.0%} of its utility "
                f"range) is outweighed by its {count} smallest other points together "
                f"({acc / total:.0%}): small sweeteners can buy it; if {issue} is "
                "non-negotiable, make its unacceptable options red lines")


def _unsourced(s: Scenario) -> Iterator[Finding]:
    if not s.sources:
        yield Finding("no-sources", "info", "sources",
                      "the file cites no sources: no number can be traced to a fact")
        return
    blocks: dict[str, list[tuple[str, Param]]] = {}
    for _, where, param in _params(s):
        if not param.sources:
            block = where.rsplit(".", 1)[0] if ".values." in where or ".weights." in where \
                else where
            blocks.setdefault(block, []).append((where.rsplit(".", 1)[-1], param))
    for block, params in blocks.items():
        bare = [name for name, p in params if not p.rationale]
        if bare:
            yield Finding("unsourced-number", "warning", block,
                          f"{len(bare)} number(s) at {block} have neither a source tag nor a "
                          f"reason: {', '.join(bare[:8])}{'…' if len(bare) > 8 else ''}")
        else:
            yield Finding("unsourced-number", "info", block,
                          f"{len(params)} number(s) at {block} give a reason but no source tag")
