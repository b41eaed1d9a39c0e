"""Authorisation matrix: every route x role x membership gets exactly the expected answer.

The route list comes from the app itself (its OpenAPI document and its routes), and the
access of each route from the table in ``docs/reference/api.md``: a route without a row
there, or a row that disagrees with what the server does, fails.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from tests.service.conftest import Api, World, build_world
from tests.service.routes import api_routes

KINDS = ["admin", "none", "garbage", "mediator", "party", "observer", "other_mediator",
         "other_party", "other_observer", "revoked_mediator", "revoked_party",
         "revoked_observer", "expired_mediator", "expired_party", "expired_observer"]
CURRENT = {"mediator", "party", "observer"}
OTHERS = {"other_mediator", "other_party", "other_observer"}

ALLOWED: dict[str, set[str]] = {
    "public": set(KINDS),
    "admin": {"admin"},
    "caller": {"admin"} | CURRENT | OTHERS,
    "self_member": CURRENT | OTHERS,
    "member": CURRENT,
    "mediator": {"mediator"},
    "party": {"party"},
    "participant": {"mediator", "party"},
    "mediator_or_admin": {"mediator", "admin"},
    # a room that does not let the mediator see preferences: nobody
    "mediator_if_room_allows": set(),
}

PREFS = {"form": "weights", "reservation": 0.3, "weights": {"land": 1.0},
         "values": {"land": {"keep": 1.0, "cede": 0.0, "swap": 0.5}}}

# (method, path) -> (access level, request keyword arguments)
EXPECTED: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {
    ("GET", "/openapi.json"): ("public", {}),
    ("GET", "/docs"): ("public", {}),
    ("GET", "/docs/oauth2-redirect"): ("public", {}),
    ("GET", "/health"): ("public", {}),
    ("GET", "/scenarios"): ("public", {}),
    ("POST", "/invitations/accept"): ("public", {"json": {"token": "no-such-invitation"}}),
    ("POST", "/rooms"): ("admin", {"json": {
        "title": "New", "scenario": {"bundled": "ukraine-2025"}, "mediator_name": "M"}}),
    ("GET", "/rooms"): ("admin", {}),
    ("POST", "/rooms/import"): ("admin", {"json": {}}),
    ("GET", "/me"): ("caller", {}),
    ("POST", "/me/tokens"): ("self_member", {"json": {}}),
    ("DELETE", "/me/token"): ("self_member", {}),
    ("GET", "/rooms/{room_id}"): ("member", {}),
    ("PATCH", "/rooms/{room_id}"): ("mediator", {"json": {"expected_version": 1,
                                                          "title": "Renamed"}}),
    ("GET", "/rooms/{room_id}/members"): ("member", {}),
    ("POST", "/rooms/{room_id}/members/{member_id}/revoke"): ("mediator", {}),
    ("POST", "/rooms/{room_id}/invitations"): ("mediator", {"json": {"role": "observer",
                                                                     "name": "X"}}),
    ("GET", "/rooms/{room_id}/invitations"): ("mediator", {}),
    ("GET", "/rooms/{room_id}/preferences/me"): ("party", {}),
    ("PUT", "/rooms/{room_id}/preferences/me"): ("party", {"json": {
        "preferences": PREFS, "expected_version": 0}}),
    ("POST", "/rooms/{room_id}/preferences/me/adopt"): ("party", {"json": {
        "expected_version": 0}}),
    ("GET", "/rooms/{room_id}/preferences"): ("mediator_if_room_allows", {}),
    ("POST", "/rooms/{room_id}/channels"): ("participant", {"json": {"name": "c"}}),
    ("GET", "/rooms/{room_id}/channels"): ("member", {}),
    ("GET", "/rooms/{room_id}/channels/{channel_id}"): ("member", {}),
    ("POST", "/rooms/{room_id}/channels/{channel_id}/drafts"): ("participant", {"json": {
        "title": "t"}}),
    ("GET", "/rooms/{room_id}/drafts"): ("member", {}),
    ("GET", "/rooms/{room_id}/drafts/{draft_id}"): ("member", {}),
    ("PUT", "/rooms/{room_id}/drafts/{draft_id}"): ("participant", {"json": {
        "expected_version": 1, "choices": {"land": "keep"}}}),
    ("GET", "/rooms/{room_id}/drafts/{draft_id}/versions/{version}"): ("member", {}),
    ("GET", "/rooms/{room_id}/drafts/{draft_id}/diff"): ("member", {"params": {
        "from_version": 1, "to_version": 1}}),
    ("POST", "/rooms/{room_id}/drafts/{draft_id}/briefings"): ("participant", {"json": {
        "version": 1, "channel_id": "ch_0000000000000000"}}),
    ("GET", "/rooms/{room_id}/drafts/{draft_id}/briefings"): ("member", {}),
    ("POST", "/rooms/{room_id}/evaluate"): ("member", {"json": {"choices": {
        "guarantee": "weak"}}}),
    ("POST", "/rooms/{room_id}/proposals"): ("participant", {"json": {
        "title": "t", "choices": {"guarantee": "weak"}}}),
    ("GET", "/rooms/{room_id}/proposals"): ("member", {}),
    ("GET", "/rooms/{room_id}/proposals/{proposal_id}"): ("member", {}),
    ("POST", "/rooms/{room_id}/proposals/{proposal_id}/votes"): ("party", {"json": {
        "vote": "accept"}}),
    ("PUT", "/rooms/{room_id}/proposals/{proposal_id}/votes/me"): ("party", {"json": {
        "vote": "reject", "expected_version": 1}}),
    ("POST", "/rooms/{room_id}/proposals/{proposal_id}/withdraw"): ("participant", {
        "json": {}}),
    ("POST", "/rooms/{room_id}/suggestions"): ("mediator", {"json": {"kind": "nash"}}),
    ("GET", "/rooms/{room_id}/suggestions"): ("member", {}),
    ("POST", "/rooms/{room_id}/blind-rounds"): ("mediator", {"json": {"title": "r"}}),
    ("GET", "/rooms/{room_id}/blind-rounds"): ("member", {}),
    ("GET", "/rooms/{room_id}/blind-rounds/{round_id}"): ("member", {}),
    ("PUT", "/rooms/{room_id}/blind-rounds/{round_id}/marks"): ("party", {"json": {
        "packages": [{"guarantee": "weak"}]}}),
    ("GET", "/rooms/{room_id}/blind-rounds/{round_id}/marks"): ("party", {}),
    ("POST", "/rooms/{room_id}/blind-rounds/{round_id}/close"): ("mediator", {}),
    ("GET", "/rooms/{room_id}/audit"): ("mediator_or_admin", {}),
    ("GET", "/rooms/{room_id}/audit/verify"): ("mediator_or_admin", {}),
    ("GET", "/rooms/{room_id}/audit/head"): ("mediator_or_admin", {}),
    ("POST", "/rooms/{room_id}/leaks/trace"): ("mediator_or_admin", {"json": {"text": "x"}}),
    ("GET", "/rooms/{room_id}/export"): ("mediator_or_admin", {}),
}

API_DOC = Path(__file__).resolve().parents[2] / "docs" / "reference" / "api.md"
# the words of the table's Access column -> the levels above
DOC_ACCESS = {"public": "public", "admin": "admin", "any": "caller", "self": "self_member",
              "member": "member", "mediator": "mediator", "party": "party",
              "participant": "participant", "mediator/admin": "mediator_or_admin",
              "mediator if the room allows": "mediator_if_room_allows"}
ROW = re.compile(r"^\| (GET|POST|PUT|PATCH|DELETE) \| `([^`]+)` \| ([^|]+?) \|", re.M)


def _shape(path: str) -> str:
    """A path with its parameters' names and its query left out."""
    return re.sub(r"\{[^}]+\}", "{}", path.split("?")[0])


