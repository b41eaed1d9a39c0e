"""Service settings: an immutable value handed to :func:`accord.service.app.create_app`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from accord.service.errors import InvalidInputError
from accord.service.security import hash_secret, new_secret
from accord.store.db import DEFAULT_URL

MiB = 1024 * 1024


@dataclass(frozen=True)
class Settings:
    """How the service runs.

    Attributes:
        database_url: ``sqlite:///PATH`` (default ``sqlite:///accord.db``) or
            ``postgresql://USER:PASSWORD@HOST:PORT/DB``.
        admin_token_hash: SHA-256 (hex) of the administrator's token; ``None`` disables
            the administrator (rooms are then created with ``accord room create``).
        max_body_bytes: largest accepted request body; larger ones get 413.
        sqlite_synchronous: SQLite ``synchronous`` level (``FULL`` survives power loss,
            ``NORMAL`` survives a crash of the process).
        migrate: run ``alembic upgrade head`` when the application is created.
        token_days: lifetime of newly issued member tokens in days (``None``: no expiry).
        invitation_days: lifetime of invitations in days.
        pool_size: database connection pool size.
        threads: worker threads serving requests (each may hold two connections).
        requests_per_minute: requests one member may make a minute (429 past it; 0: off).
        writes_per_minute: writes one member may make a minute (429 past it; 0: off).
        room_quota_bytes: draft versions one room may store (413 past it; 0: off).
    """

    database_url: str = DEFAULT_URL
    admin_token_hash: str | None = None
    max_body_bytes: int = MiB
    sqlite_synchronous: str = "FULL"
    migrate: bool = True
    token_days: int | None = None
    invitation_days: int = 7
    pool_size: int = 20
    threads: int = 40
    requests_per_minute: int = 1200
    writes_per_minute: int = 120
    room_quota_bytes: int = 64 * MiB

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Settings from ``ACCORD_*`` environment variables (unset ones keep defaults).

        ``ACCORD_DB``, ``ACCORD_ADMIN_TOKEN_FILE``, ``ACCORD_MAX_BODY_BYTES``,
        ``ACCORD_SQLITE_SYNCHRONOUS``, ``ACCORD_TOKEN_DAYS``, ``ACCORD_THREADS``,
        ``ACCORD_REQUESTS_PER_MINUTE``, ``ACCORD_WRITES_PER_MINUTE``,
        ``ACCORD_ROOM_QUOTA_BYTES``.
        """
        env = os.environ if env is None else env
        s = cls()
        if "ACCORD_DB" in env:
            s = replace(s, database_url=env["ACCORD_DB"])
        if "ACCORD_ADMIN_TOKEN_FILE" in env:
            token, _ = admin_token_from_file(Path(env["ACCORD_ADMIN_TOKEN_FILE"]),
                                             create=False)
            s = s.with_admin_token(token)
        if "ACCORD_MAX_BODY_BYTES" in env:
            s = replace(s, max_body_bytes=int(env["ACCORD_MAX_BODY_BYTES"]))
        if "ACCORD_SQLITE_SYNCHRONOUS" in env:
            s = replace(s, sqlite_synchronous=env["ACCORD_SQLITE_SYNCHRONOUS"])
        if "ACCORD_TOKEN_DAYS" in env:
            s = replace(s, token_days=int(env["ACCORD_TOKEN_DAYS"]))
        if "ACCORD_THREADS" in env:
            s = replace(s, threads=int(env["ACCORD_THREADS"]))
        if "ACCORD_REQUESTS_PER_MINUTE" in env:
            s = replace(s, requests_per_minute=int(env["ACCORD_REQUESTS_PER_MINUTE"]))
        if "ACCORD_WRITES_PER_MINUTE" in env:
            s = replace(s, writes_per_minute=int(env["ACCORD_WRITES_PER_MINUTE"]))
        if "ACCORD_ROOM_QUOTA_BYTES" in env:
            s = replace(s, room_quota_bytes=int(env["ACCORD_ROOM_QUOTA_BYTES"]))
        return s

    def with_admin_token(self, token: str) -> Settings:
        """A copy whose administrator token is ``token``."""
        return replace(self, admin_token_hash=hash_secret(token))


def admin_token_from_file(path: Path, *, create: bool = True) -> tuple[str, bool]:
    """The administrator token kept in ``path``; created (mode 0600) when missing.

    Returns:
        The token and whether the file was created now.
    """
    if path.exists():
        token = path.read_text(encoding="utf-8").strip()
        if len(token) < 32:
            raise InvalidInputError(f"{path}: an admin token must be at least 32 characters")
        return token, False
    if not create:
        raise InvalidInputError(f"{path}: no such admin token file")
    token = new_secret()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(token + "\n")
    return token, True
