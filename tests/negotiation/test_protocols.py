"""Each protocol's rules on hand-checked cases, with scripted parties."""

from __future__ import annotations

import pytest

from accord.model import RatificationRule, RuleKind
from accord.negotiation.domain import Domain
from accord.negotiation.errors import InvalidOfferError
from accord.negotiation.protocols import (
    AlternatingOffers,
    Backchannel,
    ProposalVote,
    SingleNegotiatingText,
    StackedAlternatingOffers,
    Status,
    make_protocol,
)
from accord.negotiation.session import SessionResult, run_session
from accord.negotiation.strategies import Scripted
from accord.negotiation.views import Deadline

A, B, C = (0, 0), (1, 1), (0, 1)


def actions(result: SessionResult, phase: str | None = None
            ) -> list[tuple[str, str, tuple[int, ...] | None]]:
    return [(r["party"], r["action"], tuple(r["package"]) if r["package"] else None)
            for r in result.trace or [] if phase is None or r["phase"] == phase]


# ----------------------------------------------------------------- alternating offers
def test_alternating_immediate_acceptance(square2: Domain) -> None:
    res = run_session(square2, AlternatingOffers(Deadline(rounds=5)),
                      [Scripted(offers=[A]), Scripted(answers=["accept"])], 0)
    assert res.outcome.status is Status.AGREEMENT and res.outcome.agreement == A
    assert res.outcome.signatories == ("P0", "P1")
    assert actions(res, "negotiation") == [("P0", "offer", A), ("P1", "accept", A)]


def test_alternating_counter_offers_until_the_deadline(square2: Domain) -> None:
    res = run_session(square2, AlternatingOffers(Deadline(rounds=3)),
                      [Scripted(offers=[A]), Scripted(offers=[B])], 0)
    assert res.outcome.status is Status.DEADLINE and res.outcome.agreement is None
    seq = actions(res)
    assert seq == [("P0", "offer", A), ("P1", "offer", B)] * 3  # 3 rounds x 2 turns
    assert res.outcome.rounds == 3
    assert res.metrics["utilities"] == {"P0": 0.2, "P1": 0.2}  # reservations


def test_time_deadline_counts_simulated_seconds(square2: Domain) -> None:
    res = run_session(square2, AlternatingOffers(Deadline(rounds=None, seconds=5.0)),
                      [Scripted(offers=[A]), Scripted(offers=[B])], 0)
    assert res.outcome.status is Status.DEADLINE
    assert len(res.trace or []) == 5
    assert (res.trace or [])[-1]["time"] == pytest.approx(0.8)


def test_acceptance_at_the_last_turn_counts(square2: Domain) -> None:
    res = run_session(square2, AlternatingOffers(Deadline(rounds=2)),
                      [Scripted(offers=[A], answers=["accept"]), Scripted(offers=[B])], 0)
    # turns: P0 offers A, P1 counters B, P0 accepts B (turn 3 of 4)
    assert res.outcome.status is Status.AGREEMENT and res.outcome.agreement == B
    assert res.outcome.signatories == ("P1", "P0")


def test_ending_the_negotiation(square2: Domain) -> None:
    res = run_session(square2, "alternating:rounds=5",
                      [Scripted(offers=[A]), Scripted(answers=["end"])], 0)
    assert res.outcome.status is Status.ENDED
    assert res.outcome.details == {"ended_by": "P1"}
    assert res.votes is None


def test_bilateral_protocol_refuses_three_parties(square3: Domain) -> None:
    with pytest.raises(ValueError, match="exactly two"):
        run_session(square3, "alternating", ["linear"], 0)


def test_invalid_offer_is_refused(square2: Domain) -> None:
    with pytest.raises(InvalidOfferError):  # (2, 0) breaks the linkage
        run_session(square2, "alternating", [Scripted(offers=[(2, 0)]), "linear"], 0)
    with pytest.raises(InvalidOfferError):
        run_session(square2, "alternating", [Scripted(offers=[(3, 0)]), "linear"], 0)


# ------------------------------------------------------------------------------ SAOP
def test_saop_needs_all_others_to_accept_in_a_row(square3: Domain) -> None:
    # P0 offers A; P1 accepts; P2 counters B (acceptances cleared); P0 and P1 accept B.
    res = run_session(
        square3, StackedAlternatingOffers(Deadline(rounds=5)),
        [Scripted(offers=[A], answers=["accept"]), Scripted(answers=["accept"]),
         Scripted(offers=[B], answers=["reject"])], 0)
    assert actions(res, "negotiation") == [
        ("P0", "offer", A), ("P1", "accept", A), ("P2", "offer", B),
        ("P0", "accept", B), ("P1", "accept", B)]
    assert res.outcome.agreement == B
    assert res.outcome.signatories == ("P2", "P0", "P1")
    assert res.outcome.rounds == 1  # five turns of three parties


