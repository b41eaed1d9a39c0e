"""Who may read what inside a room: channels, drafts and their versions.

A channel's members read every version of the drafts posted in it; the members of a
channel a version was briefed to read that version (and no other). ``everyone`` channels
contain every current member of the room.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from accord.store import repo
from accord.store.tables import Briefing, Channel, ChannelMember, Draft, Member


@dataclass
class RoomView:
    """Channel memberships and briefings of one room, resolved."""

    members: dict[str, Member]
    channels: dict[str, Channel]
    channel_members: dict[str, set[str]]
    briefings: dict[str, list[Briefing]] = field(default_factory=dict)

    def in_channel(self, member_id: str, channel_id: str) -> bool:
        """Whether the member belongs to the channel."""
        return member_id in self.channel_members.get(channel_id, set())

    def channels_of(self, member_id: str) -> list[Channel]:
        """The channels a member belongs to."""
        return [c for c in self.channels.values() if self.in_channel(member_id, c.id)]

    def visible_versions(self, member_id: str, draft: Draft) -> list[int]:
        """The versions of a draft the member may read."""
        if self.in_channel(member_id, draft.channel_id):
            return list(range(1, draft.version + 1))
        versions = {b.version for b in self.briefings.get(draft.id, [])
                    if self.in_channel(member_id, b.channel_id)}
        return sorted(versions)

    def readers(self, draft: Draft, version: int) -> list[str]:
        """Every member who may read a version (ever a member: revoked ones included)."""
        ids = set(self.channel_members.get(draft.channel_id, set()))
        for b in self.briefings.get(draft.id, []):
            if b.version == version:
                ids |= self.channel_members.get(b.channel_id, set())
        return sorted(ids)


def room_view(session: Session, room_id: str, *, drafts: list[Draft] | None = None,
              include_revoked: bool = False) -> RoomView:
    """Resolve the room's channels (and the briefings of ``drafts``)."""
    members = {m.id: m for m in repo.members_of(session, room_id)}
    channels = {c.id: c for c in repo.channels_of(session, room_id)}
    explicit = repo.channel_members(session, [c.id for c in channels.values()
                                              if not c.everyone])
    active = {m.id for m in members.values() if include_revoked or m.revoked_at is None}
    resolved: dict[str, set[str]] = {}
    for c in channels.values():
        ids = set(members) if c.everyone else explicit.get(c.id, set())
        resolved[c.id] = {i for i in ids if i in active}
    briefings: dict[str, list[Briefing]] = defaultdict(list)
    if drafts:
        for b in repo.briefings_of(session, [d.id for d in drafts]):
            briefings[b.draft_id].append(b)
    return RoomView(members, channels, resolved, dict(briefings))


@dataclass(frozen=True)
class DraftAccess:
    """What one member may read of one draft."""

    in_channel: bool
    versions: list[int]


def draft_access(session: Session, member_id: str, draft: Draft) -> DraftAccess:
    """The versions of a draft a member may read (two small queries, no room scan)."""
    channel = session.get(Channel, draft.channel_id)
    if channel is not None and (channel.everyone or session.get(
            ChannelMember, (channel.id, member_id)) is not None):
        return DraftAccess(True, list(range(1, draft.version + 1)))
    mine = (select(Briefing.version)
            .join(Channel, Channel.id == Briefing.channel_id)
            .outerjoin(ChannelMember, and_(ChannelMember.channel_id == Channel.id,
                                           ChannelMember.member_id == member_id))
            .where(Briefing.draft_id == draft.id,
                   or_(Channel.everyone.is_(True), ChannelMember.member_id.is_not(None))))
    return DraftAccess(False, sorted(set(session.scalars(mine))))
