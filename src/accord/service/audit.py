"""Recording state changes in the room's hash chain, and reading the chain back.

:func:`record` must be called inside the write transaction that makes the change (see
:func:`accord.service.deps.room_write`), so the change and its entry commit together or
not at all. Payloads name objects and versions, never preferences, marks or draft texts:
the log can be shown to the mediator without revealing what parties keep private.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from accord.service.deps import Principal
from accord.service.schemas import AuditEntryPublic, AuditPage, VerdictPublic
from accord.store import audit as chain
from accord.store import canon
from accord.store.tables import AuditEntry, Room


def record(session: Session, room: Room, principal: Principal | str, action: str,
           **payload: Any) -> AuditEntry:
    """Append ``action`` by ``principal`` to the room's chain."""
    actor = principal if isinstance(principal, str) else principal.actor
    return chain.append(session, room, actor, action, payload)


def page(session: Session, room: Room, after_seq: int, limit: int) -> AuditPage:
    """Entries with ``seq > after_seq``, at most ``limit``."""
    entries = [e for e in chain.entries_of(session, room.id) if e.seq > after_seq][:limit]
    return AuditPage(
        room_id=room.id,
        entries=[AuditEntryPublic(seq=e.seq, at=e.at, actor=e.actor, action=e.action,
                                  payload=canon.loads(e.payload), prev_hash=e.prev_hash,
                                  hash=e.hash) for e in entries],
        head_seq=room.audit_seq, head_hash=room.audit_head)


def verify(session: Session, room_id: str) -> VerdictPublic:
    """Verify a room's chain."""
    v = chain.verify_room(session, room_id)
    return VerdictPublic(**v.to_dict())
