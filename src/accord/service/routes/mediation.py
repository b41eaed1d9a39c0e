"""The mediation engine: evaluation, proposals and votes, suggestions, blind acceptance.

What each caller learns is restricted: a party sees its own utility and acceptability
only; the mediator sees every party's only where the room allows it; nobody sees another
party's blind marks, only the packages every party marked once a round closes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Response, status
from sqlalchemy.orm import Session

from accord.app import api
from accord.model import Scenario
from accord.service import suggest, views
from accord.service.access import room_view
from accord.service.audit import record
from accord.service.blind import refuse_unacceptable
from accord.service.deps import (
    IfMatch,
    Mediator,
    Member,
    ObjectIdPath,
    Participant,
    Party,
    Principal,
    ReadSession,
    RoomId,
    State,
    etag,
    expected_version,
    room_write,
)
from accord.service.enums import ProposalStatus, RoundStatus
from accord.service.errors import (
    ConflictError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
)
from accord.service.scenarios import compiled_for, completed, make_plan
from accord.service.schemas import (
    BlindMarks,
    BlindMarksPublic,
    BlindRoundCreate,
    BlindRoundPublic,
    EvaluateRequest,
    EvaluationPublic,
    OwnOutcome,
    ProposalCreate,
    ProposalPublic,
    ProposalWithdraw,
    SuggestionPublic,
    SuggestionRequest,
    VoteCast,
    VoteChange,
    VotePublic,
)
from accord.store import canon, repo
from accord.store.tables import (
    BlindMark,
    BlindRound,
    BlindSubmission,
    Proposal,
    Room,
    Suggestion,
    Vote,
    new_id,
    now,
)

router = APIRouter(tags=["mediation"])


def _room(session: Session, room_id: str) -> Room:
    room = repo.get_room(session, room_id)
    if room is None:
        raise NotFoundError("no such room")
    return room


def _sees_all(caller: Principal, room: Room) -> bool:
    return caller.is_mediator and room.mediator_sees_preferences


# -------------------------------------------------------------------------- evaluation
def _outcomes(scenario: Scenario, choices: Mapping[str, str]
              ) -> tuple[dict[str, OwnOutcome], list[str], bool]:
    plan = make_plan(scenario, choices, complete=True)
    e = api.evaluate(scenario, plan, dominance=False).plans[0]
    out = {o.party: OwnOutcome(party_id=o.party, utility=o.utility, reservation=o.reservation,
                               margin=o.margin, acceptable=o.acceptable,
                               red_lines_hit=sorted(o.red_lines_hit))
           for o in e.parties}
    return out, list(e.violations), e.ratified


@router.post("/rooms/{room_id}/evaluate")
def evaluate(room_id: RoomId, body: EvaluateRequest, state: State, session: ReadSession,
             caller: Member) -> EvaluationPublic:
    """Evaluate a package: one's own utility and acceptability, and the linkages it breaks."""
    room = _room(session, room_id)
    compiled = compiled_for(state.scenarios, session, room)
    s = compiled.scenario
    outcomes, violations, passes = _outcomes(s, body.choices)
    choices = completed(s, body.choices)
    result = EvaluationPublic(choices=choices, violations=violations)
    if caller.is_party and caller.party_id in outcomes:
        result.own = outcomes[caller.party_id]
    if _sees_all(caller, room):
        result.parties = outcomes
        result.ratifiable = passes
    return result


# --------------------------------------------------------------------------- proposals
def _decide(scenario: Scenario, votes: Mapping[str, str], choices: Mapping[str, str]) -> str:
    """Ratified, rejected or still open; a party's yes needs its consulted constituents."""
    ids = scenario.party_ids
    if api.ratifies(scenario, {p: votes.get(p) == "accept" for p in ids}, choices):
        return ProposalStatus.RATIFIED.value
    if not api.ratifies(scenario, {p: votes.get(p, "accept") == "accept" for p in ids},
                        choices):
        return ProposalStatus.REJECTED.value
    return ProposalStatus.OPEN.value


