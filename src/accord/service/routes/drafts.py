"""Channels, drafts (versioned, fingerprinted on read), diffs and briefings."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response, status
from sqlalchemy.orm import Session

from accord.service import names, views
from accord.service.access import DraftAccess, draft_access, room_view
from accord.service.audit import record
from accord.service.deps import (
    IfMatch,
    Member,
    ObjectIdPath,
    Participant,
    Principal,
    ReadSession,
    RoomId,
    State,
    etag,
    expected_version,
    room_write,
)
from accord.service.errors import ConflictError, InvalidInputError, NotFoundError
from accord.service.fingerprint import ordered_points
from accord.service.ratelimit import charge, version_chars
from accord.service.scenarios import room_document
from accord.service.schemas import (
    BriefingCreate,
    BriefingPublic,
    ChannelCreate,
    ChannelPublic,
    DraftCreate,
    DraftDiff,
    DraftPublic,
    DraftRevise,
    DraftSummary,
    PointChange,
)
from accord.service.state import ServiceState
from accord.store import canon, repo
from accord.store.tables import (
    Briefing,
    Channel,
    ChannelMember,
    Draft,
    DraftVersion,
    Room,
    new_id,
    now,
)

router = APIRouter(tags=["channels and drafts"])

VersionQuery = Annotated[int, Query(ge=1, le=2**31 - 1)]


def _room(session: Session, room_id: str) -> Room:
    room = repo.get_room(session, room_id)
    if room is None:
        raise NotFoundError("no such room")
    return room


def _check_content(state: ServiceState, session: Session, room: Room, choices: dict[str, str],
                   texts: dict[str, str]) -> None:
    doc = room_document(state.scenarios, session, room.id)
    issues = {i["id"]: {o["id"] for o in i["options"]} for i in doc["issues"]}
    for point, option in choices.items():
        if point not in issues:
            raise InvalidInputError(f"no point {point!r} in this room's scenario")
        if option not in issues[point]:
            raise InvalidInputError(f"point {point!r} has no option {option!r}")
    unknown = sorted(set(texts) - set(issues))
    if unknown:
        raise InvalidInputError(f"texts for unknown points: {', '.join(unknown)}")


def _issue_order(state: ServiceState, session: Session, room: Room) -> list[str]:
    doc = room_document(state.scenarios, session, room.id)
    return [i["id"] for i in doc["issues"]]


def _draft_public(state: ServiceState, order: list[str], room: Room, draft: Draft,
                  v: DraftVersion, caller: Principal, access: DraftAccess) -> DraftPublic:
    """The caller's copy of a version (rendered here: call it outside write transactions).

    A reader who is not in the draft's channel learns only the versions briefed to it:
    its ``latest_version`` is the newest of those.
    """
    texts: dict[str, str] = canon.loads(v.texts_json)
    points = ordered_points(texts, order)
    text, marked = state.renders.render(room.id, points, room.fingerprint_key, draft.id,
                                        v.version, caller.member_id or "")
    briefed = not access.in_channel
    return DraftPublic(id=draft.id, channel_id=None if briefed else draft.channel_id,
                       title=draft.title,
                       version=v.version, latest_version=access.versions[-1],
                       choices=canon.loads(v.choices_json), points_with_text=list(points),
                       text=text, fingerprinted=marked, note=v.note, author_id=v.author_id,
                       created_at=v.created_at, briefed=briefed)


def _visible_draft(session: Session, room_id: str, draft_id: str,
                   caller: Principal) -> tuple[Draft, DraftAccess]:
    draft = repo.get_draft(session, room_id, draft_id)
    if draft is None:
        raise NotFoundError("no such draft")
    access = draft_access(session, caller.member_id or "", draft)
    if not access.versions:
        raise NotFoundError("no such draft")
    return draft, access


# ---------------------------------------------------------------------------- channels
@router.post("/rooms/{room_id}/channels", status_code=status.HTTP_201_CREATED)
def create_channel(room_id: RoomId, body: ChannelCreate, state: State,
                   caller: Participant) -> ChannelPublic:
    """Open a channel with some members (the creator is always one of them)."""
    with room_write(state, caller, room_id) as (session, room):
        active = {m.id for m in repo.members_of(session, room.id) if m.revoked_at is None}
        ids = set(body.member_ids) | {caller.member_id or ""}
        unknown = sorted(ids - active)
        if unknown:
            raise InvalidInputError(f"not current members of this room: {', '.join(unknown)}")
        name = names.normalise(body.name, "channel's name")
        names.require_unique(name, [c.name for c in repo.channels_of(session, room.id)]
                             + list(names.RESERVED_CHANNELS), "channel")
        channel = Channel(id=new_id("ch"), room_id=room.id, name=name, everyone=False,
                          created_by=caller.member_id or "", created_at=now())
        session.add(channel)
        session.flush()
        for mid in sorted(ids):
            session.add(ChannelMember(channel_id=channel.id, member_id=mid))
        record(session, room, caller, "channel.create", channel_id=channel.id, name=name,
               everyone=False, member_ids=sorted(ids))
        return views.channel(channel, ids)


@router.get("/rooms/{room_id}/channels")
def list_channels(room_id: RoomId, state: State,
                  session: ReadSession, caller: Member) -> list[ChannelPublic]:
    """The channels the caller belongs to."""
    view = room_view(session, room_id)
    return [views.channel(c, view.channel_members[c.id])
            for c in view.channels_of(caller.member_id or "")]


@router.get("/rooms/{room_id}/channels/{channel_id}")
def get_channel(room_id: RoomId, channel_id: ObjectIdPath, state: State, session: ReadSession,
                caller: Member) -> ChannelPublic:
    """A channel the caller belongs to."""
    view = room_view(session, room_id)
    if channel_id not in view.channels or not view.in_channel(caller.member_id or "",
                                                              channel_id):
        raise NotFoundError("no such channel")
    return views.channel(view.channels[channel_id], view.channel_members[channel_id])


# ------------------------------------------------------------------------------ drafts
@router.post("/rooms/{room_id}/channels/{channel_id}/drafts",
             status_code=status.HTTP_201_CREATED)
def create_draft(room_id: RoomId, channel_id: ObjectIdPath, body: DraftCreate,
                 response: Response, state: State, caller: Participant) -> DraftPublic:
    """Post a new draft in a channel one belongs to."""
    with room_write(state, caller, room_id) as (session, room):
        view = room_view(session, room.id)
        if channel_id not in view.channels or not view.in_channel(caller.member_id or "",
                                                                  channel_id):
            raise NotFoundError("no such channel")
        _check_content(state, session, room, body.choices, body.texts)
        stamp = now()
        draft = Draft(id=new_id("dr"), room_id=room.id, channel_id=channel_id,
                      title=body.title, version=1, created_by=caller.member_id or "",
                      created_at=stamp, updated_at=stamp)
        session.add(draft)
        session.flush()
        v = DraftVersion(draft_id=draft.id, version=1, choices_json=canon.dumps(body.choices),
                         texts_json=canon.dumps(body.texts), note=body.note,
                         author_id=caller.member_id or "", created_at=stamp)
        charge(room, state.settings.room_quota_bytes,
               version_chars(v.choices_json, v.texts_json, v.note))
        session.add(v)
        record(session, room, caller, "draft.create", draft_id=draft.id,
               channel_id=channel_id, version=1)
        order = _issue_order(state, session, room)
    response.headers["ETag"] = etag(1)
    # rendered after the commit: the write lock is not held while the copy is made
    return _draft_public(state, order, room, draft, v, caller, DraftAccess(True, [1]))


@router.get("/rooms/{room_id}/drafts")
def list_drafts(room_id: RoomId, state: State,
                session: ReadSession, caller: Member) -> list[DraftSummary]:
    """The drafts the caller may read, with the versions it may read."""
    drafts = repo.drafts_of(session, room_id)
    view = room_view(session, room_id, drafts=drafts)
    out = []
    for d in drafts:
        versions = view.visible_versions(caller.member_id or "", d)
        if not versions:
            continue
        updated, channel = d.updated_at, d.channel_id
        channel_shown: str | None = channel
        if not view.in_channel(caller.member_id or "", d.channel_id):
            channel_shown = None
            # briefed only: nothing of the versions it cannot read
            last = repo.get_draft_version(session, d.id, versions[-1])
            updated = last.created_at if last is not None else d.created_at
        out.append(DraftSummary(id=d.id, channel_id=channel_shown, title=d.title,
                                latest_version=versions[-1], visible_versions=versions,
                                updated_at=updated))
    return out


@router.get("/rooms/{room_id}/drafts/{draft_id}")
def get_draft(room_id: RoomId, draft_id: ObjectIdPath, response: Response, state: State,
              session: ReadSession,
              caller: Member) -> DraftPublic:
    """The newest version of a draft the caller may read, rendered for the caller."""
    room = _room(session, room_id)
    draft, access = _visible_draft(session, room_id, draft_id, caller)
    v = repo.get_draft_version(session, draft.id, access.versions[-1])
    if v is None:
        raise NotFoundError("no such version")
    response.headers["ETag"] = etag(access.versions[-1])
    return _draft_public(state, _issue_order(state, session, room), room, draft, v, caller,
                         access)


@router.put("/rooms/{room_id}/drafts/{draft_id}")
def revise_draft(room_id: RoomId, draft_id: ObjectIdPath, body: DraftRevise,
                 response: Response, state: State, caller: Participant,
                 if_match: IfMatch = None) -> DraftPublic:
    """Post a new version (members of the draft's channel; the expected version is required).

    A stale expected version gets 409: re-read the draft and apply the change again.
    """
    expected = expected_version(if_match, body.expected_version)
    with room_write(state, caller, room_id) as (session, room):
        draft = repo.get_draft(session, room.id, draft_id)
        view = room_view(session, room.id)
        if draft is None or not view.in_channel(caller.member_id or "", draft.channel_id):
            raise NotFoundError("no such draft")
        if draft.version != expected:
            raise ConflictError(f"the draft is at version {draft.version}, not {expected}")
        _check_content(state, session, room, body.choices, body.texts)
        stamp = now()
        draft.version += 1
        draft.updated_at = stamp
        v = DraftVersion(draft_id=draft.id, version=draft.version,
                         choices_json=canon.dumps(body.choices),
                         texts_json=canon.dumps(body.texts), note=body.note,
                         author_id=caller.member_id or "", created_at=stamp)
        charge(room, state.settings.room_quota_bytes,
               version_chars(v.choices_json, v.texts_json, v.note))
        session.add(v)
        record(session, room, caller, "draft.revise", draft_id=draft.id, version=draft.version)
        order = _issue_order(state, session, room)
    response.headers["ETag"] = etag(draft.version)
    return _draft_public(state, order, room, draft, v, caller,
                         DraftAccess(True, [draft.version]))


@router.get("/rooms/{room_id}/drafts/{draft_id}/versions/{version}")
def get_draft_version(room_id: RoomId, draft_id: ObjectIdPath,
                      version: Annotated[int, Path(ge=1, le=2**31 - 1)],
                      state: State, session: ReadSession, caller: Member) -> DraftPublic:
    """One version of a draft, if the caller may read it."""
    room = _room(session, room_id)
    draft, access = _visible_draft(session, room_id, draft_id, caller)
    if version not in access.versions:
        raise NotFoundError("no such version")
    v = repo.get_draft_version(session, draft.id, version)
    if v is None:
        raise NotFoundError("no such version")
    return _draft_public(state, _issue_order(state, session, room), room, draft, v, caller,
                         access)


@router.get("/rooms/{room_id}/drafts/{draft_id}/diff")
def diff_draft(room_id: RoomId, draft_id: ObjectIdPath, from_version: VersionQuery,
               to_version: VersionQuery, state: State,
               session: ReadSession, caller: Member) -> DraftDiff:
    """Which points changed between two versions the caller may read."""
    room = _room(session, room_id)
    draft, access = _visible_draft(session, room_id, draft_id, caller)
    if from_version not in access.versions or to_version not in access.versions:
        raise NotFoundError("no such version")
    a = repo.get_draft_version(session, draft.id, from_version)
    b = repo.get_draft_version(session, draft.id, to_version)
    if a is None or b is None:
        raise NotFoundError("no such version")
    ca: dict[str, str] = canon.loads(a.choices_json)
    cb: dict[str, str] = canon.loads(b.choices_json)
    ta: dict[str, Any] = canon.loads(a.texts_json)
    tb: dict[str, Any] = canon.loads(b.texts_json)
    changes = []
    order = _issue_order(state, session, room)
    for point in order:
        if ca.get(point) != cb.get(point) or ta.get(point) != tb.get(point):
            changes.append(PointChange(point=point, option_before=ca.get(point),
                                       option_after=cb.get(point),
                                       text_changed=ta.get(point) != tb.get(point)))
    return DraftDiff(draft_id=draft.id, from_version=from_version, to_version=to_version,
                     changes=changes, unchanged=len(order) - len(changes))


# ---------------------------------------------------------------------------- briefings
@router.post("/rooms/{room_id}/drafts/{draft_id}/briefings",
             status_code=status.HTTP_201_CREATED)
def brief(room_id: RoomId, draft_id: ObjectIdPath, body: BriefingCreate, state: State,
          caller: Participant) -> BriefingPublic:
    """Share one version of a draft with a wider channel (members of the draft's channel)."""
    with room_write(state, caller, room_id) as (session, room):
        draft = repo.get_draft(session, room.id, draft_id)
        view = room_view(session, room.id, drafts=[draft] if draft else None)
        if draft is None or not view.in_channel(caller.member_id or "", draft.channel_id):
            raise NotFoundError("no such draft")
        if body.version > draft.version:
            raise NotFoundError("no such version")
        target = view.channels.get(body.channel_id)
        if target is None or not view.in_channel(caller.member_id or "", target.id):
            raise NotFoundError("no such channel")
        if target.id == draft.channel_id:
            raise InvalidInputError("a briefing shares a draft with another channel")
        source_members = view.channel_members[draft.channel_id]
        if not source_members <= view.channel_members[target.id]:
            raise InvalidInputError("a briefing goes to a wider channel: every member of the "
                                    "draft's channel must belong to it")
        if any(b.version == body.version and b.channel_id == target.id
               for b in view.briefings.get(draft.id, [])):
            raise ConflictError("this version was already briefed to that channel")
        b = Briefing(id=new_id("bf"), draft_id=draft.id, version=body.version,
                     channel_id=target.id, briefed_by=caller.member_id or "", created_at=now())
        session.add(b)
        record(session, room, caller, "draft.brief", draft_id=draft.id, version=body.version,
               channel_id=target.id)
        return views.briefing(b)


@router.get("/rooms/{room_id}/drafts/{draft_id}/briefings")
def list_briefings(room_id: RoomId, draft_id: ObjectIdPath, state: State, session: ReadSession,
                   caller: Member) -> list[BriefingPublic]:
    """The briefings of a draft that the caller may know of."""
    draft, access = _visible_draft(session, room_id, draft_id, caller)
    view = room_view(session, room_id, drafts=[draft])
    mine = access.in_channel
    return [views.briefing(b) for b in view.briefings.get(draft.id, [])
            if mine or view.in_channel(caller.member_id or "", b.channel_id)]
