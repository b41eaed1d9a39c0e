"""Recording state changes in the room's hash chain, reading it back, and proving the state.

:func:`record` must be called inside the write transaction that makes the change (see
:func:`accord.service.deps.room_write`), so the change and its entry commit together or
not at all. Payloads name objects and versions, never preferences, marks or draft texts.

:func:`verify_room` checks three things: the chain (no entry edited, removed or
reordered), the state (replaying the log gives what the tables hold, see
:mod:`accord.service.replay`) and, when given one, a head published earlier (the log
still contains it, so history before it was not rewritten).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import Session

from accord.service.audit_view import visible_entries
from accord.service.deps import Principal
from accord.service.errors import InvalidInputError
from accord.service.replay import check_entries, state_from_tables
from accord.service.schemas import AuditEntryPublic, AuditPage, VerdictPublic
from accord.store import audit as chain
from accord.store.tables import AuditEntry, Room

STATE_PREFIX = "the tables disagree with the log: "
HEAD_RE = re.compile(r"^(?:(\d{1,9}):)?([0-9a-f]{64})$")


def record(session: Session, room: Room, principal: Principal | str, action: str,
           **payload: Any) -> AuditEntry:
    """Append ``action`` by ``principal`` to the room's chain."""
    actor = principal if isinstance(principal, str) else principal.actor
    return chain.append(session, room, actor, action, payload)


def page(session: Session, room: Room, after_seq: int, limit: int,
         reader: str | None) -> AuditPage:
    """Entries with ``seq > after_seq``, at most ``limit``, as ``reader`` may see them.

    ``reader`` is a member id, or ``None`` for the administrator (who sees every entry).
    """
    entries = visible_entries(chain.entries_of(session, room.id), reader)
    shown = [e for e in entries if e.seq > after_seq][:limit]
    return AuditPage(
        room_id=room.id,
        entries=[AuditEntryPublic(seq=e.seq, at=e.at, actor=e.actor, action=e.action,
                                  payload=e.payload, prev_hash=e.prev_hash, hash=e.hash,
                                  redacted=e.redacted) for e in shown],
        head_seq=room.audit_seq, head_hash=room.audit_head)


def head_of(room: Room) -> str:
    """The head to publish: ``SEQ:HASH`` of the room's newest entry."""
    return f"{room.audit_seq}:{room.audit_head}"


def parse_head(text: str) -> tuple[int | None, str]:
    """A published head, ``SEQ:HASH`` or ``HASH``."""
    m = HEAD_RE.match(text.strip())
    if m is None:
        raise InvalidInputError("a published head is SEQ:HASH or HASH (64 hex digits)")
    return (int(m.group(1)) if m.group(1) else None), m.group(2)


def verify_room(session: Session, room_id: str, head: str | None = None) -> chain.Verdict:
    """Verify a room's chain, the state its log implies, and optionally a published head."""
    verdict = chain.verify_room(session, room_id)
    if not verdict.valid:
        return verdict
    entries = chain.entries_of(session, room_id)
    if head is not None:
        seq, digest = parse_head(head)
        found = next((e for e in entries if e.hash == digest), None)
        if found is None or (seq is not None and found.seq != seq):
            return chain.Verdict(False, verdict.entries, seq, "the published head "
                                 f"{head.strip()[:80]} is not in the log: history was "
                                 "rewritten or the head belongs to another room",
                                 verdict.head)
    room = session.get(Room, room_id)
    if room is None:
        return chain.Verdict(False, verdict.entries, None, "no room row for this log",
                             verdict.head)
    found_diff = check_entries(({"seq": e.seq, "action": e.action, "payload": e.payload}
                                for e in entries), state_from_tables(session, room))
    if found_diff is not None:
        return chain.Verdict(False, verdict.entries, found_diff.seq,
                             f"{STATE_PREFIX}{found_diff.reason}",
                             verdict.head)
    return verdict


def verify(session: Session, room_id: str, head: str | None = None, *,
           reader: str | None = None) -> VerdictPublic:
    """Verify a room (see :func:`verify_room`), as the API shows it to ``reader``.

    A member (``reader`` set) is told where the state first disagrees, not what differs:
    the difference might describe a channel or draft it cannot open.
    """
    out = verify_room(session, room_id, head).to_dict()
    if reader is not None and out["reason"].startswith(STATE_PREFIX):
        out["reason"] = (f"{STATE_PREFIX}the first disagreement is set by entry "
                         f"{out['first_bad_seq']} (the administrator sees the details)")
    return VerdictPublic(**out)
