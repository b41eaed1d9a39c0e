"""Route dependencies: who is calling, and may they use this route.

Permissions are route dependencies (``Annotated`` aliases below): a route that takes a
:data:`Mediator` argument is open to the mediator of the room in its path and to nobody
else. Authentication errors are 401 (missing, unknown, expired or revoked token);
authorisation errors are 403 (wrong role, or a member of another room).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Path, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from accord.service.errors import (
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    PreconditionRequiredError,
    UnauthorizedError,
)
from accord.service.security import hash_secret, same_hash
from accord.service.state import ServiceState
from accord.store import repo
from accord.store.tables import ApiToken, Room, now

RoomId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
ObjectIdPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


def get_state(request: Request) -> ServiceState:
    """The application's state."""
    state: ServiceState = request.app.state.accord
    return state


State = Annotated[ServiceState, Depends(get_state)]


def read_session(state: State) -> Iterator[Session]:
    """One read transaction for the whole request (authentication included)."""
    with state.db.read() as session:
        yield session


ReadSession = Annotated[Session, Depends(read_session)]


@dataclass(frozen=True)
class Principal:
    """The caller: the administrator, or a member of one room."""

    admin: bool
    member_id: str | None = None
    room_id: str | None = None
    role: str | None = None
    party_id: str | None = None
    token_id: str | None = None
    token_expires_at: str | None = None

    @property
    def actor(self) -> str:
        """How the audit log names the caller."""
        if self.admin:
            return "admin"
        return f"{self.role}:{self.member_id}"

    @property
    def is_mediator(self) -> bool:
        """Whether the caller is a mediator of its room."""
        return self.role == "mediator"

    @property
    def is_party(self) -> bool:
        """Whether the caller speaks for a party."""
        return self.role == "party" and self.party_id is not None


_BEARER = HTTPBearer(auto_error=False, description="A member's API token (or the "
                     "administrator's): `Authorization: Bearer TOKEN`.")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Security(_BEARER)]


def _bearer(request: Request, credentials: HTTPAuthorizationCredentials | None) -> str | None:
    if credentials is not None:
        token = credentials.credentials.strip()
        if not token or len(token) > 200:
            raise UnauthorizedError("malformed bearer token")
        return token
    if request.headers.get("authorization") is not None:
        raise UnauthorizedError("malformed Authorization header (expected: Bearer TOKEN)")
    return None


def authenticate(request: Request, state: State, session: ReadSession,
                 credentials: Credentials) -> Principal | None:
    """The caller, or ``None`` without an Authorization header."""
    token = _bearer(request, credentials)
    if token is None:
        return None
    digest = hash_secret(token)
    admin_hash = state.settings.admin_token_hash
    if admin_hash is not None and same_hash(digest, admin_hash):
        return Principal(admin=True)
    found = repo.token_by_hash(session, digest)
    if found is None:
        raise UnauthorizedError("unknown token")
    tok, member = found
    stamp = now()
    if tok.revoked_at is not None:
        raise UnauthorizedError("token revoked")
    if tok.expires_at is not None and tok.expires_at <= stamp:
        raise UnauthorizedError("token expired")
    if member.revoked_at is not None:
        raise UnauthorizedError("membership revoked")
    state.requests.take(member.id)
    return Principal(False, member.id, member.room_id, member.role, member.party_id, tok.id,
                     tok.expires_at)


def _caller(principal: Annotated[Principal | None, Depends(authenticate)]) -> Principal:
    if principal is None:
        raise UnauthorizedError("authentication required (Authorization: Bearer TOKEN)")
    return principal


Caller = Annotated[Principal, Depends(_caller)]
OptionalCaller = Annotated[Principal | None, Depends(authenticate)]


def _admin(principal: Caller) -> Principal:
    if not principal.admin:
        raise ForbiddenError("only the administrator may do this")
    return principal


Admin = Annotated[Principal, Depends(_admin)]


def _self_member(principal: Caller) -> Principal:
    if principal.admin:
        raise ForbiddenError("the administrator has no membership")
    return principal


SelfMember = Annotated[Principal, Depends(_self_member)]


def _member(room_id: RoomId, principal: Caller) -> Principal:
    if principal.admin:
        raise ForbiddenError("the administrator is not a member of rooms")
    if principal.room_id != room_id:
        raise ForbiddenError("not a member of this room")
    return principal


Member = Annotated[Principal, Depends(_member)]


def _mediator(principal: Member) -> Principal:
    if not principal.is_mediator:
        raise ForbiddenError("only the mediator may do this")
    return principal


def _party(principal: Member) -> Principal:
    if not principal.is_party:
        raise ForbiddenError("only a party may do this")
    return principal


def _participant(principal: Member) -> Principal:
    if principal.role not in ("mediator", "party"):
        raise ForbiddenError("observers may read but not act")
    return principal


def _mediator_or_admin(room_id: RoomId, principal: Caller, session: ReadSession) -> Principal:
    if principal.admin:
        if repo.get_room(session, room_id) is None:
            raise NotFoundError("no such room")
        return principal
    return _mediator(_member(room_id, principal))


Mediator = Annotated[Principal, Depends(_mediator)]
Party = Annotated[Principal, Depends(_party)]
Participant = Annotated[Principal, Depends(_participant)]
MediatorOrAdmin = Annotated[Principal, Depends(_mediator_or_admin)]


@contextmanager
def room_write(state: ServiceState, principal: Principal,
               room_id: str) -> Iterator[tuple[Session, Room]]:
    """A write transaction on a room: the room is locked and the caller re-checked.

    The caller's token and membership are checked again under the lock, so a write
    racing with a revocation either commits before it or fails with 401. A member's
    write is counted against its write rate limit before the lock is taken (429).
    """
    if not principal.admin:
        state.writes.take(principal.member_id or "")
    with state.db.write() as session:
        room = repo.lock_room(session, room_id)
        if room is None:
            raise NotFoundError("no such room")
        if not principal.admin:
            member = repo.get_member(session, room_id, principal.member_id or "")
            if member is None or member.revoked_at is not None:
                raise UnauthorizedError("membership revoked")
            tok = session.get(ApiToken, principal.token_id or "")
            if tok is None or tok.revoked_at is not None:
                raise UnauthorizedError("token revoked")
        yield session, room


_VERSION_RE = re.compile(r"[0-9]{1,9}")
IfMatch = Annotated[str | None, Header(alias="If-Match", max_length=64)]


def expected_version(if_match: str | None, body_value: int | None) -> int:
    """The version a write expects, from ``If-Match`` (an ETag ``"3"``) or the body.

    Raises:
        PreconditionRequiredError: neither is given (428).
        InvalidInputError: ``If-Match`` is not a version, or disagrees with the body.
    """
    header: int | None = None
    if if_match is not None:
        raw = if_match.strip().removeprefix("W/").strip('"')
        # ASCII digits only: str.isdigit() also accepts "²" and other digit symbols
        if not _VERSION_RE.fullmatch(raw):
            raise InvalidInputError("If-Match must be a version ETag such as \"3\"")
        header = int(raw)
    if header is not None and body_value is not None and header != body_value:
        raise InvalidInputError("If-Match and expected_version disagree")
    value = header if header is not None else body_value
    if value is None:
        raise PreconditionRequiredError(
            "this write needs the version it expects: send If-Match or expected_version")
    return value


def etag(version: int) -> str:
    """The ETag of a version."""
    return f'"{version}"'
