"""Request and response bodies: ``XCreate``/``XUpdate`` in, ``XPublic`` out.

Every request body is a pydantic model with size limits on strings, lists and mappings
(and the whole body is capped by :class:`accord.service.limits.BodyLimit`). Unknown keys
are errors. Response models are what a caller may see; nothing private to another party
has a field here.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from accord.formats.file_model import PreferencesIn

#: Scenario ids (parties, points, options) follow the scenario file's pattern.
ScenarioId = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$", max_length=80)]
#: Service object ids (``rm_...``, ``mb_...``).
ObjectId = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}_[0-9a-f]{16}$", max_length=32)]
#: Free text: any character but NUL (which PostgreSQL text cannot hold).
NO_NUL = r"^[^\x00]*$"
Name = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=NO_NUL)]
Note = Annotated[str, StringConstraints(max_length=2000, pattern=NO_NUL)]
PointText = Annotated[str, StringConstraints(max_length=20_000, pattern=NO_NUL)]
Secret = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=NO_NUL)]
MAX_POINTS = 256
Choices = Annotated[dict[ScenarioId, ScenarioId], Field(max_length=MAX_POINTS)]
Texts = Annotated[dict[ScenarioId, PointText], Field(max_length=MAX_POINTS)]
Version = Annotated[int, Field(ge=0, le=2**31 - 1)]
Days = Annotated[int, Field(ge=1, le=3650)]

Role = Literal["mediator", "party", "observer"]
VoteValue = Literal["accept", "reject"]


class In(BaseModel):
    """Base of request bodies: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")


# ------------------------------------------------------------------------------ errors
class ValidationIssue(BaseModel):
    """Where and why a request failed validation (the input itself is never echoed)."""

    loc: list[str | int]
    msg: str
    type: str


class ErrorPublic(BaseModel):
    """Every error response: a one-line reason, or the list of validation issues."""

    detail: str | list[ValidationIssue]


# ------------------------------------------------------------------------------ system
class HealthPublic(BaseModel):
    """Liveness and the database in use."""

    status: str
    database: str
    schema_revision: str | None


class ScenarioSummary(BaseModel):
    """A bundled scenario."""

    name: str
    title: str
    parties: list[str]
    points: int


# ----------------------------------------------------------------------------- members
class MemberPublic(BaseModel):
    """A member of a room, as every member sees it."""

    id: str
    role: Role
    party_id: str | None
    name: str
    created_at: str
    revoked: bool


class MePublic(BaseModel):
    """Who the caller is."""

    admin: bool
    room_id: str | None = None
    member: MemberPublic | None = None
    token_expires_at: str | None = None


class TokenCreate(In):
    """A new token for oneself (rotation)."""

    label: Annotated[str, StringConstraints(max_length=200, pattern=NO_NUL)] = ""
    expires_in_days: Days | None = None


class TokenIssued(BaseModel):
    """A freshly issued token: the secret is shown once and never stored."""

    token: str
    token_id: str
    member: MemberPublic
    expires_at: str | None


class InvitationCreate(In):
    """Invite someone to the room in a role (a party invitation names the party)."""

    role: Role
    name: Name
    party_id: ScenarioId | None = None
    expires_in_days: Days | None = None


class InvitationPublic(BaseModel):
    """An invitation, without its secret."""

    id: str
    role: Role
    party_id: str | None
    name: str
    created_at: str
    expires_at: str | None
    used_at: str | None
    member_id: str | None


class InvitationIssued(BaseModel):
    """A freshly issued invitation: the secret is shown once."""

    invitation: InvitationPublic
    token: str


class InvitationAccept(In):
    """Redeem an invitation token for a member token."""

    token: Secret
    name: Name | None = None


# ------------------------------------------------------------------------------- rooms
class ScenarioSource(In):
    """Where the room's scenario comes from: a bundled name or an uploaded file's text."""

    bundled: Annotated[str, StringConstraints(min_length=1, max_length=100,
                                              pattern=NO_NUL)] | None = None
    text: Annotated[str, StringConstraints(min_length=1, max_length=1024 * 1024)] | None = None
    format: Literal["yaml", "json"] = "yaml"


class RoomCreate(In):
    """Create a room (administrator): the reply holds the mediator's token."""

    title: Name
    scenario: ScenarioSource
    mediator_name: Name
    mediator_sees_preferences: bool = False
    #: hide each vote's value until its proposal is decided (who voted still shows)
    sealed_votes: bool = False


class RoomUpdate(In):
    """Change a room's title, or stop the mediator from seeing preferences.

    The room version replaced: ``expected_version`` or ``If-Match`` (one is required).
    """

    expected_version: Version | None = None
    title: Name | None = None
    mediator_sees_preferences: bool | None = None


