"""The drafts' lineage: tree order by date, and each draft compared with its parent."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from accord.analysis.lineage import draft_tree, has_lineage, revision_steps
from accord.model import Plan


def _plan(pid: str, date: str = "", revises: str = "", no_deal: bool = False) -> Plan:
    return Plan(pid, {}, date=date, revises=revises, no_deal=no_deal)


def test_tree_orders_roots_and_siblings_by_date_then_file_order() -> None:
    plans = [
        _plan("late-root", "2025-12-01"),
        _plan("draft", "2025-11-20"),
        _plan("geneva", "2025-11-24", "draft"),
        _plan("e3", "2025-11-23", "draft"),
        _plan("december", "2025-12-23", "geneva"),
        _plan("undated"),
        _plan("none", no_deal=True),
        _plan("orphan", "2025-10", "ghost"),  # parent not among the plans: a root
    ]
    tree = [(d, p.id) for d, p in draft_tree(plans)]
    assert tree == [(0, "orphan"), (0, "draft"), (1, "e3"), (1, "geneva"), (2, "december"),
                    (0, "late-root"), (0, "undated")]
    assert has_lineage(plans) and not has_lineage([_plan("a"), _plan("b", revises="x")])


def test_steps_compare_with_the_parent_or_else_the_previous_draft() -> None:
    a, b, c, d = (_plan("a"), _plan("b", revises="a"), _plan("c", revises="a"),
                  _plan("d", revises="zzz"))
    steps = [(x.id, y.id) for x, y in revision_steps([a, b, c, d])]
    assert steps == [("a", "b"), ("a", "c"), ("c", "d")]
    # a parent shown later is not used: only earlier drafts can be compared against
    assert [(x.id, y.id) for x, y in revision_steps([b, a])] == [("b", "a")]


@given(st.lists(st.tuples(st.integers(0, 5), st.sampled_from(["", "2025-11-01", "2025-12-01"])),
                min_size=1, max_size=7), st.randoms())
def test_tree_is_a_permutation_with_parents_first(spec: list[tuple[int, str]],
                                                  rnd: random.Random) -> None:
    # random forests: plan k may revise an earlier plan (index below k), so no cycles
    plans = []
    for k, (up, date) in enumerate(spec):
        parent = f"p{rnd.randrange(k)}" if k and up % 2 else ""
        plans.append(_plan(f"p{k}", date, parent))
    rnd.shuffle(plans)
    tree = draft_tree(plans)
    ids = [p.id for _, p in tree]
    assert sorted(ids) == sorted(p.id for p in plans)
    pos = {pid: k for k, pid in enumerate(ids)}
    depth = {p.id: d for d, p in tree}
    by_id = {p.id: p for p in plans}
    for pid in ids:
        parent = by_id[pid].revises
        if parent:
            assert pos[parent] < pos[pid] and depth[pid] == depth[parent] + 1
            # everything between a parent and its child lies in the parent's subtree
            between = ids[pos[parent] + 1:pos[pid]]
            assert all(depth[x] > depth[parent] for x in between)
        else:
            assert depth[pid] == 0
    # the steps over the tree order are exactly the revises edges (plus roots chained on)
    steps = revision_steps([p for _, p in tree])
    assert {(a.id, b.id) for a, b in steps if b.revises} == {
        (p.revises, p.id) for p in plans if p.revises}