def _proposal_public(p: Proposal, votes: list[Vote], scenario: Scenario,
                     shown: list[Vote] | None = None) -> ProposalPublic:
    voted = {v.party_id for v in votes}
    is_open = p.status == ProposalStatus.OPEN
    waiting = [pid for pid in scenario.party_ids if pid not in voted] if is_open else []
    return ProposalPublic(id=p.id, title=p.title, choices=canon.loads(p.choices_json),
                          draft_id=p.draft_id, draft_version=p.draft_version, status=p.status,
                          version=p.version, created_by=p.created_by, created_at=p.created_at,
                          decided_at=p.decided_at,
                          votes=[views.vote(v) for v in (votes if shown is None else shown)],
                          waiting_for=waiting, rule=scenario.ratification.describe())


def _with_reject_hint(out: ProposalPublic, scenario: Scenario, caller: Principal
                      ) -> ProposalPublic:
    """Set ``reject_ends_it`` for a party: would its reject decide the proposal as rejected?

    Computed from the votes the caller is shown only (in a sealed room, its own), any
    other party counting as accepting, so the hint reveals nothing the caller cannot see.
    """
    if caller.is_party and caller.party_id and out.status == ProposalStatus.OPEN:
        votes = {v.party_id: v.vote for v in out.votes}
        votes[caller.party_id] = "reject"
        out.reject_ends_it = (_decide(scenario, votes, out.choices)
                              == ProposalStatus.REJECTED.value)
    return out


def _shown_votes(room: Room, p: Proposal, votes: list[Vote], caller: Principal) -> list[Vote]:
    """In a room with sealed votes, an open proposal shows only the caller's own vote."""
    if room.sealed_votes and p.status == ProposalStatus.OPEN:
        return [v for v in votes if caller.is_party and v.party_id == caller.party_id]
    return votes


def _redecide(session: Session, room: Room, p: Proposal, scenario: Scenario,
              caller: Principal) -> list[Vote]:
    votes = repo.votes_on(session, [p.id])
    new_status = _decide(scenario, {v.party_id: v.vote for v in votes},
                         canon.loads(p.choices_json))
    if new_status != p.status:
        p.status = new_status
        p.version += 1
        p.decided_at = now()
        record(session, room, caller, "proposal.decide", proposal_id=p.id, status=new_status,
               version=p.version)
    return votes


@router.post("/rooms/{room_id}/proposals", status_code=status.HTTP_201_CREATED)
def create_proposal(room_id: RoomId, body: ProposalCreate, state: State,
                    caller: Participant) -> ProposalPublic:
    """Put a package to the vote: explicit choices, or a version of a draft one may read."""
    if (body.choices is None) == (body.draft_id is None):
        raise InvalidInputError("give exactly one of choices and draft_id")
    with room_write(state, caller, room_id) as (session, room):
        compiled = compiled_for(state.scenarios, session, room)
        s = compiled.scenario
        version = None
        if body.draft_id is not None:
            draft = repo.get_draft(session, room.id, body.draft_id)
            view = room_view(session, room.id, drafts=[draft] if draft else None)
            visible = view.visible_versions(caller.member_id or "", draft) if draft else []
            version = body.draft_version or (visible[-1] if visible else None)
            if draft is None or version not in visible:
                raise NotFoundError("no such draft")
            dv = repo.get_draft_version(session, draft.id, version)
            choices: dict[str, str] = canon.loads(dv.choices_json) if dv else {}
        else:
            choices = dict(body.choices or {})
        full = completed(s, choices)
        _, violations, _ = _outcomes(s, full)
        if violations:
            raise InvalidInputError(f"the package breaks linkages: {', '.join(violations)}")
        p = Proposal(id=new_id("pr"), room_id=room.id, title=body.title,
                     choices_json=canon.dumps(full), draft_id=body.draft_id,
                     draft_version=version, status=ProposalStatus.OPEN.value, version=1,
                     created_by=caller.member_id or "", created_at=now())
        session.add(p)
        record(session, room, caller, "proposal.create", proposal_id=p.id, choices=full,
               draft_id=body.draft_id, draft_version=version)
        return _proposal_public(p, [], s)


