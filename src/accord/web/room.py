"""The mediation room pages: log in or join, the room as one member may see it, voting.

Authentication. A member joins with the invitation code the mediator sent (redeemed with
the service's ``POST /invitations/accept``; the personal token it yields is shown once), or
logs in with a token it holds. The server checks the token with the service (``GET /me``),
mints a session token of its own (``POST /me/tokens``, one day) and keeps that in a cookie
that is ``HttpOnly`` (page scripts cannot read it), ``SameSite=Strict`` (other sites cannot
make the browser send it), scoped to ``/web/rooms`` and ``Secure`` over HTTPS. Every state
change is a POST whose ``Origin`` must be this server. Logging out revokes the session
token and deletes the cookie.

Data. The page reads everything through the service's own HTTP API, called in-process
with the member's token (``httpx`` over ASGI to ``request.app``), so it sees exactly what
the API lets this member see: its own party's preferences and nobody else's, drafts of
its own channels, the proposals and votes, suggestions with its own utility only, and the
audit trail where its role may read it.

Voting asks first (the page's script, or the server when the script did not) before a
party accepts a package below its reservation or casts a reject that ends the proposal.
The mediator's forms and the party's sliders are in :mod:`accord.web.room_actions`, the
administrator's page in :mod:`accord.web.room_admin`, live updates in
:mod:`accord.web.room_live`.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from accord.web.render import PREFIX, SECURITY_HEADERS, render
from accord.web.room_prefs import preference_sliders

COOKIE = "accord_room_token"
ROOMS = f"{PREFIX}/rooms"
_INTERNAL = "http://accord.internal"
_MAX_TOKEN = 200


class ApiError(Exception):
    """The service answered with an error (or is not mounted in this app)."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


class Api:
    """The service's HTTP API, called in-process with one member's token."""

    def __init__(self, request: Request, token: str) -> None:
        self._client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=request.app), base_url=_INTERNAL,
            headers={"Authorization": f"Bearer {token}"} if token else {}, timeout=60.0)

    async def __aenter__(self) -> Api:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._client.aclose()

    async def call(self, method: str, path: str, body: Any = None) -> Any:
        """One API call; :class:`ApiError` unless it succeeds."""
        r = await self._client.request(method, path, json=body)
        if r.status_code >= 400:
            try:
                detail = str(r.json().get("detail", r.text))
            except (ValueError, AttributeError):
                detail = r.text or r.reason_phrase
            if r.status_code == 404 and path == "/me":
                detail = "the mediation service is not running in this application"
            raise ApiError(r.status_code, detail)
        return r.json() if r.content else None

    async def maybe(self, method: str, path: str, body: Any = None) -> Any:
        """Like :meth:`call`, but ``None`` where the caller's role may not read it (403)."""
        try:
            return await self.call(method, path, body)
        except ApiError as exc:
            if exc.status == 403:
                return None
            raise


# ------------------------------------------------------------------- presentation
@dataclass
class Labels:
    """Human labels of a room's scenario (from its public view, which has no preferences)."""

    points: dict[str, str] = field(default_factory=dict)
    options: dict[str, dict[str, str]] = field(default_factory=dict)
    parties: dict[str, str] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, scenario: Mapping[str, Any]) -> Labels:
        """Labels from a scenario document."""
        out = cls()
        for issue in scenario.get("issues", []):
            iid = str(issue["id"])
            point = issue.get("point")
            title = str(issue.get("title") or iid)
            out.points[iid] = f"{point}. {title}" if point is not None else title
            out.options[iid] = {str(o["id"]): str(o.get("label") or o["id"])
                                for o in issue.get("options", [])}
            out.order.append(iid)
        for p in scenario.get("parties", []):
            out.parties[str(p["id"])] = str(p.get("name") or p["id"])
        return out

    def choices(self, choices: Mapping[str, str]) -> list[tuple[str, str]]:
        """(point, option) labels in scenario order."""
        keys = [k for k in self.order if k in choices] + [k for k in choices
                                                          if k not in self.order]
        return [(self.points.get(k, k), self.options.get(k, {}).get(choices[k], choices[k]))
                for k in keys]

    def option_ref(self, ref: str | Mapping[str, Any]) -> str:
        """``"point.option"`` as labels (a soft red line's mapping with its probability)."""
        if isinstance(ref, Mapping):
            return f"{self.option_ref(str(ref['option']))} (holds with p = {ref['probability']:g})"
        issue, _, option = ref.partition(".")
        return f"{self.points.get(issue, issue)}: {self.options.get(issue, {}).get(option, option)}"


