"""The FastAPI application: ``create_app(settings)`` builds one, with no module globals.

On creation the database is opened and, unless ``settings.migrate`` is off, brought to
the newest schema with Alembic (the only way the schema is created).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI

from accord.service import docs_ui
from accord.service.errors import install_handlers
from accord.service.limits import BodyLimit
from accord.service.routes import drafts, mediation, preferences, records, rooms, system
from accord.service.scenarios import ScenarioCache
from accord.service.schemas import ErrorPublic
from accord.service.settings import Settings
from accord.service.state import ServiceState
from accord.store.db import migrate, open_database

DESCRIPTION = """Mediation rooms for multi-party, multi-issue agreements.

Authenticate with `Authorization: Bearer TOKEN`. Each party's preferences are private to
that party; drafts are visible only to their channel (and to channels they are briefed
to); every state change is recorded in a hash-chained audit log.
"""


_ERRORS = {
    400: "malformed request",
    401: "missing, unknown, expired or revoked token",
    403: "the caller's role or membership does not allow this",
    404: "no such object (or not visible to the caller)",
    409: "conflict: stale expected version, second vote, used invitation",
    410: "expired invitation",
    413: "request body over the size limit, or the room's storage quota",
    422: "invalid input",
    428: "the write needs an expected version (If-Match or expected_version)",
    429: "the caller's rate limit is spent; retry after Retry-After seconds",
    503: "database busy; retry",
}
RESPONSES: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorPublic, "description": text} for code, text in _ERRORS.items()}


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application for ``settings`` (default: :meth:`Settings.from_env`)."""
    settings = settings or Settings.from_env()
    db = open_database(settings.database_url, sqlite_synchronous=settings.sqlite_synchronous,
                       pool_size=settings.pool_size)
    if settings.migrate:
        migrate(db)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Fewer threads than the default 40 keep the GIL hand-offs short under load.
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        yield
        app.state.accord.renders.close()
        db.dispose()

    app = FastAPI(title="Accord mediation service", version="1", description=DESCRIPTION,
                  lifespan=lifespan, responses=RESPONSES, docs_url=None, redoc_url=None)
    docs_ui.install(app)
    app.state.accord = ServiceState(settings=settings, db=db, scenarios=ScenarioCache())
    install_handlers(app)
    for module in (system, rooms, preferences, drafts, mediation, records):
        app.include_router(module.router)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    return app