class RoomPublic(BaseModel):
    """A room as its members see it: the scenario without anyone's preferences."""

    id: str
    title: str
    scenario_id: str
    mediator_sees_preferences: bool
    sealed_votes: bool = False
    version: int
    created_at: str
    scenario: dict[str, Any]
    preferences_status: dict[str, str]
    plenary_channel_id: str | None


class RoomSummary(BaseModel):
    """A line of the administrator's room list."""

    id: str
    title: str
    scenario_id: str
    created_at: str
    members: int


class RoomCreated(BaseModel):
    """A new room and its mediator's token (shown once)."""

    room: RoomPublic
    mediator: MemberPublic
    token: str


# ------------------------------------------------------------------------- preferences
class PreferencesSubmit(In):
    """A party's own preferences: the scenario file's block for that party."""

    preferences: PreferencesIn
    expected_version: Version | None = None


class PreferencesAdopt(In):
    """Adopt the scenario's preferences for one's own party."""

    expected_version: Version | None = None


class PreferencesPublic(BaseModel):
    """A party's preferences, shown to that party (and to a mediator allowed to see them).

    ``source``: ``scenario`` (nothing submitted yet: the scenario's block applies),
    ``adopted`` (the scenario's block, confirmed) or ``submitted``.
    """

    party_id: str
    source: str
    version: int
    preferences: dict[str, Any]


# ---------------------------------------------------------------------------- channels
class ChannelCreate(In):
    """A channel: a subset of the room's members (the creator is always included)."""

    name: Name
    member_ids: Annotated[list[ObjectId], Field(max_length=500)] = []


class ChannelPublic(BaseModel):
    """A channel the caller belongs to."""

    id: str
    name: str
    everyone: bool
    member_ids: list[str]
    created_by: str
    created_at: str


# ------------------------------------------------------------------------------ drafts
class DraftCreate(In):
    """A new draft: an option per point (points may stay open) and a text per point."""

    title: Name
    choices: Choices = {}
    texts: Texts = {}
    note: Note = ""


class DraftRevise(In):
    """A new version of a draft; ``expected_version`` (or ``If-Match``) is required."""

    choices: Choices = {}
    texts: Texts = {}
    note: Note = ""
    expected_version: Version | None = None


class DraftPublic(BaseModel):
    """One version of a draft as the caller receives it.

    ``text`` is the caller's own fingerprinted rendering of the point texts.
    """

    id: str
    channel_id: str | None  # None for a reader briefed a version, not in the channel
    title: str
    version: int
    latest_version: int
    choices: dict[str, str]
    points_with_text: list[str]
    text: str
    fingerprinted: bool
    note: str
    author_id: str
    created_at: str
    briefed: bool


class DraftSummary(BaseModel):
    """A draft in a list: the versions the caller may read."""

    id: str
    channel_id: str | None  # None for a reader briefed a version, not in the channel
    title: str
    latest_version: int
    visible_versions: list[int]
    updated_at: str


class PointChange(BaseModel):
    """How one point differs between two versions."""

    point: str
    option_before: str | None
    option_after: str | None
    text_changed: bool


class DraftDiff(BaseModel):
    """The points that changed between two versions of a draft."""

    draft_id: str
    from_version: int
    to_version: int
    changes: list[PointChange]
    unchanged: int


class BriefingCreate(In):
    """Share a version of a draft with a wider channel."""

    version: Annotated[int, Field(ge=1, le=2**31 - 1)]
    channel_id: ObjectId


class BriefingPublic(BaseModel):
    """A record that a draft version was shared with a channel."""

    id: str
    draft_id: str
    version: int
    channel_id: str
    briefed_by: str
    created_at: str


# -------------------------------------------------------------------------- evaluation
class EvaluateRequest(In):
    """A package to evaluate (open points take their defaults)."""

    choices: Choices


class OwnOutcome(BaseModel):
    """What a package means for one party (shown only to that party)."""

    party_id: str
    utility: float
    reservation: float
    margin: float
    acceptable: bool
    red_lines_hit: list[str]


class EvaluationPublic(BaseModel):
    """An evaluation, restricted to what the caller may know.

    ``own`` is the calling party's outcome; ``parties`` and ``ratifiable`` appear only for
    a mediator allowed to see preferences.
    """

    choices: dict[str, str]
    violations: list[str]
    own: OwnOutcome | None = None
    parties: dict[str, OwnOutcome] | None = None
    ratifiable: bool | None = None


# --------------------------------------------------------------------------- proposals
class ProposalCreate(In):
    """Put a package to the vote: explicit choices, or a draft version."""

    title: Name
    choices: Choices | None = None
    draft_id: ObjectId | None = None
    draft_version: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None


class ProposalWithdraw(In):
    """Withdraw an open proposal."""

    expected_version: Version | None = None


