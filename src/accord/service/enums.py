"""Roles and statuses of the mediation service, as enums (their values are what is stored)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a member may do in a room."""

    MEDIATOR = "mediator"
    PARTY = "party"
    OBSERVER = "observer"


class ProposalStatus(StrEnum):
    """Where a proposal stands."""

    OPEN = "open"
    RATIFIED = "ratified"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class VoteChoice(StrEnum):
    """A party's vote on a proposal."""

    ACCEPT = "accept"
    REJECT = "reject"


class RoundStatus(StrEnum):
    """A blind-acceptance round is open for marks, or closed with its overlap shown."""

    OPEN = "open"
    CLOSED = "closed"


class PreferencesSource(StrEnum):
    """Where a party's stored preferences came from."""

    SUBMITTED = "submitted"
    ADOPTED = "adopted"


class SuggestionKind(StrEnum):
    """How a suggestion was computed."""

    NASH = "nash"
    IMPROVE = "improve"
