"""From rows to the public response models (nothing private is copied)."""

from __future__ import annotations

from accord.service.schemas import (
    BriefingPublic,
    ChannelPublic,
    InvitationPublic,
    MemberPublic,
    VotePublic,
)
from accord.store.tables import Briefing, Channel, Invitation, Member, Vote


def member(m: Member) -> MemberPublic:
    """A member."""
    return MemberPublic(id=m.id, role=m.role, party_id=m.party_id,  # type: ignore[arg-type]
                        name=m.name, created_at=m.created_at, revoked=m.revoked_at is not None)


def invitation(i: Invitation) -> InvitationPublic:
    """An invitation (its secret was never stored)."""
    return InvitationPublic(id=i.id, role=i.role, party_id=i.party_id,  # type: ignore[arg-type]
                            name=i.name, created_at=i.created_at, expires_at=i.expires_at,
                            used_at=i.used_at, member_id=i.member_id)


def channel(c: Channel, member_ids: set[str]) -> ChannelPublic:
    """A channel and its current members."""
    return ChannelPublic(id=c.id, name=c.name, everyone=c.everyone,
                         member_ids=sorted(member_ids), created_by=c.created_by,
                         created_at=c.created_at)


def briefing(b: Briefing) -> BriefingPublic:
    """A briefing."""
    return BriefingPublic(id=b.id, draft_id=b.draft_id, version=b.version,
                          channel_id=b.channel_id, briefed_by=b.briefed_by,
                          created_at=b.created_at)


def vote(v: Vote) -> VotePublic:
    """A vote."""
    return VotePublic(proposal_id=v.proposal_id, party_id=v.party_id, member_id=v.member_id,
                      vote=v.vote, version=v.version,  # type: ignore[arg-type]
                      updated_at=v.updated_at)