def _param(x: Any) -> tuple[float | None, str, str]:
    """(value, range, reason) of a number as written in a preferences block."""
    if isinstance(x, int | float):
        return float(x), "", ""
    if isinstance(x, Mapping):
        rng = x.get("range")
        spread = f"{rng[0]:g} to {rng[1]:g}" if rng else ""
        value = x.get("value")
        return (float(value) if value is not None else None), spread, str(x.get("why", ""))
    return None, "", ""


@dataclass
class PrefRow:
    """One point of the member's own preferences."""

    point: str
    weight: float | None
    weight_why: str
    options: list[tuple[str, float | None, str]]
    why: str


def preference_rows(block: Mapping[str, Any], labels: Labels) -> list[PrefRow]:
    """The member's own preferences, point by point, labelled."""
    weights = block.get("weights") or {}
    values = block.get("values") or {}
    rows = []
    for iid in labels.order:
        if iid not in weights and iid not in values:
            continue
        w, _, wwhy = _param(weights.get(iid)) if iid in weights else (None, "", "")
        raw = values.get(iid) or {}
        why = ""
        if isinstance(raw, Mapping) and isinstance(raw.get("options"), Mapping):
            why = str(raw.get("why", ""))
            raw = raw["options"]
        opts = []
        for oid, label in labels.options.get(iid, {}).items():
            v, spread, owhy = _param(raw.get(oid)) if oid in raw else (None, "", "")
            opts.append((label, v, spread or owhy))
        rows.append(PrefRow(labels.points[iid], w, wwhy, opts, why))
    return rows


def _actor(actor: str, names: Mapping[str, str]) -> str:
    role, _, member_id = actor.partition(":")
    return f"{names[member_id]} ({role})" if member_id in names else actor


def _when(stamp: str) -> str:
    return stamp.replace("T", " ")[:19]