@router.get("/rooms/{room_id}/proposals")
def list_proposals(room_id: RoomId, state: State,
                   session: ReadSession, caller: Member) -> list[ProposalPublic]:
    """Every proposal with its votes and status (sealed rooms: see ``sealed_votes``)."""
    room = _room(session, room_id)
    s = compiled_for(state.scenarios, session, room).scenario
    proposals = repo.proposals_of(session, room_id)
    votes = repo.votes_on(session, [p.id for p in proposals])
    out = []
    for p in proposals:
        mine = [v for v in votes if v.proposal_id == p.id]
        out.append(_with_reject_hint(
            _proposal_public(p, mine, s, _shown_votes(room, p, mine, caller)), s, caller))
    return out


@router.get("/rooms/{room_id}/proposals/{proposal_id}")
def get_proposal(room_id: RoomId, proposal_id: ObjectIdPath, response: Response, state: State,
                 session: ReadSession,
                 caller: Member) -> ProposalPublic:
    """A proposal with its votes and status (sealed rooms: see ``sealed_votes``)."""
    room = _room(session, room_id)
    p = repo.get_proposal(session, room_id, proposal_id)
    if p is None:
        raise NotFoundError("no such proposal")
    s = compiled_for(state.scenarios, session, room).scenario
    response.headers["ETag"] = etag(p.version)
    votes = repo.votes_on(session, [p.id])
    return _with_reject_hint(_proposal_public(p, votes, s, _shown_votes(room, p, votes, caller)),
                             s, caller)


def _open_proposal(session: Session, room: Room, proposal_id: str) -> Proposal:
    p = repo.get_proposal(session, room.id, proposal_id)
    if p is None:
        raise NotFoundError("no such proposal")
    if p.status != ProposalStatus.OPEN:
        raise ConflictError(f"the proposal is {p.status}; votes are closed")
    return p


@router.post("/rooms/{room_id}/proposals/{proposal_id}/votes",
             status_code=status.HTTP_201_CREATED)
def cast_vote(room_id: RoomId, proposal_id: ObjectIdPath, body: VoteCast, response: Response,
              state: State, caller: Party) -> VotePublic:
    """Vote on an open proposal (once per party; change it with PUT .../votes/me)."""
    with room_write(state, caller, room_id) as (session, room):
        p = _open_proposal(session, room, proposal_id)
        existing = [v for v in repo.votes_on(session, [p.id])
                    if v.member_id == caller.member_id or v.party_id == caller.party_id]
        if existing:
            raise ConflictError("your party has already voted; change the vote with "
                                "PUT .../votes/me")
        stamp = now()
        v = Vote(id=new_id("vt"), proposal_id=p.id, member_id=caller.member_id or "",
                 party_id=caller.party_id or "", vote=body.vote, version=1, created_at=stamp,
                 updated_at=stamp)
        session.add(v)
        session.flush()
        record(session, room, caller, "vote.cast", proposal_id=p.id,
               party_id=caller.party_id, vote=body.vote, version=1)
        _redecide(session, room, p, compiled_for(state.scenarios, session, room).scenario,
                  caller)
        response.headers["ETag"] = etag(v.version)
        return views.vote(v)


