"""Checks a full backup before anything of it is written.

An import restores one room and touches nothing else, so every row of the backup must
belong to the room it creates: every member id a token, vote, channel, draft or
invitation names is one of the backup's own members, every channel, draft and proposal
it refers to is one of its own, every party is one of the scenario's, and no id or
secret hash already exists in the database (in any room). Ids, roles, statuses, names and
times are checked for shape. :func:`check_rows` runs on the data alone;
:func:`check_collisions` runs inside the import's write transaction. Either raises
:class:`~accord.service.errors.InvalidInputError` (422) naming the first bad row, and the
import then writes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.service.enums import (
    PreferencesSource,
    ProposalStatus,
    Role,
    RoundStatus,
    SuggestionKind,
    VoteChoice,
)
from accord.service.errors import InvalidInputError
from accord.store.tables import (
    NAME,
    ApiToken,
    AuditEntry,
    BlindRound,
    Briefing,
    Channel,
    Draft,
    Invitation,
    Member,
    Proposal,
    Room,
    Suggestion,
    Vote,
)

ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
HASH_RE = re.compile(r"^[0-9a-f]{64}$")
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
MAX_VERSION = 2**31 - 1


def _fail(where: str, what: str) -> InvalidInputError:
    return InvalidInputError(f"backup {where}: {what}")


def _row(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(where, "must be an object")
    return value


def _list(data: dict[str, Any], key: str, where: str) -> list[Any]:
    value = data.get(key)
    if not isinstance(value, list):
        raise _fail(f"{where}.{key}", "must be a list")
    return value


def _id(row: dict[str, Any], key: str, where: str) -> str:
    value = row.get(key)
    if not isinstance(value, str) or not ID_RE.match(value):
        raise _fail(f"{where}.{key}", "must be an id of 1-32 letters, digits, '_' or '-'")
    return value


def _time(row: dict[str, Any], key: str, where: str, *, optional: bool = False) -> None:
    value = row.get(key)
    if value is None and optional:
        return
    if not isinstance(value, str) or not TIME_RE.match(value):
        raise _fail(f"{where}.{key}", "must be a UTC time such as 2026-01-31T12:00:00.000000Z")


def _name(row: dict[str, Any], key: str, where: str, *, empty: bool = False) -> None:
    value = row.get(key)
    if not isinstance(value, str) or len(value) > NAME or (not value and not empty) \
            or CONTROL_RE.search(value):
        raise _fail(f"{where}.{key}", f"must be text of at most {NAME} characters without "
                                      "control characters")


def _hash(row: dict[str, Any], key: str, where: str) -> str:
    value = row.get(key)
    if not isinstance(value, str) or not HASH_RE.match(value):
        raise _fail(f"{where}.{key}", "must be 64 lowercase hex digits")
    return value


def _int(row: dict[str, Any], key: str, where: str, low: int = 1,
         high: int = MAX_VERSION) -> int:
    value = row.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise _fail(f"{where}.{key}", f"must be an integer from {low} to {high}")
    return value


def _enum(row: dict[str, Any], key: str, where: str, kind: type[Any]) -> str:
    value = row.get(key)
    allowed = [str(v.value) for v in kind]
    if value not in allowed:
        raise _fail(f"{where}.{key}", f"must be one of {', '.join(allowed)}")
    return str(value)


@dataclass
class Ids:
    """The ids a backup declares, per kind (what its other rows may refer to)."""

    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: set[str] = field(default_factory=set)
    token_hashes: set[str] = field(default_factory=set)
    invitations: set[str] = field(default_factory=set)
    invitation_hashes: set[str] = field(default_factory=set)
    channels: set[str] = field(default_factory=set)
    drafts: dict[str, int] = field(default_factory=dict)
    briefings: set[str] = field(default_factory=set)
    proposals: set[str] = field(default_factory=set)
    votes: set[str] = field(default_factory=set)
    suggestions: set[str] = field(default_factory=set)
    rounds: set[str] = field(default_factory=set)


def _new(seen: set[str] | dict[str, Any], value: str, where: str) -> None:
    if value in seen:
        raise _fail(where, f"id {value!r} appears twice")


def _member_ref(ids: Ids, row: dict[str, Any], key: str, where: str, *,
                admin: bool = False) -> None:
    value = row.get(key)
    if admin and value in ("admin", "cli"):
        return
    if value not in ids.members:
        raise _fail(f"{where}.{key}", f"{value!r} is not a member of this room")


def check_rows(data: dict[str, Any], parties: Iterable[str]) -> Ids:
    """Check every row's shape and that every reference stays inside the room."""
    party_set = set(parties)
    ids = Ids()
    room = _row(data.get("room"), "room")
    _id(room, "id", "room")
    _name(room, "title", "room")
    _time(room, "created_at", "room")
    _int(room, "version", "room")
    if not isinstance(room.get("mediator_sees_preferences"), bool) or \
            not isinstance(room.get("sealed_votes", False), bool):
        raise _fail("room", "mediator_sees_preferences and sealed_votes must be true or false")
    key = room.get("fingerprint_key")
    if not isinstance(key, str) or not re.fullmatch(r"[0-9a-f]{32,64}", key):
        raise _fail("room.fingerprint_key", "must be 32 to 64 lowercase hex digits")

    current_party: dict[str, str] = {}
    for k, m in enumerate(_list(data, "members", "")):
        where = f"members[{k}]"
        m = _row(m, where)
        mid = _id(m, "id", where)
        _new(ids.members, mid, where)
        role = _enum(m, "role", where, Role)
        party = m.get("party_id")
        if role == Role.PARTY:
            if party not in party_set:
                raise _fail(f"{where}.party_id", f"{party!r} is not a party of the scenario")
            if m.get("revoked_at") is None:
                if party in current_party:
                    raise _fail(f"{where}.party_id", f"party {party!r} has two current members")
                current_party[str(party)] = mid
        elif party is not None:
            raise _fail(f"{where}.party_id", "only a party member speaks for a party")
        _name(m, "name", where)
        _time(m, "created_at", where)
        _time(m, "revoked_at", where, optional=True)
        ids.members[mid] = m

    for k, t in enumerate(_list(data, "tokens", "")):
        where = f"tokens[{k}]"
        t = _row(t, where)
        tid = _id(t, "id", where)
        _new(ids.tokens, tid, where)
        _member_ref(ids, t, "member_id", where)
        digest = _hash(t, "token_hash", where)
        _new(ids.token_hashes, digest, f"{where}.token_hash")
        _name(t, "label", where, empty=True)
        _time(t, "created_at", where)
        _time(t, "expires_at", where, optional=True)
        _time(t, "revoked_at", where, optional=True)
        ids.tokens.add(tid)
        ids.token_hashes.add(digest)

    for k, i in enumerate(_list(data, "invitations", "")):
        where = f"invitations[{k}]"
        i = _row(i, where)
        iid = _id(i, "id", where)
        _new(ids.invitations, iid, where)
        role = _enum(i, "role", where, Role)
        party = i.get("party_id")
        if (role == Role.PARTY) != (party is not None) or (party is not None
                                                           and party not in party_set):
            raise _fail(f"{where}.party_id", "a party invitation names a scenario party; "
                                             "others name none")
        digest = _hash(i, "token_hash", where)
        _new(ids.invitation_hashes, digest, f"{where}.token_hash")
        _name(i, "name", where)
        _member_ref(ids, i, "created_by", where, admin=True)
        _time(i, "created_at", where)
        _time(i, "expires_at", where, optional=True)
        _time(i, "used_at", where, optional=True)
        if i.get("member_id") is not None:
            _member_ref(ids, i, "member_id", where)
        ids.invitations.add(iid)
        ids.invitation_hashes.add(digest)

    seen_prefs: set[str] = set()
    for k, p in enumerate(_list(data, "preferences", "")):
        where = f"preferences[{k}]"
        p = _row(p, where)
        party = p.get("party_id")
        if party not in party_set or party in seen_prefs:
            raise _fail(f"{where}.party_id", f"{party!r} is not a scenario party, or repeats")
        seen_prefs.add(str(party))
        _enum(p, "source", where, PreferencesSource)
        _int(p, "version", where)
        _time(p, "updated_at", where)
        _member_ref(ids, p, "updated_by", where)
        if not isinstance(p.get("preferences"), dict):
            raise _fail(f"{where}.preferences", "must be an object")

    for k, c in enumerate(_list(data, "channels", "")):
        where = f"channels[{k}]"
        c = _row(c, where)
        cid = _id(c, "id", where)
        _new(ids.channels, cid, where)
        _name(c, "name", where)
        if not isinstance(c.get("everyone"), bool):
            raise _fail(f"{where}.everyone", "must be true or false")
        _member_ref(ids, c, "created_by", where)
        _time(c, "created_at", where)
        members = c.get("member_ids")
        if not isinstance(members, list) or (c["everyone"] and members):
            raise _fail(f"{where}.member_ids", "must be a list (empty for everyone channels)")
        for mid in members:
            if mid not in ids.members:
                raise _fail(f"{where}.member_ids", f"{mid!r} is not a member of this room")
        ids.channels.add(cid)

    for k, d in enumerate(_list(data, "drafts", "")):
        where = f"drafts[{k}]"
        d = _row(d, where)
        did = _id(d, "id", where)
        _new(ids.drafts, did, where)
        if d.get("channel_id") not in ids.channels:
            raise _fail(f"{where}.channel_id", "is not a channel of this room")
        _name(d, "title", where)
        latest = _int(d, "version", where)
        _member_ref(ids, d, "created_by", where)
        _time(d, "created_at", where)
        _time(d, "updated_at", where)
        versions = _list(d, "versions", where)
        numbers = []
        for j, v in enumerate(versions):
            vw = f"{where}.versions[{j}]"
            v = _row(v, vw)
            numbers.append(_int(v, "version", vw))
            _member_ref(ids, v, "author_id", vw)
            _time(v, "created_at", vw)
            if not isinstance(v.get("note"), str):
                raise _fail(f"{vw}.note", "must be text")
            if not isinstance(v.get("choices"), dict) or not isinstance(v.get("texts"), dict):
                raise _fail(vw, "choices and texts must be objects")
        if numbers != list(range(1, latest + 1)):
            raise _fail(f"{where}.versions", f"must be versions 1..{latest} in order")
        ids.drafts[did] = latest

    for k, b in enumerate(_list(data, "briefings", "")):
        where = f"briefings[{k}]"
        b = _row(b, where)
        bid = _id(b, "id", where)
        _new(ids.briefings, bid, where)
        draft = b.get("draft_id")
        if draft not in ids.drafts:
            raise _fail(f"{where}.draft_id", "is not a draft of this room")
        _int(b, "version", where, 1, ids.drafts[str(draft)])
        if b.get("channel_id") not in ids.channels:
            raise _fail(f"{where}.channel_id", "is not a channel of this room")
        _member_ref(ids, b, "briefed_by", where)
        _time(b, "created_at", where)
        ids.briefings.add(bid)

    for k, p in enumerate(_list(data, "proposals", "")):
        where = f"proposals[{k}]"
        p = _row(p, where)
        pid = _id(p, "id", where)
        _new(ids.proposals, pid, where)
        _name(p, "title", where)
        _enum(p, "status", where, ProposalStatus)
        _int(p, "version", where)
        _member_ref(ids, p, "created_by", where)
        _time(p, "created_at", where)
        _time(p, "decided_at", where, optional=True)
        draft = p.get("draft_id")
        if draft is not None:
            if draft not in ids.drafts:
                raise _fail(f"{where}.draft_id", "is not a draft of this room")
            _int(p, "draft_version", where, 1, ids.drafts[str(draft)])
        elif p.get("draft_version") is not None:
            raise _fail(f"{where}.draft_version", "needs a draft_id")
        if not isinstance(p.get("choices"), dict):
            raise _fail(f"{where}.choices", "must be an object")
        voted: set[str] = set()
        for j, v in enumerate(_list(p, "votes", where)):
            vw = f"{where}.votes[{j}]"
            v = _row(v, vw)
            vid = _id(v, "id", vw)
            _new(ids.votes, vid, vw)
            _member_ref(ids, v, "member_id", vw)
            voter = ids.members[str(v["member_id"])]
            if voter["role"] != Role.PARTY or voter["party_id"] != v.get("party_id") \
                    or v.get("party_id") in voted:
                raise _fail(f"{vw}.party_id", "must be the voting member's own party, once")
            voted.add(str(v["party_id"]))
            _enum(v, "vote", vw, VoteChoice)
            _int(v, "version", vw)
            _time(v, "created_at", vw)
            _time(v, "updated_at", vw)
            ids.votes.add(vid)
        ids.proposals.add(pid)

    for k, sg in enumerate(_list(data, "suggestions", "")):
        where = f"suggestions[{k}]"
        sg = _row(sg, where)
        sid = _id(sg, "id", where)
        _new(ids.suggestions, sid, where)
        _enum(sg, "kind", where, SuggestionKind)
        _member_ref(ids, sg, "created_by", where)
        _time(sg, "created_at", where)
        if not isinstance(sg.get("utilities"), dict) or not isinstance(sg.get("details"),
                                                                       dict):
            raise _fail(where, "utilities and details must be objects")
        ids.suggestions.add(sid)

    for k, r in enumerate(_list(data, "blind_rounds", "")):
        where = f"blind_rounds[{k}]"
        r = _row(r, where)
        rid = _id(r, "id", where)
        _new(ids.rounds, rid, where)
        _name(r, "title", where)
        _enum(r, "status", where, RoundStatus)
        _member_ref(ids, r, "created_by", where)
        _time(r, "created_at", where)
        _time(r, "closed_at", where, optional=True)
        if r.get("overlap") is not None and not isinstance(r["overlap"], list):
            raise _fail(f"{where}.overlap", "must be a list or null")
        for j, s in enumerate(_list(r, "submissions", where)):
            sw = f"{where}.submissions[{j}]"
            s = _row(s, sw)
            if s.get("party_id") not in party_set:
                raise _fail(f"{sw}.party_id", "is not a scenario party")
            _int(s, "version", sw)
            _time(s, "submitted_at", sw)
        for j, m in enumerate(_list(r, "marks", where)):
            mw = f"{where}.marks[{j}]"
            m = _row(m, mw)
            if m.get("party_id") not in party_set:
                raise _fail(f"{mw}.party_id", "is not a scenario party")
            _hash(m, "package_key", mw)
            if not isinstance(m.get("choices"), dict):
                raise _fail(f"{mw}.choices", "must be an object")
        ids.rounds.add(rid)
    return ids