def documented_access() -> dict[tuple[str, str], str]:
    """(method, path shape) -> level, from the reference's route table."""
    out = {}
    for method, path, access in ROW.findall(API_DOC.read_text(encoding="utf-8")):
        assert access in DOC_ACCESS, f"unknown access {access!r} for {method} {path}"
        out[(method, _shape(path))] = DOC_ACCESS[access]
    return out


def test_every_route_has_a_row_in_the_api_reference(app: FastAPI) -> None:
    doc = documented_access()
    spec = app.openapi()
    in_spec = {(m.upper(), p) for p, ops in spec["paths"].items() for m in ops}
    routes = api_routes(app) | in_spec
    missing = sorted(r for r in routes if (r[0], _shape(r[1])) not in doc)
    assert not missing, f"routes without a row in docs/reference/api.md: {missing}"
    stale = sorted(set(doc) - {(m, _shape(p)) for m, p in routes})
    assert not stale, f"rows in docs/reference/api.md for no route: {stale}"
    wrong = sorted(f"{m} {p}: doc says {doc[(m, _shape(p))]}, matrix expects {level}"
                   for (m, p), (level, _kw) in EXPECTED.items()
                   if doc.get((m, _shape(p))) != level)
    assert not wrong, "\n".join(wrong)


# Routes that change who the caller is run last.
LAST = {("DELETE", "/me/token")}


