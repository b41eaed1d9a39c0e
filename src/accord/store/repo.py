"""Repository functions: the queries the service runs, one place for each.

Write transactions start with :func:`lock_room`, which takes the room's row lock on
PostgreSQL (``SELECT ... FOR UPDATE``; SQLite's ``BEGIN IMMEDIATE`` already holds the
database's write lock). Every write of a room is then serialised, so version checks and
"one vote per party" checks made inside the transaction hold until it commits; the
unique constraints back them up.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.store.tables import (
    ApiToken,
    BlindMark,
    BlindRound,
    BlindSubmission,
    Briefing,
    Channel,
    ChannelMember,
    Draft,
    DraftVersion,
    Invitation,
    Member,
    PartyPreferences,
    Proposal,
    Room,
    Suggestion,
    Vote,
)


# ------------------------------------------------------------------------------- rooms
def lock_room(session: Session, room_id: str) -> Room | None:
    """The room's row, locked for the rest of the transaction."""
    return session.scalars(select(Room).where(Room.id == room_id).with_for_update()).first()


def get_room(session: Session, room_id: str) -> Room | None:
    """The room's row."""
    return session.get(Room, room_id)


def list_rooms(session: Session, limit: int = 1000) -> list[tuple[Room, int]]:
    """Rooms with their member counts, newest first."""
    counts = (select(Member.room_id, func.count().label("n")).group_by(Member.room_id)
              .subquery())
    rows = session.execute(
        select(Room, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.room_id == Room.id)
        .order_by(Room.created_at.desc()).limit(limit))
    return [(room, int(n)) for room, n in rows]


# ----------------------------------------------------------------------------- members
def token_by_hash(session: Session, token_hash: str) -> tuple[ApiToken, Member] | None:
    """The token with this hash and its member."""
    row = session.execute(
        select(ApiToken, Member).join(Member, Member.id == ApiToken.member_id)
        .where(ApiToken.token_hash == token_hash)).first()
    return None if row is None else (row[0], row[1])


def members_of(session: Session, room_id: str) -> list[Member]:
    """A room's members in joining order."""
    return list(session.scalars(select(Member).where(Member.room_id == room_id)
                                .order_by(Member.created_at, Member.id)))


def get_member(session: Session, room_id: str, member_id: str) -> Member | None:
    """A member of the room."""
    m = session.get(Member, member_id)
    return m if m is not None and m.room_id == room_id else None


def member_of_party(session: Session, room_id: str, party_id: str) -> Member | None:
    """The current (unrevoked) member bound to a party."""
    return session.scalars(select(Member).where(Member.room_id == room_id,
                                                Member.party_id == party_id,
                                                Member.revoked_at.is_(None))).first()


def tokens_of(session: Session, member_ids: Iterable[str]) -> list[ApiToken]:
    """The tokens of some members."""
    ids = list(member_ids)
    if not ids:
        return []
    return list(session.scalars(select(ApiToken).where(ApiToken.member_id.in_(ids))
                                .order_by(ApiToken.created_at, ApiToken.id)))


def invitations_of(session: Session, room_id: str) -> list[Invitation]:
    """A room's invitations, oldest first."""
    return list(session.scalars(select(Invitation).where(Invitation.room_id == room_id)
                                .order_by(Invitation.created_at, Invitation.id)))


def invitation_by_hash(session: Session, token_hash: str) -> Invitation | None:
    """The invitation with this token hash."""
    return session.scalars(select(Invitation).where(Invitation.token_hash == token_hash)).first()


def open_party_invitation(session: Session, room_id: str, party_id: str) -> Invitation | None:
    """An unused invitation for a party (expired ones included)."""
    return session.scalars(select(Invitation).where(
        Invitation.room_id == room_id, Invitation.party_id == party_id,
        Invitation.used_at.is_(None))).first()


# ------------------------------------------------------------------------- preferences
def preferences_of(session: Session, room_id: str) -> list[PartyPreferences]:
    """Every party's submitted or adopted preferences in a room."""
    return list(session.scalars(select(PartyPreferences)
                                .where(PartyPreferences.room_id == room_id)
                                .order_by(PartyPreferences.party_id)))


def preferences_versions(session: Session, room_id: str) -> list[tuple[str, int]]:
    """``(party, version)`` of every stored preferences block (cheap cache key)."""
    rows = session.execute(select(PartyPreferences.party_id, PartyPreferences.version)
                           .where(PartyPreferences.room_id == room_id)
                           .order_by(PartyPreferences.party_id))
    return [(p, int(v)) for p, v in rows]


def get_preferences(session: Session, room_id: str, party_id: str) -> PartyPreferences | None:
    """One party's stored preferences."""
    return session.get(PartyPreferences, (room_id, party_id))


# ---------------------------------------------------------------------------- channels
def channels_of(session: Session, room_id: str) -> list[Channel]:
    """A room's channels, oldest first."""
    return list(session.scalars(select(Channel).where(Channel.room_id == room_id)
                                .order_by(Channel.created_at, Channel.id)))


def get_channel(session: Session, room_id: str, channel_id: str) -> Channel | None:
    """A channel of the room."""
    c = session.get(Channel, channel_id)
    return c if c is not None and c.room_id == room_id else None


