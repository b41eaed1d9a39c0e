"""The forms of the room page: the mediator's desk and a party's preference sliders.

Every form posts here, and every handler makes the service API call the form stands for
(in-process, with the member's own token, as the page reads), so the service applies its
own rules and permissions and its error message is the one shown. A handler only turns
form fields into the API's JSON body. After a change the browser is sent back to the room
page (at the section it acted on); the one exception is a new invitation, whose code is
shown on the answer itself because a secret must not travel in a URL.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from accord.web.render import SECURITY_HEADERS, render
from accord.web.room import (
    _ID_RE,
    COOKIE,
    ROOMS,
    Api,
    ApiError,
    _login_page,
    _room_url,
    _same_origin,
    markable,
    show_room,
)
from accord.web.room_prefs import apply_sliders

#: Longest text a form field may carry (the service has its own, stricter limits).
_MAX_FIELD = 2000


class FormError(ValueError):
    """A form that cannot be turned into an API call (shown to the user as it is)."""


def _text(form: FormData, key: str, *, required: str = "") -> str:
    value = str(form.get(key, "") or "").strip()[:_MAX_FIELD]
    if required and not value:
        raise FormError(required)
    return value


def _id(form: FormData, key: str, what: str) -> str:
    value = _text(form, key, required=f"Choose {what}.")
    if not _ID_RE.fullmatch(value):
        raise FormError(f"That is not {what}.")
    return value


def _versioned(form: FormData, key: str, what: str) -> tuple[str, int]:
    """``ID@VERSION`` from a select of drafts."""
    value = _text(form, key, required=f"Choose {what}.")
    ident, _, version = value.partition("@")
    if not _ID_RE.fullmatch(ident) or not version.isdigit():
        raise FormError(f"That is not {what}.")
    return ident, int(version)


def form_choices(form: FormData) -> dict[str, str]:
    """The package of a form: a ``choice.POINT`` select per point (empty: not set)."""
    out = {}
    for key, value in form.multi_items():
        if key.startswith("choice.") and isinstance(value, str) and value:
            out[key.removeprefix("choice.")[:100]] = value[:100]
    return out


Action = Callable[[Api, str, FormData], Awaitable[Any]]


async def _invite(api: Api, room: str, form: FormData) -> Any:
    role = _text(form, "role", required="Choose a role.")
    body: dict[str, Any] = {"role": role, "name": _text(form, "name", required="Give a name.")}
    if role == "party":
        body["party_id"] = _text(form, "party_id", required="Choose the party they speak for.")
    return await api.call("POST", f"/rooms/{room}/invitations", body)


async def _propose(api: Api, room: str, form: FormData) -> str:
    body: dict[str, Any] = {"title": _text(form, "title", required="Give the proposal a title.")}
    if form.get("draft"):
        body["draft_id"], body["draft_version"] = _versioned(form, "draft", "a draft")
    else:
        body["choices"] = form_choices(form)
        if not body["choices"]:
            raise FormError("Choose an option for at least one point, or a draft.")
    made = await api.call("POST", f"/rooms/{room}/proposals", body)
    return f"proposed#proposal-{made['id']}"


async def _suggest(api: Api, room: str, form: FormData) -> str:
    kind = _text(form, "kind", required="Choose what to suggest.")
    body: dict[str, Any] = {"kind": kind}
    if kind == "improve":
        base = _text(form, "baseline", required="Choose the package to improve on.")
        source, _, rest = base.partition(":")
        if source == "proposal" and _ID_RE.fullmatch(rest):
            body["proposal_id"] = rest
        elif source == "draft":
            draft_id, _, version = rest.partition("@")
            if not _ID_RE.fullmatch(draft_id) or not version.isdigit():
                raise FormError("That is not a draft.")
            draft = await api.call("GET", f"/rooms/{room}/drafts/{draft_id}/versions/{version}")
            body["baseline"] = draft["choices"]
        else:
            raise FormError("Choose a proposal or a draft to improve on.")
    made = await api.call("POST", f"/rooms/{room}/suggestions", body)
    return f"suggested#suggestion-{made['id']}"


async def _brief(api: Api, room: str, form: FormData) -> str:
    draft_id, version = _versioned(form, "draft", "a draft")
    channel = _id(form, "channel_id", "a channel")
    await api.call("POST", f"/rooms/{room}/drafts/{draft_id}/briefings",
                   {"version": version, "channel_id": channel})
    return f"briefed#draft-{draft_id}"


async def _open_round(api: Api, room: str, form: FormData) -> str:
    made = await api.call("POST", f"/rooms/{room}/blind-rounds",
                          {"title": _text(form, "title", required="Give the round a title.")})
    return f"round-opened#round-{made['id']}"


async def _close_round(api: Api, room: str, form: FormData) -> str:
    round_id = _id(form, "round_id", "a round")
    await api.call("POST", f"/rooms/{room}/blind-rounds/{round_id}/close")
    return f"round-closed#round-{round_id}"


async def _mark(api: Api, room: str, form: FormData) -> str:
    round_id = _id(form, "round_id", "a round")
    proposals, suggestions = (await api.call("GET", f"/rooms/{room}/proposals"),
                              await api.call("GET", f"/rooms/{room}/suggestions"))
    known = {key: choices for key, _title, choices in markable(proposals, suggestions)}
    chosen = [str(v) for v in form.getlist("package")]
    unknown = [k for k in chosen if k not in known]
    if unknown:
        raise FormError("a package to mark is no longer in the room; reload the page")
    await api.call("PUT", f"/rooms/{room}/blind-rounds/{round_id}/marks",
                   {"packages": [known[k] for k in chosen]})
    return f"marked#round-{round_id}"


async def _revoke(api: Api, room: str, form: FormData) -> str:
    member = _id(form, "member_id", "a member")
    await api.call("POST", f"/rooms/{room}/members/{member}/revoke")
    return "revoked#members"


async def _verify(api: Api, room: str, form: FormData) -> Any:
    return await api.call("GET", f"/rooms/{room}/audit/verify")


async def _preferences(api: Api, room: str, form: FormData) -> str:
    version = _text(form, "version", required="The form lost its version; reload the page.")
    if not version.isdigit():
        raise FormError("The form's version is not a number; reload the page.")
    current = await api.call("GET", f"/rooms/{room}/preferences/me")
    fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
    try:
        block = apply_sliders(current["preferences"], fields)
    except ValueError as exc:
        raise FormError(str(exc)) from None
    await api.call("PUT", f"/rooms/{room}/preferences/me",
                   {"preferences": block, "expected_version": int(version)})
    return "preferences#preferences"


ACTIONS: dict[str, tuple[Action, str]] = {
    "invite": (_invite, "The invitation was not made"),
    "propose": (_propose, "Nothing was put to the vote"),
    "suggest": (_suggest, "No suggestion was made"),
    "brief": (_brief, "The draft was not briefed"),
    "open-round": (_open_round, "The round was not opened"),
    "close-round": (_close_round, "The round was not closed"),
    "revoke": (_revoke, "Nobody was revoked"),
    "mark": (_mark, "Your marks were not saved"),
    "verify": (_verify, "The audit chain could not be checked"),
    "preferences": (_preferences, "Your preferences were not saved"),
}


def _verdict_notice(verdict: Mapping[str, Any]) -> str:
    if verdict.get("valid"):
        return (f"The audit chain verifies: {verdict.get('entries', 0)} entries, every hash "
                "links to the one before, and the room's records match it.")
    where = verdict.get("first_bad_seq")
    return (f"The audit chain does NOT verify{f' from entry {where}' if where else ''}: "
            f"{verdict.get('reason', '')}")


#: Prefix of the plan editor's point fields (``c.POINT``), as its form sends them.
PLAN_CHOICE = "c."


def action_routes(router: APIRouter) -> None:
    """Register the room page's forms and the plan editor's hand-off.

    Forms post to ``/web/rooms/{room}/act/{action}``; the plan editor's "propose in my
    room" button reaches ``GET /web/rooms/propose``.
    """

    @router.get("/rooms/propose", name="web-room-propose-plan")
    async def propose_from_plan(request: Request, scenario: str = "") -> Response:
        """The plan editor's package in the proposal form of the mediator's room."""
        token = request.cookies.get(COOKIE)
        if not token:
            return render("room_login.html", 401, tab="rooms", logged_in=False,
                          error="Log in as the mediator of a room on this scenario to "
                                "propose the plan editor's package there.")
        try:
            async with Api(request, token) as api:
                me = await api.call("GET", "/me")
                room = await api.call("GET", f"/rooms/{me['room_id']}")
        except ApiError as exc:
            if exc.status == 401:
                return _login_page(request, "Your session has ended; log in again.", 401)
            raise
        room_id = str(room["id"])
        if (me.get("member") or {}).get("role") != "mediator":
            return await show_room(request, room_id, status=403,
                                   error="Only the room's mediator may propose a package.")
        if scenario != room.get("scenario_id"):
            return await show_room(request, room_id, status=409,
                                   error=f"This room negotiates “{room.get('scenario_id')}”, "
                                         f"not “{scenario}”: the plan editor's package does "
                                         "not apply here.")
        prefill = {k.removeprefix(PLAN_CHOICE): v for k, v in request.query_params.items()
                   if k.startswith(PLAN_CHOICE)}
        return await show_room(request, room_id, prefill=prefill,
                               notice="The plan editor's package fills the proposal form "
                                      "below: give it a title and put it to the vote.")

    @router.post("/rooms/{room_id}/act/{action}", name="web-room-act")
    async def act(request: Request, room_id: str, action: str) -> Response:
        if not request.cookies.get(COOKIE):
            return RedirectResponse(ROOMS, status_code=303)
        if action not in ACTIONS:
            return await show_room(request, room_id, error="No such action.", status=404)
        handler, failed = ACTIONS[action]
        if not _same_origin(request):
            return await show_room(request, room_id, status=403,
                                   error=f"{failed}: the form was not sent from this site.")
        if not _ID_RE.fullmatch(room_id):
            return await show_room(request, room_id)
        form = await request.form()
        try:
            async with Api(request, request.cookies[COOKIE]) as api:
                done = await handler(api, room_id, form)
        except FormError as exc:
            return await show_room(request, room_id, error=f"{failed}: {exc}", status=400)
        except ApiError as exc:
            if exc.status == 401:
                return await show_room(request, room_id)  # the login page says why
            return await show_room(request, room_id, error=f"{failed}: {exc.detail}.",
                                   status=exc.status if 400 <= exc.status < 500 else 502)
        if action == "invite":
            base = str(request.base_url).rstrip("/")
            return await show_room(request, room_id, status=201, invited={
                **done, "link": f"{base}{ROOMS}#invitation={done['token']}"})
        if action == "verify":
            return await show_room(request, room_id, notice=_verdict_notice(done),
                                   error="" if done.get("valid") else "The audit chain is broken.")
        key, _, anchor = str(done).partition("#")
        return RedirectResponse(_room_url(room_id, key) + (f"#{anchor}" if anchor else ""),
                                status_code=303,
                                headers={"Cache-Control": "no-store", **SECURITY_HEADERS})