class VotePublic(BaseModel):
    """A vote (votes are public within the room)."""

    proposal_id: str
    party_id: str
    member_id: str
    vote: VoteValue
    version: int
    updated_at: str


class ProposalPublic(BaseModel):
    """A proposal with its votes and its status under the ratification rule."""

    id: str
    title: str
    choices: dict[str, str]
    draft_id: str | None
    draft_version: int | None
    status: str
    version: int
    created_by: str
    created_at: str
    decided_at: str | None
    votes: list[VotePublic]
    waiting_for: list[str]
    rule: str
    #: for a party on an open proposal: whether its reject alone would decide it as rejected
    #: (judged from the votes it is shown, every other party counting as accepting)
    reject_ends_it: bool | None = None


class VoteCast(In):
    """A party's first vote on a proposal."""

    vote: VoteValue


class VoteChange(In):
    """Change one's vote; ``expected_version`` (or ``If-Match``) is required."""

    vote: VoteValue
    expected_version: Version | None = None


# ------------------------------------------------------------------------- suggestions
class SuggestionRequest(In):
    """Ask for a suggestion computed from the private preferences.

    ``nash``: the package maximising the product of gains over the reservations.
    ``improve``: a package every party weakly prefers to a baseline (a proposal, or
    explicit choices), maximising the product of gains over the baseline.
    """

    kind: Literal["nash", "improve"]
    baseline: Choices | None = None
    proposal_id: ObjectId | None = None


class SuggestionPublic(BaseModel):
    """A suggestion as the caller sees it: each party sees only its own utility."""

    id: str
    kind: str
    choices: dict[str, str] | None
    baseline: dict[str, str] | None
    found: bool
    exact: bool
    method: str
    note: str
    own_utility: float | None = None
    own_baseline_utility: float | None = None
    utilities: dict[str, float] | None = None
    created_at: str


# -------------------------------------------------------------------------- blind round
class BlindRoundCreate(In):
    """Open a round of blind acceptance."""

    title: Name


class BlindMarks(In):
    """The packages a party would accept (replaces its earlier marks in the round)."""

    packages: Annotated[list[Choices], Field(max_length=500)]


class BlindMarksPublic(BaseModel):
    """A party's own marks in a round."""

    round_id: str
    party_id: str
    packages: list[dict[str, str]]
    submitted_at: str | None


class BlindRoundPublic(BaseModel):
    """A round: who has marked, and once closed, the packages every party marked."""

    id: str
    title: str
    status: str
    submitted: list[str]
    overlap: list[dict[str, str]] | None
    created_at: str
    closed_at: str | None


# ----------------------------------------------------------------------------- backups
Rows = Annotated[list[dict[str, Any]], Field(max_length=100_000)]


class RoomBackupIn(BaseModel):
    """A full backup, as ``GET /rooms/{room}/export?full=true`` writes it.

    The shape of each row is checked on import (with the scenario, every preferences
    block and the audit chain).
    """

    model_config = ConfigDict(extra="forbid")

    format: Literal["accord-room"]
    format_version: Literal[1]
    full: Literal[True]
    exported_at: Annotated[str, StringConstraints(max_length=40)] = ""
    room: dict[str, Any]
    scenario: dict[str, Any]
    members: Rows
    tokens: Rows
    invitations: Rows
    preferences: Rows
    channels: Rows
    drafts: Rows
    briefings: Rows
    proposals: Rows
    suggestions: Rows
    blind_rounds: Rows
    audit: dict[str, Any]
    leak_tracing: dict[str, Any] = {}


# ------------------------------------------------------------------------------ audit
class AuditEntryPublic(BaseModel):
    """An audit entry."""

    seq: int
    at: str
    actor: str
    action: str
    payload: dict[str, Any]
    prev_hash: str
    hash: str
    redacted: bool = False


class LeakTraceRequest(In):
    """A leaked text to trace against the room's draft versions (all, or one)."""

    text: Annotated[str, StringConstraints(min_length=1, max_length=500_000)]
    draft: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}_[0-9a-f]{16}@[0-9]{1,9}$")] \
        | None = None


class LeakTracePublic(BaseModel):
    """The trace of a leaked text.

    ``verdict`` is ``match``/``mixed`` when some version's reader is named, else
    ``no_match`` with the best-scoring version (or none, without readable drafts).
    """

    verdict: str
    results: list[dict[str, Any]]


class AuditHead(BaseModel):
    """A room's audit head, to publish: ``head`` is ``SEQ:HASH``."""

    room_id: str
    head: str
    seq: int
    hash: str


class AuditPage(BaseModel):
    """A page of the audit log."""

    room_id: str
    entries: list[AuditEntryPublic]
    head_seq: int
    head_hash: str


class VerdictPublic(BaseModel):
    """The result of verifying a room's audit chain."""

    valid: bool
    entries: int
    first_bad_seq: int | None
    reason: str
    head: str
