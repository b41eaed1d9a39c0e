"""Rooms, members, tokens and invitations."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from accord.service import rooms as ops
from accord.service import views
from accord.service.audit import record
from accord.service.deps import (
    Admin,
    Caller,
    IfMatch,
    Mediator,
    Member,
    ObjectIdPath,
    ReadSession,
    RoomId,
    SelfMember,
    State,
    etag,
    expected_version,
    room_write,
)
from accord.service.errors import (
    ConflictError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
)
from accord.service.scenarios import load_source
from accord.service.schemas import (
    InvitationAccept,
    InvitationCreate,
    InvitationIssued,
    InvitationPublic,
    MemberPublic,
    MePublic,
    RoomCreate,
    RoomCreated,
    RoomPublic,
    RoomSummary,
    RoomUpdate,
    TokenCreate,
    TokenIssued,
)
from accord.store import repo
from accord.store.tables import ApiToken, now

router = APIRouter(tags=["rooms"])


# ------------------------------------------------------------------------------ rooms
@router.post("/rooms", status_code=status.HTTP_201_CREATED)
def create_room(body: RoomCreate, state: State, caller: Admin) -> RoomCreated:
    """Create a room from a bundled or uploaded scenario (administrator).

    The reply carries the mediator's token; it is shown only this once.
    """
    try:
        scenario = load_source(body.scenario.bundled, body.scenario.text,
                               body.scenario.format)
    except RecursionError:  # "[" * 2000: the YAML/JSON parsers recurse per level
        raise InvalidInputError("the scenario text is nested too deeply") from None
    room, mediator, token = ops.create_room(
        state.db, title=body.title, scenario=scenario, mediator_name=body.mediator_name,
        mediator_sees_preferences=body.mediator_sees_preferences, actor=caller.actor,
        token_days=state.settings.token_days, sealed_votes=body.sealed_votes)
    with state.db.read() as session:
        public = ops.room_public(session, room, state.scenarios)
    return RoomCreated(room=public, mediator=views.member(mediator), token=token)


@router.get("/rooms")
def list_rooms(state: State, session: ReadSession, _caller: Admin) -> list[RoomSummary]:
    """Every room (administrator)."""
    return [RoomSummary(id=r.id, title=r.title, scenario_id=r.scenario_id,
                        created_at=r.created_at, members=n)
            for r, n in repo.list_rooms(session)]


@router.get("/rooms/{room_id}")
def get_room(room_id: RoomId, response: Response, state: State, session: ReadSession,
             _caller: Member) -> RoomPublic:
    """The room: title, settings, the scenario without preferences, who has submitted.

    ``ETag`` is the room's version (what ``PATCH`` takes as ``If-Match``).
    """
    room = repo.get_room(session, room_id)
    if room is None:
        raise NotFoundError("no such room")
    response.headers["ETag"] = etag(room.version)
    return ops.room_public(session, room, state.scenarios)


@router.patch("/rooms/{room_id}")
def update_room(room_id: RoomId, body: RoomUpdate, response: Response, state: State,
                caller: Mediator, if_match: IfMatch = None) -> RoomPublic:
    """Rename the room, or withdraw the mediator's sight of preferences (mediator).

    Granting that sight is possible only when the room is created.
    """
    expected = expected_version(if_match, body.expected_version)
    with room_write(state, caller, room_id) as (session, room):
        if room.version != expected:
            raise ConflictError(f"the room is at version {room.version}, not {expected}")
        changes: dict[str, object] = {}
        if body.title is not None and body.title != room.title:
            room.title = body.title
            changes["title"] = body.title
        if body.mediator_sees_preferences is not None:
            if body.mediator_sees_preferences and not room.mediator_sees_preferences:
                raise ForbiddenError("the mediator's sight of preferences can only be granted "
                                     "when the room is created")
            if room.mediator_sees_preferences != body.mediator_sees_preferences:
                room.mediator_sees_preferences = body.mediator_sees_preferences
                changes["mediator_sees_preferences"] = body.mediator_sees_preferences
        if changes:
            room.version += 1
            record(session, room, caller, "room.update", version=room.version, **changes)
        session.flush()
        response.headers["ETag"] = etag(room.version)
        return ops.room_public(session, room, state.scenarios)


# ----------------------------------------------------------------------------- members
@router.get("/rooms/{room_id}/members")
def list_members(room_id: RoomId, state: State,
                 session: ReadSession, _caller: Member) -> list[MemberPublic]:
    """The room's members and their roles."""
    return [views.member(m) for m in repo.members_of(session, room_id)]