def test_saop_deadline_in_rounds(square3: Domain) -> None:
    res = run_session(square3, "saop:rounds=4", [Scripted(offers=[A])] * 3, 0)
    assert res.outcome.status is Status.DEADLINE
    assert len(res.trace or []) == 12


# ----------------------------------------------------------------------- single text
def test_single_text_adopts_unvetoed_changes_only(square2: Domain) -> None:
    proto = SingleNegotiatingText(Deadline(rounds=4), initial=(0, 1))
    res = run_session(square2, proto,
                      [Scripted(votes=[True, False, True, True]),
                       Scripted(votes=[True], answers=["accept"])], 7)
    rows = actions(res, "negotiation")
    assert rows[0] == ("", "text", (0, 1))
    proposals = [p for who, act, p in rows if act == "propose"]
    adopted = [p for who, act, p in rows if act == "adopt" and p is not None]
    vetoed = [p for who, act, p in rows if act == "veto"]
    assert len(proposals) == 4 and len(vetoed) == 1 and len(adopted) == 3
    assert vetoed[0] == proposals[1]
    for before, after in zip([(0, 1), *adopted], adopted, strict=False):
        assert sum(a != b for a, b in zip(before, after, strict=True)) == 1
    final = adopted[-1]
    assert res.outcome.details["final_text"] == list(final)
    # signature: P0's script answers "reject" by default, so the text is rejected
    assert res.outcome.status is Status.REJECTED


def test_single_text_signed_by_all(square2: Domain) -> None:
    proto = SingleNegotiatingText(Deadline(rounds=2), initial=(1, 1))
    res = run_session(square2, proto, [Scripted(votes=[False], answers=["accept"])] * 2, 0)
    assert res.outcome.status is Status.AGREEMENT and res.outcome.agreement == (1, 1)
    assert res.outcome.details["changes_adopted"] == 0


def test_single_text_proposals_respect_linkages(square2: Domain) -> None:
    res = run_session(square2, "single-text:rounds=200", ["random"], 3)
    public = square2.public()
    assert all(public.valid(tuple(r["package"])) for r in res.trace or [] if r["package"])


# ---------------------------------------------------------------------- proposal vote
def test_vote_k_of_n_with_a_veto_holder(square3: Domain) -> None:
    # rule: 2 of 3, P0 holds a veto. Round 1: P0 proposes A; P1, P2 vote yes, P0 no: vetoed.
    # Round 2: P1 proposes B; P0 and P1 yes: passes.
    res = run_session(square3, ProposalVote(Deadline(rounds=5)), [
        Scripted(offers=[A], answers=["reject", "accept"]),
        Scripted(offers=[B], answers=["accept", "accept"]),
        Scripted(answers=["accept", "reject"]),
    ], 0)
    assert res.outcome.status is Status.AGREEMENT and res.outcome.agreement == B
    assert res.outcome.signatories == ("P0", "P1")
    assert res.outcome.details == {"proposer": "P1"}
    votes = [(w, a) for w, a, _ in actions(res, "negotiation") if a in ("yes", "no")]
    assert votes == [("P0", "no"), ("P1", "yes"), ("P2", "yes"),
                     ("P0", "yes"), ("P1", "yes"), ("P2", "no")]


def test_vote_one_yes_is_not_enough(square3: Domain) -> None:
    res = run_session(square3, ProposalVote(Deadline(rounds=3)), [
        Scripted(offers=[A], answers=["accept"]), Scripted(answers=["reject"]),
        Scripted(answers=["reject"])], 0)
    assert res.outcome.status is Status.DEADLINE


def test_vote_with_an_explicit_unanimity_rule(square3: Domain) -> None:
    proto = ProposalVote(Deadline(rounds=2), RatificationRule(RuleKind.UNANIMITY))
    res = run_session(square3, proto, [Scripted(offers=[A], answers=["accept"]),
                                        Scripted(answers=["accept"]),
                                        Scripted(answers=["reject"])], 0)
    assert res.outcome.status is Status.DEADLINE