@router.put("/rooms/{room_id}/proposals/{proposal_id}/votes/me")
def change_vote(room_id: RoomId, proposal_id: ObjectIdPath, body: VoteChange,
                response: Response, state: State, caller: Party,
                if_match: IfMatch = None) -> VotePublic:
    """Change one's vote on an open proposal (the expected vote version is required)."""
    expected = expected_version(if_match, body.expected_version)
    with room_write(state, caller, room_id) as (session, room):
        p = _open_proposal(session, room, proposal_id)
        v = next((x for x in repo.votes_on(session, [p.id])
                  if x.party_id == caller.party_id), None)
        if v is None:
            raise NotFoundError("your party has not voted on this proposal")
        if v.version != expected:
            raise ConflictError(f"your vote is at version {v.version}, not {expected}")
        v.vote, v.version, v.updated_at = body.vote, v.version + 1, now()
        v.member_id = caller.member_id or v.member_id
        session.flush()
        record(session, room, caller, "vote.change", proposal_id=p.id,
               party_id=caller.party_id, vote=body.vote, version=v.version)
        _redecide(session, room, p, compiled_for(state.scenarios, session, room).scenario,
                  caller)
        response.headers["ETag"] = etag(v.version)
        return views.vote(v)


@router.post("/rooms/{room_id}/proposals/{proposal_id}/withdraw")
def withdraw_proposal(room_id: RoomId, proposal_id: ObjectIdPath, body: ProposalWithdraw,
                      state: State, caller: Participant,
                      if_match: IfMatch = None) -> ProposalPublic:
    """Withdraw an open proposal (its author or the mediator)."""
    with room_write(state, caller, room_id) as (session, room):
        p = _open_proposal(session, room, proposal_id)
        if not caller.is_mediator and p.created_by != caller.member_id:
            raise ForbiddenError("only the proposal's author or the mediator may withdraw it")
        if if_match is not None or body.expected_version is not None:
            expected = expected_version(if_match, body.expected_version)
            if p.version != expected:
                raise ConflictError(f"the proposal is at version {p.version}, not {expected}")
        p.status, p.version, p.decided_at = ProposalStatus.WITHDRAWN.value, p.version + 1, now()
        record(session, room, caller, "proposal.withdraw", proposal_id=p.id,
               version=p.version)
        s = compiled_for(state.scenarios, session, room).scenario
        return _proposal_public(p, repo.votes_on(session, [p.id]), s)


# ------------------------------------------------------------------------- suggestions
def _suggestion_public(sg: Suggestion, caller: Principal, room: Room) -> SuggestionPublic:
    utilities: dict[str, Any] = canon.loads(sg.utilities_json)
    details: dict[str, Any] = canon.loads(sg.details_json)
    package: dict[str, float] = utilities.get("package") or {}
    baseline: dict[str, float] = utilities.get("baseline") or {}
    out = SuggestionPublic(
        id=sg.id, kind=sg.kind,
        choices=canon.loads(sg.choices_json) if sg.choices_json else None,
        baseline=canon.loads(sg.baseline_json) if sg.baseline_json else None,
        found=sg.choices_json is not None, exact=bool(details.get("exact")),
        method=str(details.get("method", "")), note=str(details.get("note", "")),
        created_at=sg.created_at)
    if caller.is_party and caller.party_id is not None:
        out.own_utility = package.get(caller.party_id)
        out.own_baseline_utility = baseline.get(caller.party_id)
    if _sees_all(caller, room):
        out.utilities = package
    return out


