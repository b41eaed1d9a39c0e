"""The hash chain detects any edited, removed, reordered or added entry."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import delete, text, update

from accord.store import audit
from accord.store.db import Database, migrate, open_database
from accord.store.tables import AuditEntry, Room, now
from tests.service.conftest import run_cli


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = open_database(db_url)
    migrate(database)
    yield database
    database.dispose()


def _room(db: Database, n: int = 6) -> str:
    with db.write() as s:
        room = Room(id="rm_0123456789abcdef", title="t", scenario_id="s", scenario_json="{}",
                    mediator_sees_preferences=False, fingerprint_key="00" * 32, version=1,
                    created_at=now(), audit_seq=0, audit_head=audit.GENESIS)
        s.add(room)
        s.flush()
        for k in range(n):
            audit.append(s, room, "mediator:mb_1", f"action.{k}", {"k": k, "text": "é"})
    return room.id


def _consistent_room(db: Database) -> str:
    """A room whose log implies exactly its row (renamed five times)."""
    with db.write() as s:
        room = Room(id="rm_0123456789abcdef", title="t", scenario_id="s", scenario_json="{}",
                    mediator_sees_preferences=False, fingerprint_key="00" * 32, version=1,
                    created_at=now(), audit_seq=0, audit_head=audit.GENESIS)
        s.add(room)
        s.flush()
        audit.append(s, room, "admin", "room.create", {
            "title": "t", "scenario_id": "s", "mediator_sees_preferences": False})
        for k in range(5):
            room.title, room.version = f"t{k}é", k + 2
            audit.append(s, room, "mediator:mb_1", "room.update",
                         {"version": k + 2, "title": room.title})
    return room.id


def _verify(db: Database, room: str) -> audit.Verdict:
    with db.read() as s:
        return audit.verify_room(s, room)


def test_intact_chain_verifies(db: Database) -> None:
    room = _room(db)
    v = _verify(db, room)
    assert v.valid and v.entries == 6 and v.first_bad_seq is None


def test_edited_payload_is_detected(db: Database) -> None:
    room = _room(db)
    with db.write() as s:
        s.execute(update(AuditEntry).where(AuditEntry.seq == 3)
                  .values(payload='{"k":3,"text":"forged"}'))
    v = _verify(db, room)
    assert not v.valid and v.first_bad_seq == 3


@pytest.mark.parametrize("column,value", [("actor", "admin"), ("action", "x"),
                                          ("at", "2000-01-01T00:00:00.000000Z")])
def test_edited_fields_are_detected(db: Database, column: str, value: str) -> None:
    room = _room(db)
    with db.write() as s:
        s.execute(update(AuditEntry).where(AuditEntry.seq == 2).values({column: value}))
    assert _verify(db, room).first_bad_seq == 2


def test_edit_with_recomputed_hash_breaks_the_next_link(db: Database) -> None:
    room = _room(db)
    with db.write() as s:
        e = s.get(AuditEntry, (room, 4))
        assert e is not None
        e.payload = '{"k":4,"text":"forged"}'
        e.hash = audit.entry_hash(e.prev_hash, e.seq, e.at, e.actor, e.action, e.payload)
    assert _verify(db, room).first_bad_seq == 5


def test_removed_entry_is_detected(db: Database) -> None:
    room = _room(db)
    with db.write() as s:
        s.execute(delete(AuditEntry).where(AuditEntry.seq == 2))
    assert _verify(db, room).first_bad_seq == 2


def test_removed_tail_is_detected(db: Database) -> None:
    room = _room(db)
    with db.write() as s:
        s.execute(delete(AuditEntry).where(AuditEntry.seq >= 5))
    v = _verify(db, room)
    assert not v.valid and v.first_bad_seq == 5


def test_reordered_entries_are_detected(db: Database) -> None:
    room = _room(db)
    with db.write() as s:  # swap entries 2 and 3
        s.execute(update(AuditEntry).where(AuditEntry.seq == 2).values(seq=-2))
        s.execute(update(AuditEntry).where(AuditEntry.seq == 3).values(seq=2))
        s.execute(update(AuditEntry).where(AuditEntry.seq == -2).values(seq=3))
    assert _verify(db, room).first_bad_seq == 2


def test_added_entry_is_detected(db: Database) -> None:
    room = _room(db)
    with db.write() as s:
        last = s.get(AuditEntry, (room, 6))
        assert last is not None
        at, payload = now(), "{}"
        h = audit.entry_hash(last.hash, 7, at, "admin", "forged", payload)
        s.add(AuditEntry(room_id=room, seq=7, at=at, actor="admin", action="forged",
                         payload=payload, prev_hash=last.hash, hash=h))
    v = _verify(db, room)
    assert not v.valid and v.first_bad_seq == 7


def test_cli_verify_exit_codes(db: Database, db_url: str) -> None:
    room = _consistent_room(db)
    code, _out, err = run_cli("audit", "verify", room, "--db", db_url)
    assert code == 0, err
    with db.write() as s:
        s.execute(text("UPDATE audit_log SET payload = :p WHERE seq = 4"),
                  {"p": '{"title":"x","version":4}'})
    code, out, _err = run_cli("audit", "verify", room, "--db", db_url, "--json")
    assert code == 1
    assert '"first_bad_seq": 4' in out
    code, _out, err = run_cli("audit", "verify", room, "--db", db_url)
    assert code == 1 and "seq 4" in err
    code, _out, err = run_cli("audit", "verify", "rm_ffffffffffffffff", "--db", db_url)
    assert code == 2 and "no room" in err
    code, out, _err = run_cli("audit", "export", room, "--db", db_url)
    assert code == 0 and '"valid": false' in out


def test_verify_entries_is_pure() -> None:
    entries = []
    prev = audit.GENESIS
    for seq in (1, 2):
        h = audit.entry_hash(prev, seq, "t", "a", "x", "{}")
        entries.append({"seq": seq, "at": "t", "actor": "a", "action": "x", "payload": "{}",
                        "prev_hash": prev, "hash": h})
        prev = h
    assert audit.verify_entries(entries, 2, prev).valid
    assert audit.verify_entries(entries[::-1]).first_bad_seq == 1
    assert audit.verify_entries(entries, 3, prev).first_bad_seq == 3
    broken = [dict(entries[0], payload="not json"), entries[1]]
    assert audit.verify_entries(broken).first_bad_seq == 1