def channel_members(session: Session, channel_ids: Sequence[str]) -> dict[str, set[str]]:
    """Explicit member ids of each channel (``everyone`` channels have none stored)."""
    out: dict[str, set[str]] = defaultdict(set)
    if channel_ids:
        rows = session.execute(select(ChannelMember.channel_id, ChannelMember.member_id)
                               .where(ChannelMember.channel_id.in_(list(channel_ids))))
        for channel_id, member_id in rows:
            out[channel_id].add(member_id)
    return out


def plenary_of(session: Session, room_id: str) -> Channel | None:
    """The room's first ``everyone`` channel."""
    return session.scalars(select(Channel).where(Channel.room_id == room_id,
                                                 Channel.everyone.is_(True))
                           .order_by(Channel.created_at)).first()


# ------------------------------------------------------------------------------ drafts
def drafts_of(session: Session, room_id: str) -> list[Draft]:
    """A room's drafts, oldest first."""
    return list(session.scalars(select(Draft).where(Draft.room_id == room_id)
                                .order_by(Draft.created_at, Draft.id)))


def get_draft(session: Session, room_id: str, draft_id: str) -> Draft | None:
    """A draft of the room."""
    d = session.get(Draft, draft_id)
    return d if d is not None and d.room_id == room_id else None


def get_draft_version(session: Session, draft_id: str, version: int) -> DraftVersion | None:
    """One version of a draft."""
    return session.get(DraftVersion, (draft_id, version))


def versions_of(session: Session, draft_ids: Sequence[str]) -> list[DraftVersion]:
    """Every version of some drafts."""
    if not draft_ids:
        return []
    return list(session.scalars(select(DraftVersion)
                                .where(DraftVersion.draft_id.in_(list(draft_ids)))
                                .order_by(DraftVersion.draft_id, DraftVersion.version)))


def briefings_of(session: Session, draft_ids: Sequence[str]) -> list[Briefing]:
    """The briefings of some drafts."""
    if not draft_ids:
        return []
    return list(session.scalars(select(Briefing).where(Briefing.draft_id.in_(list(draft_ids)))
                                .order_by(Briefing.created_at, Briefing.id)))


# --------------------------------------------------------------------------- proposals
def proposals_of(session: Session, room_id: str) -> list[Proposal]:
    """A room's proposals, oldest first."""
    return list(session.scalars(select(Proposal).where(Proposal.room_id == room_id)
                                .order_by(Proposal.created_at, Proposal.id)))


def get_proposal(session: Session, room_id: str, proposal_id: str) -> Proposal | None:
    """A proposal of the room."""
    p = session.get(Proposal, proposal_id)
    return p if p is not None and p.room_id == room_id else None


def votes_on(session: Session, proposal_ids: Sequence[str]) -> list[Vote]:
    """The votes on some proposals."""
    if not proposal_ids:
        return []
    return list(session.scalars(select(Vote).where(Vote.proposal_id.in_(list(proposal_ids)))
                                .order_by(Vote.created_at, Vote.id)))


def vote_of(session: Session, proposal_id: str, member_id: str) -> Vote | None:
    """A member's vote on a proposal."""
    return session.scalars(select(Vote).where(Vote.proposal_id == proposal_id,
                                              Vote.member_id == member_id)).first()


# ------------------------------------------------------------------------- suggestions
def suggestions_of(session: Session, room_id: str) -> list[Suggestion]:
    """A room's suggestions, oldest first."""
    return list(session.scalars(select(Suggestion).where(Suggestion.room_id == room_id)
                                .order_by(Suggestion.created_at, Suggestion.id)))


# ----------------------------------------------------------------------- blind rounds
def rounds_of(session: Session, room_id: str) -> list[BlindRound]:
    """A room's blind-acceptance rounds, oldest first."""
    return list(session.scalars(select(BlindRound).where(BlindRound.room_id == room_id)
                                .order_by(BlindRound.created_at, BlindRound.id)))


def get_round(session: Session, room_id: str, round_id: str) -> BlindRound | None:
    """A round of the room."""
    r = session.get(BlindRound, round_id)
    return r if r is not None and r.room_id == room_id else None


def submissions_of(session: Session, round_ids: Sequence[str]) -> list[BlindSubmission]:
    """Who has marked packages in some rounds."""
    if not round_ids:
        return []
    return list(session.scalars(select(BlindSubmission)
                                .where(BlindSubmission.round_id.in_(list(round_ids)))
                                .order_by(BlindSubmission.round_id, BlindSubmission.party_id)))


def marks_of(session: Session, round_id: str, party_id: str | None = None) -> list[BlindMark]:
    """The marks in a round (of one party, or of all)."""
    q = select(BlindMark).where(BlindMark.round_id == round_id)
    if party_id is not None:
        q = q.where(BlindMark.party_id == party_id)
    return list(session.scalars(q.order_by(BlindMark.party_id, BlindMark.package_key)))


def delete_marks(session: Session, round_id: str, party_id: str) -> None:
    """Remove a party's marks in a round."""
    for mark in marks_of(session, round_id, party_id):
        session.delete(mark)
