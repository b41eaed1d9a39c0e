"""Each party's private preferences: submit, revise, adopt the scenario's, read one's own."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from accord.service.audit import record
from accord.service.deps import (
    IfMatch,
    Mediator,
    Party,
    Principal,
    ReadSession,
    RoomId,
    State,
    etag,
    expected_version,
    room_write,
)
from accord.service.errors import ConflictError, ForbiddenError, NotFoundError
from accord.service.pref_bounds import check_numbers
from accord.service.scenarios import check_block, room_document
from accord.service.schemas import PreferencesAdopt, PreferencesPublic, PreferencesSubmit
from accord.service.state import ServiceState
from accord.store import canon, repo
from accord.store.tables import PartyPreferences, Room, now

router = APIRouter(tags=["preferences"])


def _public(doc: dict[str, Any], party_id: str,
            row: PartyPreferences | None) -> PreferencesPublic:
    if row is None:
        return PreferencesPublic(party_id=party_id, source="scenario", version=0,
                                 preferences=doc["preferences"][party_id])
    return PreferencesPublic(party_id=party_id, source=row.source, version=row.version,
                             preferences=canon.loads(row.body_json))


def _store(state: ServiceState, caller: Principal, room_id: str, expected: int,
           block: dict[str, Any] | None, source: str) -> PreferencesPublic:
    party_id = caller.party_id or ""
    with room_write(state, caller, room_id) as (session, room):
        doc = room_document(state.scenarios, session, room.id)
        row = repo.get_preferences(session, room.id, party_id)
        current = row.version if row is not None else 0
        if current != expected:
            raise ConflictError(f"your preferences are at version {current}, not {expected}")
        if block is None:
            block = doc["preferences"][party_id]
        else:
            check_numbers(block)
            check_block(doc, party_id, block)
        text = canon.dumps(block)
        if row is None:
            row = PartyPreferences(room_id=room.id, party_id=party_id, body_json=text,
                                   source=source, version=1, updated_at=now(),
                                   updated_by=caller.member_id or "")
            session.add(row)
        else:
            row.body_json, row.source, row.version = text, source, row.version + 1
            row.updated_at, row.updated_by = now(), caller.member_id or ""
        # The log says that preferences changed, never what they are.
        record(session, room, caller, f"preferences.{'adopt' if source == 'adopted' else 'submit'}",
               party_id=party_id, version=row.version)
        return _public(doc, party_id, row)


def _room(state: ServiceState, session: Any, room_id: str) -> Room:
    room = repo.get_room(session, room_id)
    if room is None:
        raise NotFoundError("no such room")
    return room


@router.get("/rooms/{room_id}/preferences/me")
def my_preferences(room_id: RoomId, response: Response, state: State, session: ReadSession,
                   caller: Party) -> PreferencesPublic:
    """One's own party's preferences (the scenario's until one submits or adopts)."""
    room = _room(state, session, room_id)
    doc = room_document(state.scenarios, session, room.id)
    out = _public(doc, caller.party_id or "",
                  repo.get_preferences(session, room.id, caller.party_id or ""))
    response.headers["ETag"] = etag(out.version)
    return out


@router.put("/rooms/{room_id}/preferences/me")
def submit_preferences(room_id: RoomId, body: PreferencesSubmit, response: Response,
                       state: State, caller: Party,
                       if_match: IfMatch = None) -> PreferencesPublic:
    """Submit or revise one's own preferences (version 0 before the first submission)."""
    expected = expected_version(if_match, body.expected_version)
    block = body.preferences.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    out = _store(state, caller, room_id, expected, block, "submitted")
    response.headers["ETag"] = etag(out.version)
    return out


@router.post("/rooms/{room_id}/preferences/me/adopt")
def adopt_preferences(room_id: RoomId, body: PreferencesAdopt, response: Response,
                      state: State, caller: Party,
                      if_match: IfMatch = None) -> PreferencesPublic:
    """Adopt the scenario's preferences for one's own party."""
    expected = expected_version(if_match, body.expected_version)
    out = _store(state, caller, room_id, expected, None, "adopted")
    response.headers["ETag"] = etag(out.version)
    return out


@router.get("/rooms/{room_id}/preferences")
def all_preferences(room_id: RoomId, state: State, session: ReadSession,
                    _caller: Mediator) -> list[PreferencesPublic]:
    """Every party's preferences (mediator, and only where the room allows it)."""
    room = _room(state, session, room_id)
    if not room.mediator_sees_preferences:
        raise ForbiddenError("this room does not let the mediator see preferences")
    doc = room_document(state.scenarios, session, room.id)
    return [_public(doc, p["id"], repo.get_preferences(session, room.id, p["id"]))
            for p in doc["parties"]]
