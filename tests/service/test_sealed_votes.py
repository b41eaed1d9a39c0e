"""Finding 19: a room may seal votes until the proposal is decided (both backends)."""

from __future__ import annotations

import json

from tests.service.conftest import ADMIN_TOKEN, SCENARIO, Api, join


def test_sealed_votes_show_only_once_decided(api: Api) -> None:
    d = api.ok("POST", "/rooms", ADMIN_TOKEN, json={
        "title": "Sealed", "scenario": {"text": SCENARIO}, "mediator_name": "M",
        "sealed_votes": True})
    room, med = d["room"]["id"], d["token"]
    assert d["room"]["sealed_votes"] is True
    tokens = {p: join(api, room, med, "party", p, p)[0] for p in ("A", "B", "C", "D")}
    prop = api.ok("POST", f"/rooms/{room}/proposals", med, json={
        "title": "P", "choices": {"land": "keep", "guarantee": "weak"}})["id"]
    path = f"/rooms/{room}/proposals/{prop}"
    api.ok("POST", path + "/votes", tokens["A"], json={"vote": "accept"})
    api.ok("POST", path + "/votes", tokens["B"], json={"vote": "accept"})
    mine = api.ok("GET", path, tokens["A"])
    assert [v["party_id"] for v in mine["votes"]] == ["A"]  # one's own vote only
    assert mine["waiting_for"] == ["C", "D"]  # who voted still shows
    assert api.ok("GET", path, med)["votes"] == []
    assert api.ok("GET", f"/rooms/{room}/proposals", tokens["C"])[0]["votes"] == []
    log = api.ok("GET", f"/rooms/{room}/audit", med)["entries"]
    assert [e["payload"]["vote"] for e in log if e["action"] == "vote.cast"] == [None, None]
    export = api.ok("GET", f"/rooms/{room}/export", med)
    assert export["proposals"][0]["votes"] == [] and '"accept"' not in json.dumps(export)
    api.ok("POST", path + "/votes", tokens["C"], json={"vote": "accept"})  # ratifies it
    done = api.ok("GET", path, med)
    assert done["status"] == "ratified" and len(done["votes"]) == 3
    log = api.ok("GET", f"/rooms/{room}/audit", med)["entries"]
    assert {e["payload"]["vote"] for e in log if e["action"] == "vote.cast"} == {"accept"}
    assert api.ok("GET", f"/rooms/{room}/audit/verify", ADMIN_TOKEN)["valid"]
