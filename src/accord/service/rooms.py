"""Rooms, members, tokens and invitations: the operations behind the routes and the CLI."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from accord.model import Scenario
from accord.service import names
from accord.service.audit import record
from accord.service.deps import Principal
from accord.service.enums import Role
from accord.service.errors import (
    ConflictError,
    ForbiddenError,
    GoneError,
    InvalidInputError,
    NotFoundError,
)
from accord.service.scenarios import ScenarioCache, public_view, room_document, to_document
from accord.service.schemas import RoomPublic
from accord.service.security import hash_secret, new_room_key, new_secret
from accord.store import canon, repo
from accord.store.audit import GENESIS
from accord.store.db import Database
from accord.store.tables import (
    ApiToken,
    Channel,
    Invitation,
    Member,
    Room,
    days_from_now,
    new_id,
    now,
)


@dataclass(frozen=True)
class IssuedToken:
    """A token secret (shown once) and its row."""

    secret: str
    row: ApiToken


def issue_token(session: Session, member: Member, *, days: float | None,
                label: str = "") -> IssuedToken:
    """A new random token for a member; only its hash is stored."""
    secret = new_secret()
    row = ApiToken(id=new_id("tk"), member_id=member.id, token_hash=hash_secret(secret),
                   label=label, created_at=now(),
                   expires_at=days_from_now(days) if days else None)
    session.add(row)
    return IssuedToken(secret, row)


def create_room(db: Database, *, title: str, scenario: Scenario, mediator_name: str,
                mediator_sees_preferences: bool, actor: str,
                token_days: float | None = None,
                sealed_votes: bool = False) -> tuple[Room, Member, str]:
    """Create a room with its mediator and plenary channel; return the mediator's token."""
    doc = to_document(scenario)
    stamp = now()
    mediator_name = names.normalise(mediator_name, "mediator's name")
    with db.write() as session:
        room = Room(id=new_id("rm"), title=title, scenario_id=scenario.id,
                    scenario_json=canon.dumps(doc),
                    mediator_sees_preferences=mediator_sees_preferences,
                    sealed_votes=sealed_votes, fingerprint_key=new_room_key(), version=1,
                    created_at=stamp,
                    audit_seq=0, audit_head=GENESIS)
        session.add(room)
        session.flush()
        mediator = Member(id=new_id("mb"), room_id=room.id, role="mediator", party_id=None,
                          name=mediator_name, created_at=stamp)
        session.add(mediator)
        session.flush()
        plenary = Channel(id=new_id("ch"), room_id=room.id, name="plenary", everyone=True,
                          created_by=mediator.id, created_at=stamp)
        session.add(plenary)
        session.flush()
        token = issue_token(session, mediator, days=token_days, label="mediator")
        record(session, room, actor, "room.create", title=title, scenario_id=scenario.id,
               mediator_sees_preferences=mediator_sees_preferences,
               sealed_votes=sealed_votes)
        record(session, room, actor, "member.add", member_id=mediator.id, role="mediator",
               party_id=None, via="room.create", token_id=token.row.id)
        record(session, room, actor, "channel.create", channel_id=plenary.id,
               name="plenary", everyone=True, member_ids=[])
    return room, mediator, token.secret


def room_public(session: Session, room: Room, cache: ScenarioCache) -> RoomPublic:
    """A room as members see it."""
    doc = room_document(cache, session, room.id)
    stored = dict(repo.preferences_versions(session, room.id))
    status = {}
    for p in doc["parties"]:
        row = repo.get_preferences(session, room.id, p["id"]) if p["id"] in stored else None
        status[p["id"]] = row.source if row is not None else "scenario"
    plenary = repo.plenary_of(session, room.id)
    return RoomPublic(id=room.id, title=room.title, scenario_id=room.scenario_id,
                      mediator_sees_preferences=room.mediator_sees_preferences,
                      sealed_votes=room.sealed_votes, version=room.version,
                      created_at=room.created_at,
                      scenario=public_view(doc), preferences_status=status,
                      plenary_channel_id=plenary.id if plenary else None)


def party_ids(cache: ScenarioCache, session: Session, room: Room) -> list[str]:
    """The scenario's party ids."""
    doc = room_document(cache, session, room.id)
    return [p["id"] for p in doc["parties"]]