def _audit_line(payload: Mapping[str, Any]) -> str:
    text = json.dumps(dict(payload), ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 240 else text[:237] + "…"


# ----------------------------------------------------------------------- the page
def markable(proposals: list[dict[str, Any]], suggestions: list[dict[str, Any]]
             ) -> list[tuple[str, str, dict[str, str]]]:
    """The packages a party may mark in a blind round: (form key, title, choices)."""
    out = [(f"proposal:{p['id']}", f"Proposal: {p['title']}", p["choices"]) for p in proposals]
    out += [(f"suggestion:{s['id']}",
             f"Suggestion: {'Nash package' if s['kind'] == 'nash' else 'improvement'}",
             s["choices"]) for s in suggestions if s.get("choices")]
    return out


def page_digest(proposals: Any, drafts: Any, suggestions: Any, rounds: Any, members: Any,
                channels: Any, prefs: Any = None) -> str:
    """A digest of the service's answers a room page is drawn from (its live parts).

    The page carries it, and the event stream (:mod:`accord.web.room_live`) compares it with
    the same answers read later: a different digest means the page is out of date. It is a
    hash of what the member already sees, so it tells the browser nothing new.
    """
    parts = [proposals, drafts, suggestions, rounds, members, channels]
    if prefs is not None:
        parts.append(prefs)
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


async def _room_context(api: Api, room_id: str) -> dict[str, Any]:
    me, room, members, channels, draft_list, proposals, suggestions = await asyncio.gather(
        api.call("GET", "/me"), api.call("GET", f"/rooms/{room_id}"),
        api.call("GET", f"/rooms/{room_id}/members"),
        api.call("GET", f"/rooms/{room_id}/channels"),
        api.call("GET", f"/rooms/{room_id}/drafts"),
        api.call("GET", f"/rooms/{room_id}/proposals"),
        api.call("GET", f"/rooms/{room_id}/suggestions"),
    )
    member = me.get("member") or {}
    is_party = member.get("role") == "party" and member.get("party_id")
    is_mediator = member.get("role") == "mediator"
    prefs, audit, rounds = await asyncio.gather(
        api.call("GET", f"/rooms/{room_id}/preferences/me") if is_party else _none(),
        api.maybe("GET", f"/rooms/{room_id}/audit?limit=1000"),
        api.call("GET", f"/rooms/{room_id}/blind-rounds"),
    )
    drafts = await asyncio.gather(*(api.call("GET", f"/rooms/{room_id}/drafts/{d['id']}")
                                    for d in draft_list))
    open_rounds = [r["id"] for r in rounds if r["status"] == "open"] if is_party else []
    marks = await asyncio.gather(*(api.call("GET", f"/rooms/{room_id}/blind-rounds/{r}/marks")
                                   for r in open_rounds))

    async def own(choices: Mapping[str, str] | None) -> Any:
        if not is_party or not choices:
            return None
        try:
            answer = await api.maybe("POST", f"/rooms/{room_id}/evaluate",
                                     {"choices": dict(choices)})
        except ApiError as exc:
            if exc.status >= 500:
                raise
            return {"error": exc.detail}  # e.g. a draft that leaves points open
        return answer.get("own") if answer else None

    own_proposals, own_drafts = await asyncio.gather(
        asyncio.gather(*(own(p["choices"]) for p in proposals)),
        asyncio.gather(*(own(d["choices"]) for d in drafts)),
    )
    labels = Labels.of(room["scenario"])
    names = {m["id"]: m["name"] for m in members}
    by_channel: dict[str, list[tuple[Any, Any]]] = {c["id"]: [] for c in channels}
    for d, o in zip(drafts, own_drafts, strict=True):
        by_channel.setdefault(d["channel_id"], []).append((d, o))
    my_votes = {v["proposal_id"]: v for p in proposals for v in p["votes"]
                if is_party and v["party_id"] == member.get("party_id")}
    return {
        "me": member, "room": room, "labels": labels, "members": members, "names": names,
        "channels": channels, "drafts_by_channel": by_channel,
        "proposals": list(zip(proposals, own_proposals, strict=True)), "my_votes": my_votes,
        "suggestions": suggestions, "prefs": prefs,
        "pref_rows": preference_rows(prefs["preferences"], labels) if prefs else [],
        "audit": audit, "audit_line": _audit_line, "is_party": bool(is_party),
        "is_mediator": is_mediator, "rounds": rounds,
        "my_marks": {m["round_id"]: m["packages"] for m in marks},
        "markable": markable(proposals, suggestions),
        "digest": page_digest(proposals, draft_list, suggestions, rounds, members, channels,
                              prefs),
        "sliders": preference_sliders(prefs["preferences"], labels) if prefs else [],
        "actor": lambda a: _actor(a, names), "when": _when, "vote_warnings": vote_warnings,
    }


async def _none() -> None:
    return None


def _same_origin(request: Request) -> bool:
    """Whether a state-changing request comes from one of this server's own pages."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin:
        return False
    o = urlsplit(origin)
    return f"{o.scheme}://{o.netloc}" == f"{request.url.scheme}://{request.url.netloc}"


def _login_page(request: Request, error: str = "", status: int = 200) -> Response:
    return render("room_login.html", status, tab="rooms", error=error,
                  logged_in=bool(request.cookies.get(COOKIE)))


def _room_url(room_id: str, notice: str = "") -> str:
    return f"{ROOMS}/{quote(room_id, safe='')}" + (f"?notice={quote(notice)}" if notice else "")


def vote_warnings(proposal: Mapping[str, Any], own: Mapping[str, Any] | None
                  ) -> dict[str, str]:
    """What to confirm before a vote: accepting below one's reservation, a final reject.

    ``own`` is the party's own outcome of the proposal (``None``: unknown). The page's
    script asks with these words before it sends the vote; the server asks again when a
    vote comes without the confirmation.
    """
    out = {"accept": "", "reject": ""}
    if own and not own.get("error") and not own.get("acceptable", True):
        out["accept"] = (
            f"This package gives you {own['utility']:.3f}, below your reservation "
            f"{own['reservation']:.3f} (what you get without a deal"
            + (", and it crosses a red line of yours" if own.get("red_lines_hit") else "")
            + "). Accept it anyway?")
    if proposal.get("reject_ends_it"):
        out["reject"] = (
            f"Your reject ends this proposal: under the rule “{proposal.get('rule', '')}” it "
            "rejects it for everyone, and nobody can vote on it again. Reject it?")
    return out


NOTICES = {
    "accept": "Your vote to accept was recorded.",
    "reject": "Your vote to reject was recorded.",
    "proposed": "The package was put to the vote.",
    "suggested": "The suggestion is ready (below).",
    "briefed": "The draft was briefed to the channel.",
    "round-opened": "The blind round is open.",
    "round-closed": "The blind round is closed.",
    "marked": "Your marks were saved; only the packages every party marks are shown at the close.",
    "revoked": "The member was revoked: their tokens no longer work.",
    "preferences": "Your preferences were saved.",
}


#: Ids as the service issues them; anything else is refused before it reaches a path.
_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
#: Lifetime of the session token a web login mints (the server's ceiling may shorten it).
SESSION_DAYS = 1


async def show_room(request: Request, room_id: str, notice: str = "", error: str = "",
                    status: int = 200, **extra: Any) -> Response:
    """The room page as the member of the session cookie sees it (or the login page)."""
    token = request.cookies.get(COOKIE)
    if not token:
        return RedirectResponse(ROOMS, status_code=303)
    if not _ID_RE.fullmatch(room_id):
        return render("error.html", 404, title="No such room",
                      message="that is not a room id", tab="rooms")
    try:
        async with Api(request, token) as api:
            ctx = await _room_context(api, room_id)
    except ApiError as exc:
        if exc.status == 401:
            return _login_page(request, "Your session has ended; log in again.", 401)
        title = "No such room" if exc.status in (403, 404) else "The room is unavailable"
        return render("error.html", 404 if exc.status in (403, 404) else 502,
                      title=title, message=exc.detail, tab="rooms")
    extra.setdefault("invited", None)
    extra.setdefault("pending_vote", None)
    extra.setdefault("prefill", None)
    response = render("room.html", status, tab="rooms", notice=notice, error=error,
                      **ctx, **extra)
    response.headers["Cache-Control"] = "no-store"
    return response


async def _session_token(api: Api) -> dict[str, Any]:
    """A session token of its own for the cookie (revoked at logout)."""
    session: dict[str, Any] = await api.call("POST", "/me/tokens", {
        "label": "web session", "expires_in_days": SESSION_DAYS})
    return session


def _with_session(request: Request, response: Response, session: Mapping[str, Any]
                  ) -> Response:
    response.set_cookie(COOKIE, session["token"], httponly=True, samesite="strict",
                        path=ROOMS, secure=request.url.scheme == "https")
    return response


def room_routes(router: APIRouter, settings: object | None) -> None:
    """Register the room pages on ``router`` (under ``/web/rooms``)."""
    # The forms and the event stream build on this module's Api and page (imported here:
    # they import this module).
    from accord.web.room_actions import action_routes
    from accord.web.room_admin import admin_routes
    from accord.web.room_live import live_routes

    admin_routes(router)
    action_routes(router)
    live_routes(router)

    @router.get("/rooms", name="web-rooms")
    async def login_form(request: Request) -> Response:
        return _login_page(request)

    @router.post("/rooms/login", name="web-rooms-login")
    async def login(request: Request) -> Response:
        if not _same_origin(request):
            return _login_page(request, "This form must be sent from this site.", 403)
        form = await request.form()
        token = str(form.get("token", "")).strip()
        if not token or len(token) > _MAX_TOKEN:
            return _login_page(request, "Paste the API token you were given.", 400)
        try:
            async with Api(request, token) as api:
                me = await api.call("GET", "/me")
                if me.get("admin") or not me.get("room_id"):
                    return _login_page(request, "That is the administrator's token; log in "
                                                "with a room member's token.", 400)
                session = await _session_token(api)
        except ApiError as exc:
            msg = ("That token is not valid (unknown, expired or revoked)."
                   if exc.status == 401 else f"Cannot log in: {exc.detail}.")
            return _login_page(request, msg, 401 if exc.status == 401 else 503)
        return _with_session(request, RedirectResponse(_room_url(me["room_id"]),
                                                       status_code=303), session)

    @router.post("/rooms/redeem", name="web-rooms-redeem")
    async def redeem(request: Request) -> Response:
        """Redeem an invitation code: membership, a personal token (shown once), a session."""
        if not _same_origin(request):
            return _login_page(request, "This form must be sent from this site.", 403)
        form = await request.form()
        code = str(form.get("invitation", "")).strip()
        if not code or len(code) > _MAX_TOKEN:
            return _login_page(request, "Paste the invitation code you were given.", 400)
        try:
            async with Api(request, "") as anonymous:
                issued = await anonymous.call("POST", "/invitations/accept", {"token": code})
            async with Api(request, issued["token"]) as api:
                me = await api.call("GET", "/me")
                session = await _session_token(api)
        except ApiError as exc:
            if exc.status >= 500:
                raise
            return _login_page(request, f"That invitation cannot be redeemed: {exc.detail}.",
                               exc.status)
        response = render("room_welcome.html", 201, tab="rooms", issued=issued,
                          room_url=_room_url(me["room_id"]))
        response.headers["Cache-Control"] = "no-store"
        return _with_session(request, response, session)

    @router.post("/rooms/logout", name="web-rooms-logout")
    async def logout(request: Request) -> Response:
        response = RedirectResponse(ROOMS, status_code=303)
        if _same_origin(request):
            token = request.cookies.get(COOKIE)
            if token and len(token) <= _MAX_TOKEN:
                try:
                    async with Api(request, token) as api:
                        await api.call("DELETE", "/me/token")
                except ApiError as exc:
                    if exc.status not in (401, 403):  # already revoked or expired: fine
                        raise
            response.delete_cookie(COOKIE, path=ROOMS, httponly=True, samesite="strict")
        return response

    @router.get("/rooms/{room_id}", name="web-room")
    async def room_page(request: Request, room_id: str, notice: str = "") -> Response:
        return await show_room(request, room_id, NOTICES.get(notice, ""))

    @router.post("/rooms/{room_id}/proposals/{proposal_id}/vote", name="web-room-vote")
    async def vote(request: Request, room_id: str, proposal_id: str) -> Response:
        token = request.cookies.get(COOKIE)
        if not token:
            return RedirectResponse(ROOMS, status_code=303)
        if not _same_origin(request):
            return await show_room(request, room_id, error="That vote was not sent from this "
                                                           "site; nothing was recorded.",
                                   status=403)
        form = await request.form()
        choice = str(form.get("vote", ""))
        if choice not in ("accept", "reject"):
            return await show_room(request, room_id, error="Choose accept or reject.",
                                   status=400)
        if not (_ID_RE.fullmatch(room_id) and _ID_RE.fullmatch(proposal_id)):
            return await show_room(request, room_id, error="No such proposal.", status=404)
        base = f"/rooms/{room_id}/proposals/{proposal_id}"
        try:
            async with Api(request, token) as api:
                me = await api.call("GET", "/me")
                proposal = await api.call("GET", base)
                own = None
                if choice == "accept":
                    answer = await api.call("POST", f"/rooms/{room_id}/evaluate",
                                            {"choices": proposal["choices"]})
                    own = answer.get("own")
                warning = vote_warnings(proposal, own)[choice]
                if warning and form.get("confirmed") != "1":
                    # Without the page's script (which asks first), ask here.
                    return await show_room(request, room_id, status=409, pending_vote={
                        "proposal": proposal, "vote": choice, "message": warning})
                party = (me.get("member") or {}).get("party_id")
                mine = next((v for v in proposal["votes"] if v["party_id"] == party), None)
                if mine is None:
                    await api.call("POST", f"{base}/votes", {"vote": choice})
                elif mine["vote"] != choice:
                    await api.call("PUT", f"{base}/votes/me",
                                   {"vote": choice, "expected_version": mine["version"]})
        except ApiError as exc:
            return await show_room(request, room_id, error=f"The vote was not recorded: "
                                                           f"{exc.detail}.",
                                   status=exc.status if 400 <= exc.status < 500 else 502)
        # Back to the proposal voted on, not the top of a long page.
        return RedirectResponse(_room_url(room_id, choice) + f"#proposal-{proposal_id}",
                                status_code=303,
                                headers={"Cache-Control": "no-store", **SECURITY_HEADERS})