# ------------------------------------------------------------------------ backchannel
def test_backchannel_briefing_order_and_secrecy(tiny_domain: Domain) -> None:
    draft = (1, 0, 0)
    proto = Backchannel(["B", "C"], StackedAlternatingOffers(Deadline(rounds=5)),
                        briefing_rounds=2)
    res = run_session(tiny_domain, proto, [
        Scripted(answers=["accept"]), Scripted(offers=[draft]), Scripted(answers=["accept"])],
        0)
    out = res.outcome
    assert out.status is Status.AGREEMENT and out.agreement == draft
    assert out.details["briefing_order"] == ["A"]
    assert out.details["briefing_answers"] == {"A": "accept"}
    assert [a for _, a, _ in actions(res, "drafting")] == ["offer", "accept"]
    assert actions(res, "briefing")[0] == ("", "brief", draft)
    # the scenario's rule: 2 of 3 with A's veto; A's ratification vote is its own call
    assert res.votes is not None and set(res.votes) == {"A", "B", "C"}


def test_backchannel_excluded_parties_do_not_see_the_drafting(tiny: object) -> None:
    import numpy as np

    from accord.negotiation.protocols.base import Context
    from accord.negotiation.views import Clock, PartyView

    domain = Domain.from_scenario(tiny)  # type: ignore[arg-type]
    clock = Clock()
    views = [PartyView(domain.own_utility(p), domain.bid_space(p), domain.public(), clock)
             for p in range(3)]
    players = [Scripted(answers=["accept"]), Scripted(offers=[(1, 0, 0)]),
               Scripted(answers=["accept"])]
    for p, v in zip(players, views, strict=True):
        p.bind(v, np.random.default_rng(0))
    ctx = Context(domain, players, views, clock, np.random.default_rng(0), [])
    Backchannel(["B", "C"], briefing_rounds=1).run(ctx, [0, 1, 2])
    assert {e.phase for e in views[0].history} == {"briefing"}
    assert [e.action for e in views[0].history] == ["brief", "accept"]
    assert {e.phase for e in views[1].history} == {"drafting", "briefing"}
    assert "brief" not in [e.action for e in views[1].history]


def test_backchannel_counter_proposal_replaces_the_text_when_all_accept(
        tiny_domain: Domain) -> None:
    draft, counter = (1, 0, 0), (2, 2, 1)
    proto = Backchannel(["B", "C"], StackedAlternatingOffers(Deadline(rounds=5)), 2)
    res = run_session(tiny_domain, proto, [
        Scripted(offers=[counter], answers=["reject"]),
        Scripted(offers=[draft], answers=["accept"]),
        Scripted(answers=["accept"])], 0)
    assert res.outcome.agreement == counter
    assert res.outcome.details["revised"] is True
    assert res.outcome.details["counter_proposals"] == 1
    assert ("A", "counter", counter) in actions(res, "briefing")


def test_backchannel_rejected_counter_leaves_the_draft(tiny_domain: Domain) -> None:
    draft, counter = (1, 0, 0), (2, 2, 1)
    proto = Backchannel(["B", "C"], StackedAlternatingOffers(Deadline(rounds=5)), 2)
    res = run_session(tiny_domain, proto, [
        Scripted(offers=[counter], answers=["reject"]),
        Scripted(offers=[draft], answers=["reject"]),
        Scripted(answers=["accept"])], 0)
    assert res.outcome.agreement == draft
    assert res.outcome.details["briefing_answers"] == {"A": "reject"}
    assert res.outcome.details["counter_proposals"] == 2  # one per response round


def test_backchannel_without_a_draft(tiny_domain: Domain) -> None:
    proto = Backchannel(["B", "C"], StackedAlternatingOffers(Deadline(rounds=2)), 2)
    res = run_session(tiny_domain, proto, [Scripted(), Scripted(offers=[(1, 0, 0)]),
                                            Scripted(offers=[(0, 2, 0)])], 0)
    assert res.outcome.status is Status.DEADLINE
    assert res.outcome.details["draft"] is None and not res.metrics["ratified"]


def test_backchannel_briefing_order_is_recorded_as_given(square3: Domain) -> None:
    proto = make_protocol("backchannel:drafters=P1+P2,briefing_rounds=1,rounds=3,order=P0")
    assert isinstance(proto, Backchannel) and proto.order == ("P0",)
    with pytest.raises(ValueError):
        run_session(square3, make_protocol(
            "backchannel:drafters=P0+P1,order=P1"), ["linear"], 0)


def test_protocol_specs_round_trip() -> None:
    for spec in ("alternating:rounds=7", "saop:rounds=9,seconds=30", "single-text:rounds=50",
                 "vote:rounds=4", "backchannel:drafters=US+RU,briefing_rounds=2,inner=saop,"
                 "rounds=40,order=UA+EU"):
        assert make_protocol(make_protocol(spec).spec).spec == make_protocol(spec).spec
