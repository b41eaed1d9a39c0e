"""Named plans in the scenario file: choices, open points, provenance, carry-over rules.

A plan's ``choices`` map each point to an option id (a *reported* choice, resting on the
plan's sources) or to a long form: ``{option: X, assumed: "reason"}``,
``{option: X, sources: [S3]}``, ``{open: true}`` or ``{open: [a, b], why: "bracketed"}``.
One carry-over rule may settle the points a plan does not list:

- ``inherits: P``: each unlisted point takes plan ``P``'s reading (its choice, or its open
  set), marked *assumed* ("carried over from P"); points ``P`` does not mention stay
  unmentioned (the point's default, assumed);
- ``silent: open``: every unlisted point is open (all its options on the table);
- ``silent: default``: every unlisted point takes its default, marked assumed;
- ``silent: X``: every unlisted point that has an option ``X`` takes it, marked assumed
  ("the draft is silent: read as X"); points without ``X`` take their default.

A plan may name the draft it revises (``revises: P``): the drafts' lineage, a tree that
the report and the compare page draw by date. It says where a text came from, not how its
unlisted points are read (that is the carry-over rule's job); an unknown draft, "no deal" or
a cycle is refused.

The rules are resolved on reading: the domain :class:`~accord.model.Plan` holds the
choices, the open points and a :class:`~accord.model.ChoiceNote` per noted point, and
writing a scenario back spells every choice out in the long form.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from accord.formats import file_model as fm
from accord.model import ChoiceNote, Plan, ScenarioError, Status

__all__ = ["plan_to_dict", "plans_from_file"]

_KEYWORDS = ("open", "default")


def plans_from_file(doc: fm.ScenarioFile) -> tuple[Plan, ...]:
    """The named plans of a validated file, carry-over rules resolved.

    Raises:
        ScenarioError: an unknown plan to inherit from, a cycle of ``inherits``, a
            ``silent`` option no point has, an open point that is not a point.
    """
    raw = {p.id: (k, p) for k, p in enumerate(doc.plans)}
    issues = {i.id: i for i in doc.issues}
    done: dict[str, Plan] = {}

    def build(pid: str, stack: tuple[str, ...]) -> Plan:
        if pid in done:
            return done[pid]
        k, p = raw[pid]
        if pid in stack:
            cycle = " -> ".join((*stack[stack.index(pid):], pid))
            raise ScenarioError(f"plans inherit from each other in a cycle: {cycle}",
                                f"plans[{k}].inherits")
        choices: dict[str, str] = {}
        open_: dict[str, frozenset[str]] = {}
        notes: dict[str, ChoiceNote] = {}
        for issue_id, c in p.choices.items():
            if isinstance(c, str):
                choices[issue_id] = c
                continue
            sources = tuple(c.sources) if "sources" in c.model_fields_set else tuple(p.sources)
            if c.option is not None:
                choices[issue_id] = c.option
                notes[issue_id] = (ChoiceNote(Status.ASSUMED, c.assumed, sources)
                                   if c.assumed is not None
                                   else ChoiceNote(Status.REPORTED, c.why, sources))
                continue
            if issue_id not in issues:
                raise ScenarioError(f"no point {issue_id!r}", f"plans[{k}].choices.{issue_id}")
            every = [o.id for o in issues[issue_id].options]
            open_[issue_id] = frozenset(every if c.open is True else list(c.open or ()))
            notes[issue_id] = ChoiceNote(Status.OPEN, c.why, sources)
        rest = [i for i in doc.issues if i.id not in choices and i.id not in open_]
        if p.inherits is not None:
            if p.inherits not in raw:
                raise ScenarioError(f"no plan {p.inherits!r} to inherit from (plans: "
                                    f"{', '.join(raw)})", f"plans[{k}].inherits")
            parent = build(p.inherits, (*stack, pid))
            if parent.no_deal:
                raise ScenarioError(f"cannot inherit from {parent.id!r}: it is 'no deal'",
                                    f"plans[{k}].inherits")
            why = f"carried over from {parent.id}"
            for i in rest:
                if i.id in parent.choices:
                    choices[i.id] = parent.choices[i.id]
                    notes[i.id] = ChoiceNote(Status.ASSUMED, why, parent.sources)
                elif i.id in parent.open:
                    open_[i.id] = parent.open[i.id]
                    notes[i.id] = ChoiceNote(Status.OPEN, f"{why} (open there)",
                                             parent.sources)
        elif p.silent is not None:
            _silent(p, k, rest, choices, open_, notes)
        date = p.date.isoformat() if isinstance(p.date, dt.date) else p.date
        try:
            plan = Plan(p.id, choices, p.title, p.description, date, tuple(p.sources),
                        p.no_deal, open_, notes, p.revises or "")
        except ValueError as exc:
            raise ScenarioError(str(exc), f"plans[{k}]") from None
        done[pid] = plan
        return plan

    plans = tuple(build(p.id, ()) for p in doc.plans)
    _check_lineage(doc, raw)
    return plans


def _check_lineage(doc: fm.ScenarioFile, raw: dict[str, tuple[int, fm.PlanIn]]) -> None:
    """Each ``revises`` names another draft (not "no deal") and the lineage has no cycle."""
    for k, p in enumerate(doc.plans):
        if p.revises is None:
            continue
        where = f"plans[{k}].revises"
        if p.revises not in raw:
            raise ScenarioError(f"no plan {p.revises!r} to revise (plans: {', '.join(raw)})",
                                where)
        if raw[p.revises][1].no_deal:
            raise ScenarioError(f"cannot revise {p.revises!r}: it is 'no deal'", where)
        seen = [p.id]
        step: str | None = p.revises
        while step is not None and step in raw:
            if step in seen:
                cycle = " -> ".join((*seen[seen.index(step):], step))
                raise ScenarioError(f"drafts revise each other in a cycle: {cycle}", where)
            seen.append(step)
            step = raw[step][1].revises


def _silent(p: fm.PlanIn, k: int, rest: list[fm.IssueIn], choices: dict[str, str],
            open_: dict[str, frozenset[str]], notes: dict[str, ChoiceNote]) -> None:
    rule = str(p.silent)
    if rule not in _KEYWORDS and rest and not any(
            o.id == rule for i in rest for o in i.options):
        raise ScenarioError(f"no point left unlisted has an option {rule!r} (give "
                            "'open', 'default' or an option id)", f"plans[{k}].silent")
    for i in rest:
        if rule == "open":
            open_[i.id] = frozenset(o.id for o in i.options)
            notes[i.id] = ChoiceNote(Status.OPEN, "not mentioned: read as open (silent: open)")
        elif rule == "default" and i.default is not None:
            choices[i.id] = i.default
            notes[i.id] = ChoiceNote(
                Status.ASSUMED, f"not mentioned: read as the default {i.default} "
                                "(silent: default)")
        elif any(o.id == rule for o in i.options):
            choices[i.id] = rule
            notes[i.id] = ChoiceNote(
                Status.ASSUMED, f"not mentioned: the draft is silent, read as {rule} "
                                f"(silent: {rule})")


def plan_to_dict(plan: Plan, options_of: dict[str, list[str]]) -> dict[str, Any]:
    """The file form of a plan, every noted choice in the long form."""
    out: dict[str, Any] = {"id": plan.id}
    for key in ("title", "description", "date"):
        if getattr(plan, key):
            out[key] = getattr(plan, key)
    if plan.sources:
        out["sources"] = list(plan.sources)
    if plan.no_deal:
        out["no_deal"] = True
    if plan.revises:
        out["revises"] = plan.revises
    choices: dict[str, Any] = {}
    for issue, option in plan.choices.items():
        note = plan.notes.get(issue)
        if note is None:
            choices[issue] = option
            continue
        entry: dict[str, Any] = {"option": option}
        if note.status is Status.ASSUMED:
            entry["assumed"] = note.why
        elif note.why:
            entry["why"] = note.why
        entry["sources"] = list(note.sources)
        choices[issue] = entry
    for issue, options in plan.open.items():
        note = plan.notes.get(issue)
        every = options == frozenset(options_of.get(issue, ()))
        entry = {"open": True if every else
                 [o for o in options_of.get(issue, sorted(options)) if o in options]}
        if note is not None:
            if note.why:
                entry["why"] = note.why
            entry["sources"] = list(note.sources)
        choices[issue] = entry
    out["choices"] = choices
    return out