def test_every_route_has_an_expectation(app: FastAPI) -> None:
    routes = api_routes(app)
    missing = sorted(routes - set(EXPECTED))
    stale = sorted(set(EXPECTED) - routes)
    assert not missing, f"routes without an authorisation expectation: {missing}"
    assert not stale, f"expectations for routes that no longer exist: {stale}"


def _run_matrix(api: Api, world: World) -> list[str]:
    failures = []
    order = sorted(EXPECTED, key=lambda k: (k in LAST, k))
    for method, template in order:
        level, kwargs = EXPECTED[(method, template)]
        path = world.path(template)
        for kind in KINDS:
            r = api.call(method, path, world.tokens[kind], **kwargs)
            denied = r.status_code in (401, 403)
            expect_denied = kind not in ALLOWED[level]
            if denied != expect_denied:
                failures.append(f"{method} {template} as {kind}: {r.status_code} "
                                f"(expected {'deny' if expect_denied else 'allow'}) {r.text[:120]}")
            elif denied:
                # 401 for bad credentials, 403 for a valid caller without the right
                expect = 401 if kind in {"none", "garbage"} or kind.startswith(
                    ("revoked_", "expired_")) else 403
                if r.status_code != expect:
                    failures.append(f"{method} {template} as {kind}: {r.status_code}, "
                                    f"expected {expect}")
                assert "detail" in r.json()
    return failures


def test_authorisation_matrix(app: FastAPI, api: Api, world: World) -> None:
    failures = _run_matrix(api, world)
    assert not failures, "\n".join(failures)


def test_mediator_sees_preferences_only_where_allowed(app: FastAPI, api: Api) -> None:
    w = build_world(app, api, sees=True)
    r = api.get(w.path("/rooms/{room_id}/preferences"), w.tokens["mediator"])
    assert r.status_code == 200
    assert {p["party_id"] for p in r.json()} == {"A", "B", "C", "D"}
    for kind in ("party", "observer", "admin", "other_mediator"):
        assert api.get(w.path("/rooms/{room_id}/preferences"), w.tokens[kind]
                       ).status_code == 403
    # the sight can be withdrawn, never granted after creation
    r = api.call("PATCH", w.path("/rooms/{room_id}"), w.tokens["mediator"],
                 json={"expected_version": 1, "mediator_sees_preferences": False})
    assert r.status_code == 200
    assert api.get(w.path("/rooms/{room_id}/preferences"), w.tokens["mediator"]
                   ).status_code == 403
    r = api.call("PATCH", w.path("/rooms/{room_id}"), w.tokens["mediator"],
                 json={"expected_version": 2, "mediator_sees_preferences": True})
    assert r.status_code == 403


@pytest.mark.parametrize("kind", ["revoked_party", "expired_party", "garbage"])
def test_bad_credentials_are_401_with_a_reason(api: Api, world: World, kind: str) -> None:
    r = api.get("/me", world.tokens[kind])
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert r.json()["detail"]


def test_malformed_authorization_header(api: Api) -> None:
    r = api.get("/me", headers={"Authorization": "Basic abc"})
    assert r.status_code == 401


def test_invitation_is_single_use(app: FastAPI, api: Api, world: World) -> None:
    med = world.tokens["mediator"]
    inv = api.ok("POST", world.path("/rooms/{room_id}/invitations"), med,
                 json={"role": "observer", "name": "Once"})
    assert api.post("/invitations/accept", json={"token": inv["token"]}).status_code == 201
    r = api.post("/invitations/accept", json={"token": inv["token"]})
    assert r.status_code == 409
    # a second member for a party that has one is refused
    r = api.post(world.path("/rooms/{room_id}/invitations"), med,
                 json={"role": "party", "party_id": "A", "name": "A2"})
    assert r.status_code == 409
    # tokens are stored only as hashes
    with app.state.accord.db.read() as session:
        from sqlalchemy import select

        from accord.store.tables import ApiToken, Invitation

        hashes = set(session.scalars(select(ApiToken.token_hash)))
        hashes |= set(session.scalars(select(Invitation.token_hash)))
    assert inv["token"] not in hashes and med not in hashes
    assert all(len(h) == 64 for h in hashes)


def test_token_rotation_and_self_revocation(api: Api, world: World) -> None:
    old = world.tokens["observer"]
    new = api.ok("POST", "/me/tokens", old, json={"label": "laptop"})["token"]
    assert api.call("DELETE", "/me/token", old).status_code == 204
    assert api.get("/me", old).status_code == 401
    assert api.get("/me", new).json()["member"]["role"] == "observer"
