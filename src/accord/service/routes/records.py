"""The audit log, its verification, room export and import, leak tracing."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from accord.service import backup, tracing
from accord.service.audit import head_of, page, verify
from accord.service.deps import Admin, MediatorOrAdmin, RoomId, State
from accord.service.errors import ForbiddenError, NotFoundError
from accord.service.rooms import room_public
from accord.service.schemas import (
    AuditHead,
    AuditPage,
    LeakTracePublic,
    LeakTraceRequest,
    RoomBackupIn,
    RoomPublic,
    VerdictPublic,
)
from accord.store import repo

router = APIRouter(tags=["records"])


@router.get("/rooms/{room_id}/audit")
def audit_log(room_id: RoomId, state: State, caller: MediatorOrAdmin,
              after_seq: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
              limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> AuditPage:
    """Entries of the room's hash-chained audit log after ``after_seq`` (mediator, admin).

    Entries about channels or drafts the caller cannot open come redacted (see the API
    reference); the administrator sees every entry.
    """
    with state.db.snapshot() as session:
        room = repo.get_room(session, room_id)
        if room is None:
            raise NotFoundError("no such room")
        return page(session, room, after_seq, limit, caller.member_id)


@router.get("/rooms/{room_id}/audit/verify")
def audit_verify(room_id: RoomId, state: State, caller: MediatorOrAdmin,
                 head: Annotated[str | None, Query(max_length=80)] = None) -> VerdictPublic:
    """Check the chain, that the tables hold what the log implies, and a published head.

    ``head`` (``SEQ:HASH`` or ``HASH``, as ``GET .../audit/head`` gave it) must still be in
    the log. A member is told the entry where the state first disagrees, not what differs
    (that might describe a channel it cannot open).
    """
    with state.db.snapshot() as session:
        return verify(session, room_id, head, reader=caller.member_id)


@router.get("/rooms/{room_id}/audit/head")
def audit_head(room_id: RoomId, state: State, _caller: MediatorOrAdmin) -> AuditHead:
    """The room's current head (``SEQ:HASH``), to publish and check later with ``head=``."""
    with state.db.read() as session:
        room = repo.get_room(session, room_id)
        if room is None:
            raise NotFoundError("no such room")
        return AuditHead(room_id=room.id, head=head_of(room), seq=room.audit_seq,
                         hash=room.audit_head)


@router.get("/rooms/{room_id}/export")
def export_room(room_id: RoomId, state: State, caller: MediatorOrAdmin,
                full: Annotated[bool, Query()] = False) -> dict[str, Any]:
    """Export the room as JSON (mediator, admin).

    ``full=true`` is a backup with every party's preferences and the room's fingerprint
    key: the administrator only. The mediator's export holds what the mediator may know,
    and never the key.
    """
    with state.db.snapshot() as session:
        room = repo.get_room(session, room_id)
        if room is None:
            raise NotFoundError("no such room")
        if full and not caller.admin:
            raise ForbiddenError("a full backup holds every party's preferences and the "
                                 "room's fingerprint key: only the administrator may take one")
        return backup.export_room(session, room, full=full, viewer=caller.member_id)


@router.post("/rooms/import", status_code=status.HTTP_201_CREATED)
def import_room(body: RoomBackupIn, state: State, caller: Admin) -> RoomPublic:
    """Restore a room from a full backup (administrator; larger ones: ``accord room import``)."""
    room = backup.import_room(state.db, body.model_dump(), caller.actor)
    state.scenarios.forget(room.id)
    with state.db.read() as session:
        return room_public(session, room, state.scenarios)


@router.post("/rooms/{room_id}/leaks/trace")
def trace_leak(room_id: RoomId, body: LeakTraceRequest, state: State,
               caller: MediatorOrAdmin) -> LeakTracePublic:
    """Name the reader whose copy of a draft leaked, with the key the server keeps.

    The mediator traces over the draft versions it may read; the administrator over all.
    """
    with state.db.read() as session:
        room = repo.get_room(session, room_id)
        if room is None:
            raise NotFoundError("no such room")
        drafts = tracing.room_drafts(session, room, caller.member_id, body.draft)
        key = bytes.fromhex(room.fingerprint_key)
    if body.draft is not None and not drafts:
        raise NotFoundError("no such draft version (or it has no text)")
    results = tracing.trace_versions(body.text, key, drafts)
    verdict = results[0].result.verdict if results else "no_match"
    return LeakTracePublic(verdict=verdict, results=[r.to_dict() for r in results])
