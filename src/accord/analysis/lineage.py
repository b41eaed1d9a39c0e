"""The drafts' lineage: which draft revises which, as a tree ordered by date.

A plan may name the earlier draft it revises (:attr:`accord.model.Plan.revises`). The
drafts then form a forest: each root is a text that revises no other (or whose parent is
not among the drafts given), each revision hangs under the text it revised. Roots and
siblings are ordered by date, then by their order in the file; a draft without a date
sorts after the dated ones. The functions here are pure: they read plans, nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence

from accord.model import Plan

__all__ = ["draft_tree", "has_lineage", "revision_steps"]


def has_lineage(plans: Sequence[Plan]) -> bool:
    """Whether some draft among ``plans`` names another among them as the text it revises."""
    ids = {p.id for p in plans}
    return any(p.revises in ids for p in plans if p.revises)


def draft_tree(plans: Sequence[Plan]) -> list[tuple[int, Plan]]:
    """``(depth, plan)`` in tree order: each root by date, each revision under its parent.

    "No deal" is left out. A draft whose ``revises`` names a plan not in ``plans`` is a root.
    """
    drafts = [p for p in plans if not p.no_deal]
    ids = {p.id for p in drafts}
    order = {p.id: k for k, p in enumerate(drafts)}

    def key(p: Plan) -> tuple[bool, str, int]:
        return (not p.date, p.date, order[p.id])

    children: dict[str, list[Plan]] = {}
    roots = []
    for p in drafts:
        if p.revises in ids and p.revises != p.id:
            children.setdefault(p.revises, []).append(p)
        else:
            roots.append(p)
    out: list[tuple[int, Plan]] = []
    seen: set[str] = set()

    def walk(p: Plan, depth: int) -> None:
        if p.id in seen:  # a cycle cannot load from a file; guard plans built in code
            return
        seen.add(p.id)
        out.append((depth, p))
        for c in sorted(children.get(p.id, []), key=key):
            walk(c, depth + 1)

    for r in sorted(roots, key=key):
        walk(r, 0)
    for p in drafts:  # members of a cycle built in code: shown flat, never lost
        if p.id not in seen:
            walk(p, 0)
    return out


def revision_steps(plans: Sequence[Plan]) -> list[tuple[Plan, Plan]]:
    """The comparisons that show how ``plans`` (in the order given) evolved.

    Each plan after the first is compared with the text it revises when that text comes
    earlier in ``plans``, else with the plan just before it.
    """
    steps = []
    for k, p in enumerate(plans[1:], start=1):
        earlier = {q.id: q for q in plans[:k]}
        steps.append((earlier.get(p.revises, plans[k - 1]), p))
    return steps
