"""Findings 7-10, 12, 13, 15, 16 and 18: each a regression test (both backends where stored).

7 If-Match with a non-ASCII digit; 8 deeply nested scenario text; 9 odd room ids in the
web room page; 10 token lifetime ceiling; 12 backup files 0600; 13 preference numbers;
15 names normalised and unique; 16 the owner mediator; 18 the web login's session token.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from accord.service.app import create_app
from accord.web.routes import mount_web
from tests.service.conftest import (
    ADMIN_TOKEN,
    Api,
    create_room,
    join,
    make_settings,
    run_cli,
)

PREFS: dict[str, Any] = {"form": "weights", "reservation": 0.3,
                         "weights": {"land": 1.0, "guarantee": 1.0},
                         "values": {"land": {"keep": 1.0, "cede": 0.0, "swap": 0.5}}}


def test_bad_input_gets_4xx_and_changes_nothing(api: Api, db_url: str,
                                                tmp_path: Path) -> None:
    room, med, med_id = create_room(api, "Low")
    a, _ = join(api, room, med, "party", "A", "A")
    plenary = api.ok("GET", f"/rooms/{room}", med)["plenary_channel_id"]
    d = api.ok("POST", f"/rooms/{room}/channels/{plenary}/drafts", med, json={"title": "t"})
    path = f"/rooms/{room}/drafts/{d['id']}"
    head = api.ok("GET", f"/rooms/{room}/audit/head", med)["head"]

    # 7: "²" is a digit to str.isdigit() but not a version
    for bad in (b'"\xb2"', b'"\xd9\xa3"', b'"1 "', b'W/"x"', b'"99999999999"'):
        r = api.put(path, med, headers={"If-Match": bad}, json={"texts": {}})
        assert r.status_code == 422, (bad, r.status_code, r.text)

    # 8: nesting beyond the parser's recursion limit
    r = api.post("/rooms", ADMIN_TOKEN, json={
        "title": "deep", "mediator_name": "M",
        "scenario": {"text": "[" * 2000 + "]" * 2000}})
    assert r.status_code == 422 and "nested too deeply" in r.json()["detail"]

    # 13: preference numbers finite, bounded; a weights-form reservation is a utility
    for block in ({**PREFS, "weights": {"land": 1e308, "guarantee": 1e308}},
                  {**PREFS, "reservation": 1e308}, {**PREFS, "reservation": -1e308},
                  {**PREFS, "reservation": 1.5}):
        r = api.put(f"/rooms/{room}/preferences/me", a,
                    json={"preferences": block, "expected_version": 0})
        assert r.status_code == 422, (block, r.text)
    assert api.ok("GET", f"/rooms/{room}/preferences/me", a)["version"] == 0

    # 15: names normalised and unique
    r = api.post(f"/rooms/{room}/invitations", med,
                 json={"role": "observer", "name": "Mediator\u200b"})
    assert r.status_code == 409
    r = api.post(f"/rooms/{room}/invitations", med, json={"role": "observer", "name": "\u200b"})
    assert r.status_code == 422
    for name in ("plenary", "Plenary", "side", "SIDE\u200d"):
        r = api.post(f"/rooms/{room}/channels", med, json={"name": name})
        assert r.status_code == (201 if name == "side" else 409), (name, r.text)
    inv = api.ok("POST", f"/rooms/{room}/invitations", med,
                 json={"role": "observer", "name": "Chosen"})
    r = api.post("/invitations/accept", json={"token": inv["token"], "name": "Mediator"})
    assert r.status_code == 422
    joined = api.ok("POST", "/invitations/accept", json={"token": inv["token"]})
    assert joined["member"]["name"] == "Chosen"

    # 16: a co-mediator cannot revoke the mediator the administrator appointed
    co, co_id = join(api, room, med, "mediator", "Co")
    r = api.post(f"/rooms/{room}/members/{med_id}/revoke", co)
    assert r.status_code == 403 and "owner" in r.json()["detail"]
    api.ok("POST", f"/rooms/{room}/members/{co_id}/revoke", med)  # the owner can
    assert api.get("/me", med).status_code == 200

    # 12: backups and audit exports are written for their owner only
    for cmd in (("room", "export"), ("audit", "export")):
        out = tmp_path / f"{cmd[0]}.json"
        code, _o, err = run_cli(*cmd, room, "--db", db_url, "--out", str(out))
        assert code == 0, err
        assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert api.ok("GET", f"/rooms/{room}/audit/verify", ADMIN_TOKEN)["valid"]
    code, _o, err = run_cli("audit", "verify", room, "--db", db_url, "--head", head)
    assert code == 0, err


def test_token_lifetime_is_a_ceiling(db_url: str) -> None:
    with TestClient(create_app(make_settings(db_url, token_days=1))) as c:
        api = Api(c)
        _room, med, _ = create_room(api)
        long = api.ok("POST", "/me/tokens", med, json={"expires_in_days": 3650})
        short = api.ok("POST", "/me/tokens", med, json={})
        assert long["expires_at"] is not None
        assert long["expires_at"][:10] == short["expires_at"][:10]  # one day, not ten years


def _web_app(db_url: str) -> FastAPI:
    settings = make_settings(db_url)
    app = create_app(settings)
    mount_web(app, settings)
    return app


def test_web_room_page_and_session_token(db_url: str) -> None:
    with TestClient(_web_app(db_url), base_url="http://testserver") as c:
        api = Api(c)
        room, med, _ = create_room(api)
        a, _ = join(api, room, med, "party", "A", "A")
        origin = {"Origin": "http://testserver"}
        r = c.post("/web/rooms/login", data={"token": a}, headers=origin,
                   follow_redirects=False)
        assert r.status_code == 303
        session = c.cookies.get("accord_room_token")
        assert session and session != a  # 18: the cookie holds a session token of its own
        # 9: odd ids never reach the service's paths
        for odd in (f"{room}%3Fx", "..%2F..%2Fme", "%3Cscript%3E"):
            r = c.get(f"/web/rooms/{odd}")
            assert r.status_code == 404, (odd, r.status_code)
        assert c.get(f"/web/rooms/{room}").status_code == 200
        r = c.post("/web/rooms/logout", headers=origin, follow_redirects=False)
        assert r.status_code == 303
        assert api.get("/me", session).status_code == 401  # revoked at logout
        assert api.get("/me", a).status_code == 200  # the member's own token still works


def test_docs_page_loads_nothing_from_elsewhere(api: Api) -> None:
    """Finding 17: /docs and its scripts come from this server."""
    page = api.get("/docs")
    assert page.status_code == 200
    assert "cdn" not in page.text.lower() and "https://" not in page.text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        assert f"/docs/assets/{asset}" in page.text
        r = api.get(f"/docs/assets/{asset}")
        assert r.status_code == 200 and len(r.content) > 10_000
    assert api.get("/redoc").status_code == 404  # ReDoc exists only on a CDN


def test_room_etag_and_patch_if_match(api: Api) -> None:
    """The reference's claims: GET /rooms/{room} has an ETag; PATCH honours If-Match."""
    room, med, _ = create_room(api)
    r = api.get(f"/rooms/{room}", med)
    assert r.headers["ETag"] == '"1"'
    patch = f"/rooms/{room}"
    assert api.call("PATCH", patch, med, json={"title": "x"}).status_code == 428
    assert api.call("PATCH", patch, med, headers={"If-Match": '"7"'},
                    json={"title": "x"}).status_code == 409
    assert api.call("PATCH", patch, med, headers={"If-Match": '"1"'},
                    json={"expected_version": 2, "title": "x"}).status_code == 422
    r = api.call("PATCH", patch, med, headers={"If-Match": '"1"'}, json={"title": "Renamed"})
    assert r.status_code == 200 and r.headers["ETag"] == '"2"'
    assert api.ok("GET", patch, med)["title"] == "Renamed"
