"""The room page's event stream (``GET /web/rooms/{room}/events``) on SQLite and PostgreSQL.

A party's stream announces what changes on its page, not what it cannot see; it ends
with ``event: end`` when the party is revoked; it holds no database connection while
the room is quiet. Every wait is on a line of the stream (httpx's read timeout is only a
hang detector).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
from fastapi import FastAPI

from accord.service.app import create_app
from accord.web.routes import web_router
from tests.service.conftest import ADMIN_TOKEN, LiveServer, make_settings


def _events(lines: Iterator[str]) -> Iterator[tuple[str, str, str]]:
    """(event, data, id) of a stream's events, skipping comments and the retry line."""
    name = ident = ""
    for line in lines:
        if line.startswith("id: "):
            ident = line.removeprefix("id: ")
        elif line.startswith("event: "):
            name = line.removeprefix("event: ")
        elif line.startswith("data: "):
            yield name, line.removeprefix("data: "), ident
            name = ident = ""


def _page_digest(client: httpx.Client, room: str) -> str:
    """The digest the room page says it was drawn with (its event stream's ``since``)."""
    page = client.get(f"/web/rooms/{room}")
    assert page.status_code == 200, page.text
    found = re.search(r'/events\?since=([0-9a-f]{64})"', page.text)
    assert found, "the room page names no digest"
    return found.group(1)


def _app(db_url: str) -> FastAPI:
    settings = make_settings(db_url)
    app = create_app(settings)
    if not any(str(getattr(r, "path", "")).startswith("/web") for r in app.routes):
        app.include_router(web_router(settings))
    return app


def test_stream_follows_what_the_party_sees(db_url: str) -> None:
    app = _app(db_url)
    with LiveServer(app) as server, httpx.Client(base_url=server.url, timeout=60) as c:
        def ok(method: str, path: str, token: str, body: object = None) -> dict:  # type: ignore[type-arg]
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            r = c.request(method, path, json=body, headers=headers)
            assert r.status_code < 400, r.text
            return r.json()  # type: ignore[no-any-return]

        made = ok("POST", "/rooms", ADMIN_TOKEN, {"title": "Events", "mediator_name": "M",
                                                  "scenario": {"bundled": "harbour-teaching"}})
        room, med = made["room"]["id"], made["token"]
        tokens, members = {}, {}
        for pid in ("HA", "FC"):
            inv = ok("POST", f"/rooms/{room}/invitations", med,
                     {"role": "party", "name": pid, "party_id": pid})
            issued = ok("POST", "/invitations/accept", "", {"token": inv["token"]})
            tokens[pid], members[pid] = issued["token"], issued["member"]["id"]
        with httpx.Client(base_url=server.url, timeout=60,
                          headers={"Origin": server.url}) as party:
            assert party.post("/web/rooms/login",
                              data={"token": tokens["HA"]}).status_code == 303
            drawn = _page_digest(party, room)
            # A page drawn before a change hears of it as soon as its stream opens.
            with party.stream("GET", f"/web/rooms/{room}/events?since={'0' * 64}") as stream:
                assert next(_events(stream.iter_lines())) == ("change", "1", drawn)
            with party.stream("GET", f"/web/rooms/{room}/events?since={drawn}") as stream:
                assert stream.status_code == 200
                events = _events(stream.iter_lines())
                # A proposal reaches HA's page: the first event, naming the page's new state.
                ok("POST", f"/rooms/{room}/proposals", med, {"title": "P", "choices": {
                    "berths": "four-berths", "dredging": "channel-12m",
                    "fishing": "seasonal-closure", "fees": "discount-10", "jobs": "quota-25"}})
                assert next(events) == ("change", "1", _page_digest(party, room))
                # The room is quiet: no connection is held between looks.
                pool = app.state.accord.db.reader.pool
                while pool.checkedout() != 0:  # a look may be under way: it ends (else: hang)
                    pass
                # A side channel of FC's moves the audit head but not HA's page, then a
                # round does: HA gets one event (two, were the channel's changes shown to
                # HA and looked at apart from the round's).
                side = ok("POST", f"/rooms/{room}/channels", med,
                          {"name": "FC only", "member_ids": [members["FC"]]})
                ok("POST", f"/rooms/{room}/channels/{side['id']}/drafts", med,
                   {"title": "Secret", "choices": {"berths": "two-berths"}})
                ok("POST", f"/rooms/{room}/blind-rounds", med, {"title": "R"})
                assert next(events)[:2] == ("change", "2")
                # Revoked: the stream says so and ends.
                ok("POST", f"/rooms/{room}/members/{members['HA']}/revoke", med)
                name, data, _ident = next(events)
                assert name == "end" and '"status": 401' in data
                assert next(events, None) is None
