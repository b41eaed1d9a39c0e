"""The tables of a mediation room (SQLAlchemy 2 declarative models).

Conventions, chosen for portability between SQLite and PostgreSQL and for exact
export/import round trips:

* ids are short random strings with a prefix (``rm_``, ``mb_``...), see :func:`new_id`;
* times are UTC ISO-8601 strings of fixed width (``2025-01-31T12:00:00.000000Z``), which
  sort lexicographically, see :func:`now`;
* structured values (choices, texts, preference blocks) are canonical JSON text
  (:func:`accord.store.canon.dumps`), so what is hashed, exported and compared is exactly
  what is stored.

The schema itself is created only by the migrations; a test checks that the migrations
and these models agree.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID = 32
TIME = 32
NAME = 200


def new_id(prefix: str) -> str:
    """A random identifier such as ``rm_1f2e3d4c5b6a7988``."""
    return f"{prefix}_{secrets.token_hex(8)}"


def now() -> str:
    """The current UTC time as a fixed-width ISO-8601 string."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def days_from_now(days: float) -> str:
    """The UTC time ``days`` from now, in the format of :func:`now`."""
    return (datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Base(DeclarativeBase):
    """Declarative base with a naming convention for constraints."""

    metadata = MetaData(naming_convention=NAMING)


class Room(Base):
    """A mediation room over one scenario.

    ``scenario_json`` holds the whole scenario file (preferences included, so private);
    ``audit_seq``/``audit_head`` anchor the hash chain so a removed tail is detected.
    """

    __tablename__ = "rooms"

    id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    title: Mapped[str] = mapped_column(String(NAME))
    scenario_id: Mapped[str] = mapped_column(String(NAME))
    scenario_json: Mapped[str] = mapped_column(Text, deferred=True)
    mediator_sees_preferences: Mapped[bool] = mapped_column(Boolean, default=False)
    #: votes' values are hidden (but who voted is not) until their proposal is decided
    sealed_votes: Mapped[bool] = mapped_column(Boolean, default=False,
                                               server_default=false())
    #: characters stored in the room's draft versions (what the storage quota counts)
    draft_chars: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    fingerprint_key: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[str] = mapped_column(String(TIME))
    audit_seq: Mapped[int] = mapped_column(Integer, default=0)
    audit_head: Mapped[str] = mapped_column(String(64))


class Member(Base):
    """Someone in a room: a mediator, a party (bound to a scenario party) or an observer."""

    __tablename__ = "members"

    id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    room_id: Mapped[str] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"),
                                         index=True)
    role: Mapped[str] = mapped_column(String(16))
    party_id: Mapped[str | None] = mapped_column(String(NAME), nullable=True)
    name: Mapped[str] = mapped_column(String(NAME))
    created_at: Mapped[str] = mapped_column(String(TIME))
    revoked_at: Mapped[str | None] = mapped_column(String(TIME), nullable=True)


class ApiToken(Base):
    """A member's API token, stored only as the SHA-256 hash of the secret."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"),
                                           index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(NAME), default="")
    created_at: Mapped[str] = mapped_column(String(TIME))
    expires_at: Mapped[str | None] = mapped_column(String(TIME), nullable=True)
    revoked_at: Mapped[str | None] = mapped_column(String(TIME), nullable=True)


class Invitation(Base):
    """A single-use invitation to join a room in a given role."""

    __tablename__ = "invitations"

    id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    room_id: Mapped[str] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"),
                                         index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    party_id: Mapped[str | None] = mapped_column(String(NAME), nullable=True)
    name: Mapped[str] = mapped_column(String(NAME))
    created_by: Mapped[str] = mapped_column(String(ID))
    created_at: Mapped[str] = mapped_column(String(TIME))
    expires_at: Mapped[str | None] = mapped_column(String(TIME), nullable=True)
    used_at: Mapped[str | None] = mapped_column(String(TIME), nullable=True)
    member_id: Mapped[str | None] = mapped_column(String(ID), nullable=True)


class PartyPreferences(Base):
    """A party's own preferences block (private to that party)."""

    __tablename__ = "party_preferences"

    room_id: Mapped[str] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"),
                                         primary_key=True)
    party_id: Mapped[str] = mapped_column(String(NAME), primary_key=True)
    body_json: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[str] = mapped_column(String(TIME))
    updated_by: Mapped[str] = mapped_column(String(ID))


class Channel(Base):
    """A subset of a room's members; ``everyone`` channels include every current member."""

    __tablename__ = "channels"

    id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    room_id: Mapped[str] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"),
                                         index=True)
    name: Mapped[str] = mapped_column(String(NAME))
    everyone: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(ID))
    created_at: Mapped[str] = mapped_column(String(TIME))


class ChannelMember(Base):
    """Membership of a (non-``everyone``) channel."""

    __tablename__ = "channel_members"

    channel_id: Mapped[str] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"),
                                            primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"),
                                           primary_key=True)


