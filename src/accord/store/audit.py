"""The hash-chained audit log of a room.

Every state change appends one entry in the same database transaction as the change.
Entry ``seq`` (1, 2, ...) carries ``hash = SHA-256(canonical JSON of [prev_hash, seq, at,
actor, action, payload])`` where ``prev_hash`` is the previous entry's hash (64 zeros for
the first). The room row keeps the last ``seq`` and hash (the *head*), updated in the same
transaction, so removing the newest entries is detected as well as editing, removing or
reordering any entry.

Appending requires the caller to hold the room's write lock (see
:func:`accord.store.repo.lock_room`): entries of one room are then appended one
transaction at a time and ``seq`` has no gaps.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.store import canon
from accord.store.tables import AuditEntry, Room, now

GENESIS = "0" * 64


def entry_hash(prev_hash: str, seq: int, at: str, actor: str, action: str,
               payload: str) -> str:
    """The hash of one entry (``payload`` is the stored canonical JSON text)."""
    return canon.sha256_hex(canon.dumps([prev_hash, seq, at, actor, action,
                                         canon.loads(payload)]))


def append(session: Session, room: Room, actor: str, action: str,
           payload: dict[str, Any]) -> AuditEntry:
    """Append an entry for ``room`` (whose row the caller has locked) and move the head."""
    seq = room.audit_seq + 1
    at = now()
    text = canon.dumps(payload)
    digest = entry_hash(room.audit_head, seq, at, actor, action, text)
    entry = AuditEntry(room_id=room.id, seq=seq, at=at, actor=actor, action=action,
                       payload=text, prev_hash=room.audit_head, hash=digest)
    session.add(entry)
    room.audit_seq = seq
    room.audit_head = digest
    return entry


@dataclass(frozen=True)
class Verdict:
    """The result of checking a chain.

    Attributes:
        valid: every entry checks out and the chain ends at the recorded head.
        entries: number of entries read.
        first_bad_seq: the first sequence number at which the chain breaks (``None`` if
            valid); for a removed tail it is the first missing ``seq``.
        reason: what is wrong, in words.
        head: the hash of the last entry read.
    """

    valid: bool
    entries: int
    first_bad_seq: int | None = None
    reason: str = ""
    head: str = GENESIS

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"valid": self.valid, "entries": self.entries,
                "first_bad_seq": self.first_bad_seq, "reason": self.reason, "head": self.head}


def verify_entries(entries: Sequence[dict[str, Any]], head_seq: int | None = None,
                   head_hash: str | None = None) -> Verdict:
    """Check a chain given as dicts in storage order (keys as in :class:`AuditEntry`).

    Args:
        entries: the entries, in the order they are stored (by ``seq``).
        head_seq: the recorded number of entries (``None``: not checked).
        head_hash: the recorded hash of the last entry (``None``: not checked).
    """
    prev = GENESIS
    for k, e in enumerate(entries):
        expected_seq = k + 1
        seq = int(e["seq"])
        if seq != expected_seq:
            return Verdict(False, len(entries), expected_seq,
                           f"entry {expected_seq} is missing or out of order "
                           f"(found seq {seq})", prev)
        if e["prev_hash"] != prev:
            return Verdict(False, len(entries), seq,
                           f"entry {seq} does not follow the previous entry", prev)
        try:
            digest = entry_hash(prev, seq, e["at"], e["actor"], e["action"], e["payload"])
        except ValueError:
            return Verdict(False, len(entries), seq, f"entry {seq} has a malformed payload",
                           prev)
        if digest != e["hash"]:
            return Verdict(False, len(entries), seq,
                           f"entry {seq} was altered (its hash does not match)", prev)
        prev = digest
    n = len(entries)
    if head_seq is not None and head_seq != n:
        if head_seq > n:
            return Verdict(False, n, n + 1, f"entries {n + 1}..{head_seq} are missing", prev)
        return Verdict(False, n, head_seq + 1,
                       f"entries past the recorded head {head_seq} were added", prev)
    if head_hash is not None and head_hash != prev:
        return Verdict(False, n, n or 1, "the last entry differs from the recorded head", prev)
    return Verdict(True, n, None, "", prev)


def as_dict(e: AuditEntry) -> dict[str, Any]:
    """An entry as a plain dict (the export format)."""
    return {"seq": e.seq, "at": e.at, "actor": e.actor, "action": e.action,
            "payload": e.payload, "prev_hash": e.prev_hash, "hash": e.hash}


def entries_of(session: Session, room_id: str) -> list[AuditEntry]:
    """A room's entries in ``seq`` order."""
    rows: Iterable[AuditEntry] = session.scalars(
        select(AuditEntry).where(AuditEntry.room_id == room_id).order_by(AuditEntry.seq))
    return list(rows)


def verify_room(session: Session, room_id: str) -> Verdict:
    """Check a room's chain against the head recorded in its row."""
    room = session.get(Room, room_id)
    entries = [as_dict(e) for e in entries_of(session, room_id)]
    if room is None:
        return verify_entries(entries)
    return verify_entries(entries, room.audit_seq, room.audit_head)