@router.post("/rooms/{room_id}/members/{member_id}/revoke")
def revoke_member(room_id: RoomId, member_id: ObjectIdPath, state: State,
                  caller: Mediator) -> MemberPublic:
    """Revoke a member and all their tokens (mediator)."""
    with room_write(state, caller, room_id) as (session, room):
        return views.member(ops.revoke_member(session, room, caller, member_id))


# ------------------------------------------------------------------------- invitations
@router.post("/rooms/{room_id}/invitations", status_code=status.HTTP_201_CREATED)
def create_invitation(room_id: RoomId, body: InvitationCreate, state: State,
                      caller: Mediator) -> InvitationIssued:
    """Invite someone as mediator, party (for one scenario party) or observer (mediator).

    The invitation token is single-use and shown only this once.
    """
    days = body.expires_in_days or state.settings.invitation_days
    with room_write(state, caller, room_id) as (session, room):
        inv, secret = ops.invite(session, room, caller, state.scenarios, role=body.role,
                                 name=body.name, party_id=body.party_id, days=days)
        return InvitationIssued(invitation=views.invitation(inv), token=secret)


@router.get("/rooms/{room_id}/invitations")
def list_invitations(room_id: RoomId, state: State, session: ReadSession,
                     _caller: Mediator) -> list[InvitationPublic]:
    """The room's invitations, without their secrets (mediator)."""
    return [views.invitation(i) for i in repo.invitations_of(session, room_id)]


@router.post("/invitations/accept", status_code=status.HTTP_201_CREATED)
def accept_invitation(body: InvitationAccept, state: State) -> TokenIssued:
    """Redeem an invitation token for membership and an API token (no credentials needed)."""
    member, token = ops.accept(state.db, body.token, body.name, state.settings.token_days)
    return TokenIssued(token=token.secret, token_id=token.row.id, member=views.member(member),
                       expires_at=token.row.expires_at)


# ---------------------------------------------------------------------------------- me
@router.get("/me")
def me(state: State, session: ReadSession, caller: Caller) -> MePublic:
    """Who the caller is: the administrator, or a member of one room."""
    if caller.admin:
        return MePublic(admin=True)
    m = repo.get_member(session, caller.room_id or "", caller.member_id or "")
    if m is None:
        raise NotFoundError("no such member")
    return MePublic(admin=False, room_id=m.room_id, member=views.member(m),
                    token_expires_at=caller.token_expires_at)


@router.post("/me/tokens", status_code=status.HTTP_201_CREATED)
def new_token(body: TokenCreate, state: State, caller: SelfMember) -> TokenIssued:
    """Issue another token for oneself (to rotate: issue one, then revoke the old one).

    The server's token lifetime (``ACCORD_TOKEN_DAYS``) is a ceiling: a longer
    ``expires_in_days`` is shortened to it.
    """
    ceiling = state.settings.token_days
    days = body.expires_in_days or ceiling
    if ceiling is not None and days is not None:
        days = min(days, ceiling)
    with room_write(state, caller, caller.room_id or "") as (session, room):
        m = repo.get_member(session, room.id, caller.member_id or "")
        if m is None:
            raise NotFoundError("no such member")
        issued = ops.issue_token(session, m, days=days, label=body.label)
        record(session, room, caller, "token.create", member_id=m.id, token_id=issued.row.id)
        return TokenIssued(token=issued.secret, token_id=issued.row.id,
                           member=views.member(m), expires_at=issued.row.expires_at)


@router.delete("/me/token", status_code=status.HTTP_204_NO_CONTENT)
def revoke_own_token(state: State, caller: SelfMember) -> Response:
    """Revoke the token used for this request."""
    with room_write(state, caller, caller.room_id or "") as (session, room):
        tok = session.get(ApiToken, caller.token_id or "")
        if tok is None:
            raise InvalidInputError("no such token")
        tok.revoked_at = now()
        record(session, room, caller, "token.revoke", member_id=caller.member_id,
               token_id=tok.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
