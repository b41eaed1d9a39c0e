"""Hypothesis generators of random small scenarios (score sheets and weights, with red lines,
interactions, commitments, linkages and every ratification rule)."""

from __future__ import annotations

from hypothesis import strategies as st

from accord.model import (
    Commitment,
    Constraint,
    Form,
    Issue,
    LinkKind,
    Option,
    Party,
    Plan,
    Preferences,
    RatificationRule,
    RuleKind,
    Scenario,
    Selector,
    Term,
    fixed,
)


@st.composite
def scenarios(draw: st.DrawFn, max_issues: int = 4, max_options: int = 4,
              max_parties: int = 4, forms: tuple[Form, ...] = (Form.WEIGHTS, Form.SCORES),
              red_lines: bool = True, links: bool = True, terms: bool = True) -> Scenario:
    n_parties = draw(st.integers(2, max_parties))
    sizes = draw(st.lists(st.integers(2, max_options), min_size=1, max_size=max_issues))
    issues = tuple(
        Issue(f"i{k}", f"Issue {k}", tuple(Option(f"o{j}") for j in range(size)))
        for k, size in enumerate(sizes)
    )
    parties = tuple(Party(f"p{k}") for k in range(n_parties))
    prefs = {}
    for party in parties:
        form = draw(st.sampled_from(forms))
        if form is Form.WEIGHTS:
            weights = {i.id: fixed(draw(st.integers(1, 10))) for i in issues}
            values = {i.id: {o.id: fixed(draw(st.integers(0, 10)) / 10) for o in i.options}
                      for i in issues}
            res = fixed(draw(st.integers(0, 10)) / 10)
            scale_val = 0.2
        else:
            weights = {}
            values = {i.id: {o.id: fixed(draw(st.integers(0, 50))) for o in i.options}
                      for i in issues}
            res = fixed(draw(st.integers(0, 100)))
            scale_val = 20.0
        reds: frozenset[tuple[str, str]] = frozenset()
        if red_lines and draw(st.booleans()):
            issue = draw(st.sampled_from(issues))
            reds = frozenset({(issue.id, draw(st.sampled_from(issue.options)).id)})
        party_terms: tuple[Term, ...] = ()
        if terms and len(issues) >= 2 and draw(st.booleans()):
            a, b = draw(st.permutations(issues))[:2]
            sign = draw(st.sampled_from([-1, 1]))
            party_terms = (Term((Selector(a.id, frozenset({a.options[0].id})),
                                 Selector(b.id, frozenset({b.options[-1].id}))),
                                fixed(sign * scale_val * draw(st.integers(1, 5)) / 5)),)
        commitments: tuple[Commitment, ...] = ()
        if draw(st.booleans()):
            issue = draw(st.sampled_from(issues))
            promisor = draw(st.sampled_from([p for p in parties if p.id != party.id]))
            commitments = (Commitment(issue.id, issue.options[0].id, promisor.id,
                                      fixed(draw(st.integers(0, 10)) / 10),
                                      fixed(0.0)),)
        prefs[party.id] = Preferences(party.id, form, values, weights, res, reds, party_terms,
                                      commitments)
    constraints: tuple[Constraint, ...] = ()
    if links and len(issues) >= 2 and draw(st.booleans()):
        a, b = draw(st.permutations(issues))[:2]
        kind = draw(st.sampled_from(list(LinkKind)))
        constraints = (Constraint("c0", kind, Selector(a.id, frozenset({a.options[0].id})),
                                  Selector(b.id, frozenset({b.options[0].id}))),)
    rule_kind = draw(st.sampled_from(list(RuleKind)))
    ids = [p.id for p in parties]
    if rule_kind is RuleKind.UNANIMITY:
        rule = RatificationRule()
    elif rule_kind is RuleKind.K_OF_N:
        rule = RatificationRule(RuleKind.K_OF_N, k=draw(st.integers(1, n_parties)),
                                veto=frozenset(draw(st.lists(st.sampled_from(ids), max_size=1))))
    else:
        rule = RatificationRule(RuleKind.WEIGHTED_MAJORITY,
                                weights=tuple((p, float(draw(st.integers(1, 3)))) for p in ids),
                                threshold=draw(st.sampled_from([0.5, 0.6, 0.75])))
    plan = Plan("draft", {i.id: draw(st.sampled_from(i.options)).id for i in issues})
    return Scenario("random", "Random", parties, issues, prefs, constraints, rule, (plan,))


def packages(s: Scenario) -> st.SearchStrategy[tuple[int, ...]]:
    return st.tuples(*[st.integers(0, i.size - 1) for i in s.issues])