@router.post("/rooms/{room_id}/suggestions", status_code=status.HTTP_201_CREATED)
def create_suggestion(room_id: RoomId, body: SuggestionRequest, state: State, session: ReadSession,
                      caller: Mediator) -> SuggestionPublic:
    """Compute a suggestion from the private preferences (mediator).

    Each party later sees only its own utility for it; the mediator sees every party's
    only where the room allows it.
    """
    if body.kind == "nash" and (body.baseline is not None or body.proposal_id is not None):
        raise InvalidInputError("a nash suggestion takes no baseline")
    if body.kind == "improve" and (body.baseline is None) == (body.proposal_id is None):
        raise InvalidInputError("an improve suggestion needs exactly one of baseline and "
                                "proposal_id")
    room = _room(session, room_id)
    compiled = compiled_for(state.scenarios, session, room)
    base_choices: dict[str, str] | None = None
    if body.proposal_id is not None:
        p = repo.get_proposal(session, room_id, body.proposal_id)
        if p is None:
            raise NotFoundError("no such proposal")
        base_choices = canon.loads(p.choices_json)
    elif body.baseline is not None:
        base_choices = dict(body.baseline)
    s = compiled.scenario
    base_util: dict[str, float] | None = None
    if base_choices is not None:
        base_choices = completed(s, base_choices)
        outcome = suggest.improve(s, base_choices)
        base_eval = api.evaluate(s, make_plan(s, base_choices, complete=True),
                                 dominance=False).plans[0]
        base_util = {o.party: o.utility for o in base_eval.parties}
    else:
        outcome = suggest.nash(s)
    choices = None
    package_util: dict[str, float] = {}
    if outcome.package is not None and outcome.utilities is not None:
        choices = s.complete(s.plan_from_indices(outcome.package))
        package_util = {p: outcome.utilities[k] for k, p in enumerate(s.party_ids)}
    with room_write(state, caller, room_id) as (session, room):
        sg = Suggestion(id=new_id("sg"), room_id=room.id, kind=body.kind,
                        baseline_json=canon.dumps(base_choices) if base_choices else None,
                        choices_json=canon.dumps(choices) if choices else None,
                        utilities_json=canon.dumps({"package": package_util,
                                                    "baseline": base_util}),
                        details_json=canon.dumps({"exact": outcome.exact,
                                                  "method": outcome.method,
                                                  "note": outcome.note}),
                        created_by=caller.member_id or "", created_at=now())
        session.add(sg)
        record(session, room, caller, "suggestion.create", suggestion_id=sg.id,
               kind=body.kind, choices=choices, baseline=base_choices)
        return _suggestion_public(sg, caller, room)


@router.get("/rooms/{room_id}/suggestions")
def list_suggestions(room_id: RoomId, state: State,
                     session: ReadSession, caller: Member) -> list[SuggestionPublic]:
    """The room's suggestions; each party sees only its own utility."""
    room = _room(session, room_id)
    return [_suggestion_public(sg, caller, room)
            for sg in repo.suggestions_of(session, room_id)]


# ----------------------------------------------------------------------- blind rounds
def _package_key(choices: Mapping[str, str]) -> str:
    return hashlib.sha256(canon.dumps(dict(choices)).encode("utf-8")).hexdigest()


def _round_public(session: Session, r: BlindRound) -> BlindRoundPublic:
    subs = repo.submissions_of(session, [r.id])
    return BlindRoundPublic(id=r.id, title=r.title, status=r.status,
                            submitted=sorted(s.party_id for s in subs),
                            overlap=canon.loads(r.overlap_json) if r.overlap_json else None,
                            created_at=r.created_at, closed_at=r.closed_at)


def _get_round(session: Session, room_id: str, round_id: str) -> BlindRound:
    r = repo.get_round(session, room_id, round_id)
    if r is None:
        raise NotFoundError("no such round")
    return r


@router.post("/rooms/{room_id}/blind-rounds", status_code=status.HTTP_201_CREATED)
def open_round(room_id: RoomId, body: BlindRoundCreate, state: State,
               caller: Mediator) -> BlindRoundPublic:
    """Open a round of blind acceptance (mediator)."""
    with room_write(state, caller, room_id) as (session, room):
        r = BlindRound(id=new_id("br"), room_id=room.id, title=body.title,
                       status=RoundStatus.OPEN.value, created_by=caller.member_id or "",
                       created_at=now())
        session.add(r)
        session.flush()
        record(session, room, caller, "blind.open", round_id=r.id, title=body.title)
        return _round_public(session, r)


@router.get("/rooms/{room_id}/blind-rounds")
def list_rounds(room_id: RoomId, state: State,
                session: ReadSession, _caller: Member) -> list[BlindRoundPublic]:
    """The rounds: who has marked, and the overlap of closed rounds."""
    return [_round_public(session, r) for r in repo.rounds_of(session, room_id)]