def check_collisions(session: Session, room_id: str, ids: Ids) -> None:
    """Refuse a backup whose ids or secret hashes already exist (in any room)."""
    checks: list[tuple[str, Any, Iterable[str]]] = [
        ("member id", Member.id, ids.members),
        ("token id", ApiToken.id, ids.tokens),
        ("token hash", ApiToken.token_hash, ids.token_hashes),
        ("invitation id", Invitation.id, ids.invitations),
        ("invitation hash", Invitation.token_hash, ids.invitation_hashes),
        ("channel id", Channel.id, ids.channels),
        ("draft id", Draft.id, ids.drafts),
        ("briefing id", Briefing.id, ids.briefings),
        ("proposal id", Proposal.id, ids.proposals),
        ("vote id", Vote.id, ids.votes),
        ("suggestion id", Suggestion.id, ids.suggestions),
        ("round id", BlindRound.id, ids.rounds),
    ]
    for label, column, values in checks:
        wanted = sorted(values)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            hit = session.scalars(select(column).where(column.in_(chunk)).limit(1)).first()
            if hit is not None:
                shown = hit if "hash" not in label else hit[:12] + "…"
                raise InvalidInputError(f"backup refused: {label} {shown} already exists "
                                        "in this database (an import touches only its own "
                                        "room)")
    orphan = session.scalars(select(AuditEntry.seq).where(AuditEntry.room_id == room_id)
                             .limit(1)).first()
    if orphan is not None or session.get(Room, room_id) is not None:
        raise InvalidInputError(f"backup refused: room {room_id} already has records here")
