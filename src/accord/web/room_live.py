"""Live updates of the room page: a server-sent event stream per room and member.

``GET /web/rooms/{room}/events`` is authorised like the page (the session cookie, checked
by the service). It sends ``event: change`` whenever what this member's page shows has
changed, and the page's script then fetches the page again and swaps its live sections.

How a change is noticed. Every action in a room appends to its audit log, so the stream
looks at the room's audit head (one short read transaction, on SQLite or PostgreSQL
alike; no connection is held between looks). Only when the head has moved does it ask the
service, with the member's own token, for what the member may see (proposals and votes,
drafts, suggestions, rounds, members, channels, its own preferences) and compare a digest
of that with the last one sent; so an action in a channel the member cannot open moves the
head but sends the member nothing, and the head itself never reaches the browser.

The page says which state it shows (``?since=`` the digest it was drawn with, then the
``Last-Event-ID`` of the last event when the browser reconnects), so a change made between
drawing the page and opening the stream, or while the browser reconnects, is announced as
soon as the stream opens.

The stream ends when the browser goes away (the server notices the disconnect and stops),
when the member's token stops working (``event: end``: revoked, expired or logged out),
and after :data:`LIFETIME` seconds (the browser's ``EventSource`` then reconnects).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from accord.service.audit import head_of
from accord.store import repo
from accord.web.render import SECURITY_HEADERS
from accord.web.room import _ID_RE, COOKIE, Api, ApiError, page_digest

#: Seconds between two looks at the room's audit head.
POLL = 0.4
#: Seconds a stream lives before the browser is asked to reconnect.
LIFETIME = 300.0
#: Seconds between keep-alive comments on a quiet stream.
KEEPALIVE = 15.0
#: What the browser waits before reconnecting, in milliseconds.
RETRY_MS = 2000


def _head(request: Request, room_id: str) -> str:
    state = request.app.state.accord
    with state.db.read() as session:
        room = repo.get_room(session, room_id)
        return head_of(room) if room is not None else ""


async def _digest(api: Api, room_id: str, is_party: bool) -> str:
    """The digest of the answers the member's room page is drawn from (as the page has it)."""
    base = f"/rooms/{room_id}"
    paths = ["/proposals", "/drafts", "/suggestions", "/blind-rounds", "/members", "/channels"]
    if is_party:
        paths.append("/preferences/me")
    parts = await asyncio.gather(*(api.call("GET", base + p) for p in paths))
    return page_digest(*parts)


def _event(name: str, data: str, ident: str = "") -> str:
    return (f"id: {ident}\n" if ident else "") + f"event: {name}\ndata: {data}\n\n"


def live_routes(router: APIRouter) -> None:
    """Register the room's event stream."""

    @router.get("/rooms/{room_id}/events", name="web-room-events")
    async def events(request: Request, room_id: str) -> Response:
        token = request.cookies.get(COOKIE)
        if not token:
            return Response("log in first", status_code=401, media_type="text/plain")
        if not _ID_RE.fullmatch(room_id) or not hasattr(request.app.state, "accord"):
            return Response("no such room", status_code=404, media_type="text/plain")
        try:
            async with Api(request, token) as api:
                me = await api.call("GET", "/me")
                if me.get("room_id") != room_id:
                    return Response("no such room", status_code=404, media_type="text/plain")
                is_party = (me.get("member") or {}).get("role") == "party"
                head = await run_in_threadpool(_head, request, room_id)
                digest = await _digest(api, room_id, is_party)
        except ApiError as exc:
            return Response(exc.detail, status_code=exc.status if exc.status < 500 else 502,
                            media_type="text/plain")

        # What the page shows: the digest it was drawn with, or the last event it had.
        since = (request.headers.get("last-event-id")
                 or request.query_params.get("since", ""))[:64]

        async def stream() -> AsyncIterator[str]:
            nonlocal head, digest
            yield f"retry: {RETRY_MS}\n\n"
            start = quiet = time.monotonic()
            count = 0
            if since and since != digest:  # changed before the stream opened
                count += 1
                yield _event("change", str(count), digest)
            while time.monotonic() - start < LIFETIME:
                await asyncio.sleep(POLL)
                if await request.is_disconnected():
                    return
                now = await run_in_threadpool(_head, request, room_id)
                if now == head:
                    if time.monotonic() - quiet > KEEPALIVE:
                        quiet = time.monotonic()
                        yield ": still here\n\n"
                    continue
                head = now
                try:
                    async with Api(request, token) as api:
                        fresh = await _digest(api, room_id, is_party)
                except ApiError as exc:
                    yield _event("end", json.dumps({"status": exc.status, "detail": exc.detail}))
                    return
                if fresh != digest:
                    digest, count, quiet = fresh, count + 1, time.monotonic()
                    yield _event("change", str(count), digest)

        headers = {**SECURITY_HEADERS, "Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)
