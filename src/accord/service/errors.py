"""Service errors and the one handler that maps them (and every other expected error) to HTTP.

Every error the service raises on purpose derives from :class:`ServiceError` (itself an
:class:`~accord.model.AccordError`) and from the built-in exception that best describes it.
Responses carry ``{"detail": reason}``; reasons never quote another party's preferences.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from accord.model import AccordError

log = logging.getLogger("accord.service")


class ServiceError(AccordError):
    """Root of the service's errors; ``status`` is the HTTP status code."""

    status = 400

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UnauthorizedError(ServiceError, PermissionError):
    """No valid credentials: missing, unknown, expired or revoked token."""

    status = 401


class ForbiddenError(ServiceError, PermissionError):
    """Valid credentials without the right role or membership."""

    status = 403


class NotFoundError(ServiceError, LookupError):
    """No such room, draft, proposal... (or not visible to the caller)."""

    status = 404


class ConflictError(ServiceError, RuntimeError):
    """The state moved on: a stale expected version, a second vote, a used invitation."""

    status = 409


class GoneError(ServiceError, LookupError):
    """An invitation that has expired."""

    status = 410


class PayloadTooLargeError(ServiceError, ValueError):
    """A request body over the size limit."""

    status = 413


class InvalidInputError(ServiceError, ValueError):
    """Well-formed input that makes no sense here (unknown option, bad preferences)."""

    status = 422


class PreconditionRequiredError(ServiceError, ValueError):
    """A write that needs an expected version (``If-Match`` or ``expected_version``)."""

    status = 428


class TooManyRequestsError(ServiceError, RuntimeError):
    """The caller's rate limit is spent (429); ``retry_after`` is in seconds."""

    status = 429

    def __init__(self, reason: str, retry_after: int = 1) -> None:
        super().__init__(reason)
        self.retry_after = max(1, retry_after)


class UnavailableError(ServiceError, RuntimeError):
    """The database is busy; retry."""

    status = 503


def _response(status: int, reason: Any, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": reason}, status_code=status, headers=headers)


def status_of(exc: AccordError) -> int:
    """The HTTP status for an Accord error (model errors are bad input: 422)."""
    return exc.status if isinstance(exc, ServiceError) else 422


def install_handlers(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(AccordError)
    async def _accord(_request: Request, exc: AccordError) -> JSONResponse:
        status = status_of(exc)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        if status == 503:
            headers = {"Retry-After": "1"}
        if isinstance(exc, TooManyRequestsError):
            headers = {"Retry-After": str(exc.retry_after)}
        reason = exc.reason if isinstance(exc, ServiceError) else str(exc)
        return _response(status, reason, headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # Echo where and why, never the input itself (it may be large or private).
        errors = [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")),
                   "type": str(e.get("type", ""))} for e in exc.errors()[:20]]
        return _response(422, errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _response(exc.status_code, exc.detail, getattr(exc, "headers", None))

    @app.exception_handler(IntegrityError)
    async def _integrity(_request: Request, exc: IntegrityError) -> JSONResponse:
        log.info("integrity conflict: %s", exc.orig)
        return _response(409, "conflicting write: the record already exists or changed")

    @app.exception_handler(DataError)
    async def _data(_request: Request, exc: DataError) -> JSONResponse:
        log.info("data refused by the database: %s", exc.orig)
        return _response(422, "the database refused a value (e.g. a NUL character)")

    @app.exception_handler(OperationalError)
    async def _operational(_request: Request, exc: OperationalError) -> JSONResponse:
        log.warning("database unavailable: %s", exc.orig)
        return _response(503, "the database is busy; retry", {"Retry-After": "1"})
