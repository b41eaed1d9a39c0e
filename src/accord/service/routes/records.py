"""The audit log, its verification, room export and import."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from accord.service import backup
from accord.service.audit import page, verify
from accord.service.deps import Admin, MediatorOrAdmin, RoomId, State
from accord.service.errors import ForbiddenError, NotFoundError
from accord.service.rooms import room_public
from accord.service.schemas import AuditPage, RoomBackupIn, RoomPublic, VerdictPublic
from accord.store import repo

router = APIRouter(tags=["records"])


@router.get("/rooms/{room_id}/audit")
def audit_log(room_id: RoomId, state: State, _caller: MediatorOrAdmin,
              after_seq: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
              limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> AuditPage:
    """Entries of the room's hash-chained audit log after ``after_seq`` (mediator, admin)."""
    with state.db.snapshot() as session:
        room = repo.get_room(session, room_id)
        if room is None:
            raise NotFoundError("no such room")
        return page(session, room, after_seq, limit)


@router.get("/rooms/{room_id}/audit/verify")
def audit_verify(room_id: RoomId, state: State, _caller: MediatorOrAdmin) -> VerdictPublic:
    """Recompute the room's hash chain: the first edited, removed or reordered entry."""
    with state.db.snapshot() as session:
        return verify(session, room_id)


@router.get("/rooms/{room_id}/export")
def export_room(room_id: RoomId, state: State, caller: MediatorOrAdmin,
                full: Annotated[bool, Query()] = False) -> dict[str, Any]:
    """Export the room as JSON (mediator, admin).

    ``full=true`` is a backup with every party's preferences: the administrator, or the
    mediator of a room that lets the mediator see preferences.
    """
    with state.db.snapshot() as session:
        room = repo.get_room(session, room_id)
        if room is None:
            raise NotFoundError("no such room")
        if full and not caller.admin and not room.mediator_sees_preferences:
            raise ForbiddenError("a full backup holds every party's preferences: only the "
                                 "administrator may take one in this room")
        return backup.export_room(session, room, full=full, viewer=caller.member_id)


@router.post("/rooms/import", status_code=status.HTTP_201_CREATED)
def import_room(body: RoomBackupIn, state: State, caller: Admin) -> RoomPublic:
    """Restore a room from a full backup (administrator; larger ones: ``accord room import``)."""
    room = backup.import_room(state.db, body.model_dump(), caller.actor)
    state.scenarios.forget(room.id)
    with state.db.read() as session:
        return room_public(session, room, state.scenarios)
