"""The mediation workflow: channels and drafts, briefings, diffs, votes, suggestions."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import update

from accord.store.tables import Invitation
from tests.service.conftest import Api, World


def test_private_channel_drafts_are_visible_only_to_members(api: Api, world: World) -> None:
    a, med = world.tokens["A"], world.tokens["mediator"]
    side = world.ids["side_channel"]
    d = api.ok("POST", world.path("/rooms/{room_id}/channels/") + side + "/drafts", a,
               json={"title": "Private", "choices": {"land": "keep"},
                     "texts": {"land": "Only between us."}})
    path = world.path("/rooms/{room_id}/drafts/") + d["id"]
    assert api.get(path, med).status_code == 200
    for kind in ("B", "observer"):
        assert api.get(path, world.tokens[kind]).status_code == 404
        listed = api.ok("GET", world.path("/rooms/{room_id}/drafts"), world.tokens[kind])
        assert d["id"] not in {x["id"] for x in listed}
        assert api.get(world.path("/rooms/{room_id}/channels/") + side,
                       world.tokens[kind]).status_code == 404
    assert api.put(path, world.tokens["B"], json={"expected_version": 1}).status_code == 404
    # B cannot post into a channel it is not in
    r = api.post(world.path("/rooms/{room_id}/channels/") + side + "/drafts",
                 world.tokens["B"], json={"title": "x"})
    assert r.status_code == 404
    # briefing version 1 to the plenary shares that version, and only that one
    api.ok("PUT", path, a, json={"expected_version": 1, "texts": {"land": "Second."}})
    b = api.ok("POST", path + "/briefings", a,
               json={"version": 1, "channel_id": world.ids["plenary"]})
    assert b["version"] == 1
    seen = api.ok("GET", path, world.tokens["B"])
    # finding 14: nothing of the newer, unbriefed version shows
    assert seen["version"] == 1 and seen["latest_version"] == 1 and seen["briefed"]
    assert api.get(path + "/versions/2", world.tokens["B"]).status_code == 404
    assert api.get(path + "/diff", world.tokens["B"],
                   params={"from_version": 1, "to_version": 2}).status_code == 404
    assert len(api.ok("GET", path + "/briefings", world.tokens["B"])) == 1
    # briefing the same version twice is a conflict; to a narrower channel is refused
    assert api.post(path + "/briefings", a, json={"version": 1, "channel_id":
                                                  world.ids["plenary"]}).status_code == 409
    pd = world.path("/rooms/{room_id}/drafts/{draft_id}")
    r = api.post(pd + "/briefings", med, json={"version": 1, "channel_id": side})
    assert r.status_code == 422 and "wider" in r.json()["detail"]
    audit = api.ok("GET", world.path("/rooms/{room_id}/audit"), med)
    assert "draft.brief" in {e["action"] for e in audit["entries"]}
    assert "Only between us" not in str(audit)


def test_each_reader_gets_a_different_fingerprinted_copy(api: Api, world: World) -> None:
    path = world.path("/rooms/{room_id}/drafts/{draft_id}")
    copies = {kind: api.ok("GET", path, world.tokens[kind]) for kind in
              ("A", "B", "observer", "mediator")}
    assert all(c["fingerprinted"] for c in copies.values())
    assert len({c["text"] for c in copies.values()}) == 4
    assert copies["A"]["points_with_text"] == ["land", "guarantee"]


def test_diff_between_versions(api: Api, world: World) -> None:
    path = world.path("/rooms/{room_id}/drafts/{draft_id}")
    api.ok("PUT", path, world.tokens["mediator"], json={
        "expected_version": 1, "choices": {"land": "cede", "guarantee": "weak"},
        "texts": {"land": "The parties shall swap territory along the agreed line.",
                  "money": "Money."}})
    diff = api.ok("GET", path + "/diff", world.tokens["observer"],
                  params={"from_version": 1, "to_version": 2})
    changes = {c["point"]: c for c in diff["changes"]}
    assert set(changes) == {"land", "guarantee", "money"}
    assert changes["land"]["option_before"] == "swap" and changes["land"]["option_after"] == "cede"
    assert not changes["land"]["text_changed"] and changes["guarantee"]["text_changed"]
    assert diff["unchanged"] == 0


def test_bad_draft_content_is_422(api: Api, world: World) -> None:
    path = world.path("/rooms/{room_id}/channels/{plenary}/drafts")
    med = world.tokens["mediator"]
    assert api.post(path, med, json={"title": "x", "choices": {"nope": "keep"}}
                    ).status_code == 422
    assert api.post(path, med, json={"title": "x", "choices": {"land": "nope"}}
                    ).status_code == 422
    assert api.post(path, med, json={"title": "x", "texts": {"nope": "t"}}).status_code == 422


def test_votes_follow_the_ratification_rule(api: Api, world: World) -> None:
    # k-of-n with k = 3 over A, B, C, D
    p = api.ok("POST", world.path("/rooms/{room_id}/proposals"), world.tokens["mediator"],
               json={"title": "p", "choices": {"land": "cede", "guarantee": "strong"}})
    vp = world.path("/rooms/{room_id}/proposals/") + p["id"]
    api.ok("POST", vp + "/votes", world.tokens["A"], json={"vote": "reject"})
    api.ok("POST", vp + "/votes", world.tokens["B"], json={"vote": "reject"})
    got = api.ok("GET", vp, world.tokens["observer"])
    assert got["status"] == "rejected" and got["waiting_for"] == []
    assert api.post(vp + "/votes", world.tokens["C"], json={"vote": "accept"}
                    ).status_code == 409
    q = api.ok("POST", world.path("/rooms/{room_id}/proposals"), world.tokens["B"],
               json={"title": "q", "choices": {"land": "cede", "guarantee": "weak"}})
    vq = world.path("/rooms/{room_id}/proposals/") + q["id"]
    for party in ("A", "B"):
        api.ok("POST", vq + "/votes", world.tokens[party], json={"vote": "accept"})
    assert api.ok("GET", vq, world.tokens["A"])["status"] == "open"
    assert api.post(vq + "/withdraw", world.tokens["A"], json={}).status_code == 403
    api.ok("POST", vq + "/votes", world.tokens["C"], json={"vote": "accept"})
    done = api.ok("GET", vq, world.tokens["A"])
    assert done["status"] == "ratified" and done["decided_at"]
    # a package that breaks a linkage cannot be proposed
    r = api.post(world.path("/rooms/{room_id}/proposals"), world.tokens["A"],
                 json={"title": "bad", "choices": {"land": "swap", "guarantee": "none"}})
    assert r.status_code == 422 and "swap-needs-guarantee" in r.json()["detail"]
    # a proposal from a draft version
    r = api.ok("POST", world.path("/rooms/{room_id}/proposals"), world.tokens["A"],
               json={"title": "from draft", "draft_id": world.ids["draft_id"]})
    assert r["draft_version"] == 1 and r["choices"]["land"] == "swap"


def test_improvement_suggestion(api: Api, world: World) -> None:
    med = world.tokens["mediator"]
    base = {"land": "keep", "guarantee": "weak", "money": "lots"}
    sg = api.ok("POST", world.path("/rooms/{room_id}/suggestions"), med,
                json={"kind": "improve", "baseline": base})
    assert sg["baseline"] == base
    if sg["found"]:
        for party in ("A", "B", "C"):
            mine = next(s for s in api.ok("GET", world.path("/rooms/{room_id}/suggestions"),
                                          world.tokens[party]) if s["id"] == sg["id"])
            assert mine["own_utility"] >= mine["own_baseline_utility"] - 1e-9
    r = api.post(world.path("/rooms/{room_id}/suggestions"), med, json={"kind": "improve"})
    assert r.status_code == 422


def test_preferences_are_validated_against_the_room(api: Api, world: World) -> None:
    a = world.tokens["A"]
    path = world.path("/rooms/{room_id}/preferences/me")
    bad = {"form": "weights", "weights": {"nope": 1}, "values": {}}
    r = api.put(path, a, json={"preferences": bad, "expected_version": 0})
    assert r.status_code == 422 and "preferences.A" in r.json()["detail"]
    bad = {"form": "weights", "weights": {"land": 1}, "values": {"land": {"keep": 2}}}
    r = api.put(path, a, json={"preferences": bad, "expected_version": 0})
    assert r.status_code == 422
    good = {"form": "weights", "reservation": 0.5, "weights": {"land": 1},
            "values": {"land": {"keep": 1, "cede": 0, "swap": 0.25}}}
    out = api.ok("PUT", path, a, json={"preferences": good, "expected_version": 0})
    assert out["version"] == 1 and out["source"] == "submitted"
    ev = api.ok("POST", world.path("/rooms/{room_id}/evaluate"), a,
                json={"choices": {"land": "swap", "guarantee": "weak"}})
    assert ev["own"]["utility"] == 0.25 and not ev["own"]["acceptable"]
    status = api.ok("GET", world.path("/rooms/{room_id}"), world.tokens["B"])
    assert status["preferences_status"]["A"] == "submitted"
    assert "preferences" not in status["scenario"]


def test_expired_invitation_is_410(app: FastAPI, api: Api, world: World) -> None:
    inv = api.ok("POST", world.path("/rooms/{room_id}/invitations"), world.tokens["mediator"],
                 json={"role": "observer", "name": "Late", "expires_in_days": 1})
    with app.state.accord.db.write() as session:
        session.execute(update(Invitation).where(Invitation.id == inv["invitation"]["id"])
                        .values(expires_at="2000-01-01T00:00:00.000000Z"))
    assert api.post("/invitations/accept", json={"token": inv["token"]}).status_code == 410


def test_revoked_member_loses_access_at_once(api: Api, world: World) -> None:
    med = world.tokens["mediator"]
    assert api.get(world.path("/rooms/{room_id}"), world.tokens["C"]).status_code == 200
    api.ok("POST", world.path("/rooms/{room_id}/members/") + world.members["C"] + "/revoke",
           med)
    assert api.get(world.path("/rooms/{room_id}"), world.tokens["C"]).status_code == 401
    r = api.post(world.path("/rooms/{room_id}/members/") + world.members["mediator"]
                 + "/revoke", med)
    assert r.status_code == 422
    # the party can be given to someone new
    inv = api.ok("POST", world.path("/rooms/{room_id}/invitations"), med,
                 json={"role": "party", "party_id": "C", "name": "C2"})
    assert inv["invitation"]["party_id"] == "C"


def test_health_and_openapi(api: Api) -> None:
    health = api.ok("GET", "/health")
    assert health["status"] == "ok" and health["schema_revision"] == "0002"
    spec = api.ok("GET", "/openapi.json")
    assert "/rooms/{room_id}/drafts/{draft_id}" in spec["paths"]
    assert any(s["name"] == "ukraine-2025" for s in api.ok("GET", "/scenarios"))