@router.get("/rooms/{room_id}/blind-rounds/{round_id}")
def get_round(room_id: RoomId, round_id: ObjectIdPath, state: State, session: ReadSession,
              _caller: Member) -> BlindRoundPublic:
    """A round: who has marked, and once closed, the packages every party marked."""
    return _round_public(session, _get_round(session, room_id, round_id))


@router.put("/rooms/{room_id}/blind-rounds/{round_id}/marks")
def mark_packages(room_id: RoomId, round_id: ObjectIdPath, body: BlindMarks, state: State,
                  caller: Party) -> BlindMarksPublic:
    """Privately mark the packages one's party would accept (replaces earlier marks).

    Only packages the party itself accepts under its preferences may be marked (422
    otherwise), so the overlap cannot be used to read another party's marks.
    """
    party_id = caller.party_id or ""
    with room_write(state, caller, room_id) as (session, room):
        r = _get_round(session, room.id, round_id)
        if r.status != RoundStatus.OPEN:
            raise ConflictError("the round is closed")
        compiled = compiled_for(state.scenarios, session, room)
        s = compiled.scenario
        packages: dict[str, dict[str, str]] = {}
        for choices in body.packages:
            full = completed(s, choices)
            packages[_package_key(full)] = full
        refuse_unacceptable(compiled, party_id, list(packages.values()))
        repo.delete_marks(session, r.id, party_id)
        session.flush()
        for key, full in sorted(packages.items()):
            session.add(BlindMark(round_id=r.id, party_id=party_id, package_key=key,
                                  choices_json=canon.dumps(full)))
        sub = session.get(BlindSubmission, (r.id, party_id))
        stamp = now()
        if sub is None:
            session.add(BlindSubmission(round_id=r.id, party_id=party_id, submitted_at=stamp,
                                        version=1))
        else:
            sub.submitted_at, sub.version = stamp, sub.version + 1
        record(session, room, caller, "blind.mark", round_id=r.id, party_id=party_id)
        return BlindMarksPublic(round_id=r.id, party_id=party_id,
                                packages=[packages[k] for k in sorted(packages)],
                                submitted_at=stamp)


@router.get("/rooms/{room_id}/blind-rounds/{round_id}/marks")
def my_marks(room_id: RoomId, round_id: ObjectIdPath, state: State, session: ReadSession,
             caller: Party) -> BlindMarksPublic:
    """One's own party's marks in a round."""
    party_id = caller.party_id or ""
    r = _get_round(session, room_id, round_id)
    sub = session.get(BlindSubmission, (r.id, party_id))
    marks = repo.marks_of(session, r.id, party_id)
    return BlindMarksPublic(round_id=r.id, party_id=party_id,
                            packages=[canon.loads(m.choices_json) for m in marks],
                            submitted_at=sub.submitted_at if sub else None)


@router.post("/rooms/{room_id}/blind-rounds/{round_id}/close")
def close_round(room_id: RoomId, round_id: ObjectIdPath, state: State,
                caller: Mediator) -> BlindRoundPublic:
    """Close a round and reveal the packages every party marked, if any (mediator)."""
    with room_write(state, caller, room_id) as (session, room):
        r = _get_round(session, room.id, round_id)
        if r.status != RoundStatus.OPEN:
            raise ConflictError("the round is already closed")
        parties = compiled_for(state.scenarios, session, room).scenario.party_ids
        marks = repo.marks_of(session, r.id)
        by_party: dict[str, set[str]] = {p: set() for p in parties}
        choices_of: dict[str, str] = {}
        for m in marks:
            by_party.setdefault(m.party_id, set()).add(m.package_key)
            choices_of[m.package_key] = m.choices_json
        common = set.intersection(*(by_party[p] for p in parties)) if parties else set()
        overlap = [canon.loads(choices_of[k]) for k in sorted(common)]
        r.status, r.closed_at = RoundStatus.CLOSED.value, now()
        r.overlap_json = canon.dumps(overlap)
        record(session, room, caller, "blind.close", round_id=r.id, overlap=overlap)
        return _round_public(session, r)