class Draft(Base):
    """A versioned plan posted in a channel; ``version`` is the latest version number."""

    __tablename__ = "drafts"

    id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    room_id: Mapped[str] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"),
                                         index=True)
    channel_id: Mapped[str] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"),
                                            index=True)
    title: Mapped[str] = mapped_column(String(NAME))
    version: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(ID))
    created_at: Mapped[str] = mapped_column(String(TIME))
    updated_at: Mapped[str] = mapped_column(String(TIME))


class DraftVersion(Base):
    """One version of a draft: an option per point and a text per point."""

    __tablename__ = "draft_versions"

    draft_id: Mapped[str] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"),
                                          primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    choices_json: Mapped[str] = mapped_column(Text)
    texts_json: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[str] = mapped_column(String(ID))
    created_at: Mapped[str] = mapped_column(String(TIME))


class Briefing(Base):
    """A draft version shared with a wider channel."""

    __tablename__ = "briefings"
    __table_args__ = (UniqueConstraint("draft_id", "version", "channel_id"),)

    id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    draft_id: Mapped[str] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"),
                                          index=True)
    version: Mapped[int] = mapped_column(Integer)
    channel_id: Mapped[str] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"),
                                            index=True)
    briefed_by: Mapped[str] = mapped_column(String(ID))
    created_at: Mapped[str] = mapped_column(String(TIME))


class Proposal(Base):
    """A complete package put to the vote under the room's ratification rule."""

    __tablename__ = "proposals"

    id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    room_id: Mapped[str] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"),
                                         index=True)
    title: Mapped[str] = mapped_column(String(NAME))
    choices_json: Mapped[str] = mapped_column(Text)
    draft_id: Mapped[str | None] = mapped_column(String(ID), nullable=True)
    draft_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(ID))
    created_at: Mapped[str] = mapped_column(String(TIME))
    decided_at: Mapped[str | None] = mapped_column(String(TIME), nullable=True)


class Vote(Base):
    """A party's vote on a proposal: one per member and per party."""

    __tablename__ = "votes"
    __table_args__ = (
        UniqueConstraint("proposal_id", "member_id"),
        UniqueConstraint("proposal_id", "party_id"),
    )

    id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    proposal_id: Mapped[str] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    party_id: Mapped[str] = mapped_column(String(NAME))
    vote: Mapped[str] = mapped_column(String(8))
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[str] = mapped_column(String(TIME))
    updated_at: Mapped[str] = mapped_column(String(TIME))


class Suggestion(Base):
    """A package computed from the private preferences.

    ``utilities_json`` maps every party to its utility and is private: each party is
    shown only its own entry.
    """

    __tablename__ = "suggestions"

    id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    room_id: Mapped[str] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"),
                                         index=True)
    kind: Mapped[str] = mapped_column(String(16))
    baseline_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    choices_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    utilities_json: Mapped[str] = mapped_column(Text)
    details_json: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(ID))
    created_at: Mapped[str] = mapped_column(String(TIME))


class BlindRound(Base):
    """A round of blind acceptance: parties mark packages privately; only the overlap shows."""

    __tablename__ = "blind_rounds"

    id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    room_id: Mapped[str] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"),
                                         index=True)
    title: Mapped[str] = mapped_column(String(NAME))
    status: Mapped[str] = mapped_column(String(16))
    overlap_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by: Mapped[str] = mapped_column(String(ID))
    created_at: Mapped[str] = mapped_column(String(TIME))
    closed_at: Mapped[str | None] = mapped_column(String(TIME), nullable=True)


class BlindSubmission(Base):
    """That a party has marked its packages in a round (not which ones)."""

    __tablename__ = "blind_submissions"

    round_id: Mapped[str] = mapped_column(ForeignKey("blind_rounds.id", ondelete="CASCADE"),
                                          primary_key=True)
    party_id: Mapped[str] = mapped_column(String(NAME), primary_key=True)
    submitted_at: Mapped[str] = mapped_column(String(TIME))
    version: Mapped[int] = mapped_column(Integer)


class BlindMark(Base):
    """One package a party would accept, in one round (private to that party)."""

    __tablename__ = "blind_marks"

    round_id: Mapped[str] = mapped_column(ForeignKey("blind_rounds.id", ondelete="CASCADE"),
                                          primary_key=True)
    party_id: Mapped[str] = mapped_column(String(NAME), primary_key=True)
    package_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    choices_json: Mapped[str] = mapped_column(Text)


class AuditEntry(Base):
    """One entry of a room's hash-chained audit log.

    ``hash = SHA-256(canonical JSON of [prev_hash, seq, at, actor, action, payload])``.
    """

    __tablename__ = "audit_log"

    room_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(TIME))
    actor: Mapped[str] = mapped_column(String(NAME))
    action: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
