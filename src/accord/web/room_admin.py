"""The administrator's page: open a room from the browser.

The administrator types the administrator's token into the form each time (it is never
kept in a cookie: the room pages' cookie is for room members). The form is the service's
``POST /rooms``, so the service checks the token and the fields; the answer shows the new
room's mediator token once, with a button that logs this browser in as that mediator.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from accord.web.render import render
from accord.web.room import _MAX_TOKEN, Api, ApiError, _same_origin

_MAX_NAME = 200


async def _scenarios(request: Request) -> list[dict[str, Any]]:
    try:
        async with Api(request, "") as api:
            found: list[dict[str, Any]] = await api.call("GET", "/scenarios")
            return found
    except ApiError:
        return []


async def _form(request: Request, error: str = "", status: int = 200,
                values: dict[str, str] | None = None) -> Response:
    response = render("room_new.html", status, tab="rooms", error=error,
                      scenarios=await _scenarios(request), values=values or {})
    response.headers["Cache-Control"] = "no-store"
    return response


def admin_routes(router: APIRouter) -> None:
    """Register ``/web/rooms/new`` (before ``/web/rooms/{room}``, which it would match)."""

    @router.get("/rooms/new", name="web-room-new")
    async def new_room_form(request: Request) -> Response:
        return await _form(request)

    @router.post("/rooms/new", name="web-room-create")
    async def create_room(request: Request) -> Response:
        form = await request.form()
        values = {k: str(form.get(k, "") or "").strip()[:_MAX_NAME]
                  for k in ("title", "scenario", "mediator_name")}
        if not _same_origin(request):
            return await _form(request, "This form must be sent from this site.", 403, values)
        token = str(form.get("admin_token", "") or "").strip()
        if not token or len(token) > _MAX_TOKEN:
            return await _form(request, "Type the administrator's token.", 400, values)
        body = {"title": values["title"], "mediator_name": values["mediator_name"],
                "scenario": {"bundled": values["scenario"]},
                "mediator_sees_preferences": form.get("mediator_sees_preferences") == "on",
                "sealed_votes": form.get("sealed_votes") == "on"}
        try:
            async with Api(request, token) as api:
                made = await api.call("POST", "/rooms", body)
        except ApiError as exc:
            if exc.status >= 500:
                raise
            msg = ("That is not the administrator's token." if exc.status in (401, 403)
                   else f"The room was not opened: {exc.detail}.")
            return await _form(request, msg, exc.status, values)
        response = render("room_created.html", 201, tab="rooms", made=made)
        response.headers["Cache-Control"] = "no-store"
        return response