def invite(session: Session, room: Room, principal: Principal, cache: ScenarioCache, *,
           role: str, name: str, party_id: str | None,
           days: float) -> tuple[Invitation, str]:
    """Create a single-use invitation (the caller holds the room lock).

    The name is normalised and must differ from every current member's.
    """
    name = names.normalise(name, "member's name")
    names.require_unique(name, [m.name for m in repo.members_of(session, room.id)
                                if m.revoked_at is None], "member")
    if role == "party":
        if party_id is None:
            raise InvalidInputError("a party invitation needs party_id")
        if party_id not in party_ids(cache, session, room):
            raise InvalidInputError(f"no party {party_id!r} in this room's scenario")
        if repo.member_of_party(session, room.id, party_id) is not None:
            raise ConflictError(f"party {party_id!r} already has a member")
        pending = repo.open_party_invitation(session, room.id, party_id)
        if pending is not None and (pending.expires_at is None or pending.expires_at > now()):
            raise ConflictError(f"party {party_id!r} already has an open invitation")
    elif party_id is not None:
        raise InvalidInputError("only party invitations take party_id")
    secret = new_secret()
    inv = Invitation(id=new_id("iv"), room_id=room.id, token_hash=hash_secret(secret),
                     role=role, party_id=party_id, name=name,
                     created_by=principal.member_id or "admin", created_at=now(),
                     expires_at=days_from_now(days))
    session.add(inv)
    record(session, room, principal, "invitation.create", invitation_id=inv.id, role=role,
           party_id=party_id)
    return inv, secret


def accept(db: Database, secret: str, name: str | None,
           token_days: float | None) -> tuple[Member, IssuedToken]:
    """Redeem an invitation: a new member and its token."""
    digest = hash_secret(secret)
    with db.read() as session:
        found = repo.invitation_by_hash(session, digest)
        room_id = found.room_id if found else None
    if room_id is None:
        raise NotFoundError("unknown invitation")
    with db.write() as session:
        room = repo.lock_room(session, room_id)
        inv = repo.invitation_by_hash(session, digest)
        if room is None or inv is None:
            raise NotFoundError("unknown invitation")
        if inv.used_at is not None:
            raise ConflictError("this invitation was already used")
        if inv.expires_at is not None and inv.expires_at <= now():
            raise GoneError("this invitation has expired")
        if inv.party_id is not None and repo.member_of_party(session, room.id,
                                                             inv.party_id) is not None:
            raise ConflictError(f"party {inv.party_id!r} already has a member")
        if name is not None and names.key(name) != names.key(inv.name):
            raise InvalidInputError("the mediator chose this member's name "
                                    f"({inv.name!r}); accept without a name")
        names.require_unique(inv.name, [m.name for m in repo.members_of(session, room.id)
                                        if m.revoked_at is None], "member")
        member = Member(id=new_id("mb"), room_id=room.id, role=inv.role, party_id=inv.party_id,
                        name=inv.name, created_at=now())
        session.add(member)
        session.flush()
        inv.used_at = member.created_at
        inv.member_id = member.id
        token = issue_token(session, member, days=token_days, label="invitation")
        record(session, room, f"{member.role}:{member.id}", "member.add", member_id=member.id,
               role=member.role, party_id=member.party_id, via=inv.id,
               token_id=token.row.id)
    return member, token


def is_owner(session: Session, room: Room, member: Member) -> bool:
    """Whether ``member`` is the mediator appointed with the room (not invited)."""
    if member.role != Role.MEDIATOR:
        return False
    return not any(i.member_id == member.id for i in repo.invitations_of(session, room.id))


def revoke_member(session: Session, room: Room, principal: Principal,
                  member_id: str) -> Member:
    """Revoke a member and every token of theirs."""
    m = repo.get_member(session, room.id, member_id)
    if m is None:
        raise NotFoundError("no such member")
    if m.id == principal.member_id:
        raise InvalidInputError("a mediator cannot revoke themselves")
    if m.revoked_at is not None:
        raise ConflictError("this member is already revoked")
    if m.role == Role.MEDIATOR and is_owner(session, room, m):
        raise ForbiddenError("this is the room's owner, the mediator the administrator "
                             "appointed; a co-mediator cannot revoke them")
    stamp = now()
    m.revoked_at = stamp
    for t in repo.tokens_of(session, [m.id]):
        if t.revoked_at is None:
            t.revoked_at = stamp
    record(session, room, principal, "member.revoke", member_id=m.id)
    return m

