"""Room export/import: a full backup round-trips; the mediator export holds nothing private."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from accord.service.app import create_app
from tests.service.conftest import ADMIN_TOKEN, Api, World, make_settings, run_cli

TEXTS = {
    "land": "The parties shall recognise the line of contact as it stands on the day this "
            "agreement is signed. Neither party will try to change it by force, and both "
            "shall withdraw heavy weapons 15 kilometres behind it within 30 days.",
    "guarantee": "The guarantors shall organise a monitoring mission; it will report every "
                 "3 months and shall be able to visit any site at short notice.",
    "money": "A reconstruction fund shall be established; the parties will contribute "
             "according to a schedule agreed within 6 months, and shall publish its accounts.",
}


def _busy(api: Api, w: World) -> None:
    med, a, b = w.tokens["mediator"], w.tokens["A"], w.tokens["B"]
    api.ok("POST", w.path("/rooms/{room_id}/preferences/me/adopt"), a,
           json={"expected_version": 0})
    api.ok("PUT", w.path("/rooms/{room_id}/drafts/{draft_id}"), med,
           json={"expected_version": 1, "choices": {"land": "cede"}, "texts": TEXTS})
    side = api.ok("POST", w.path("/rooms/{room_id}/channels/{side_channel}/drafts"), a,
                  json={"title": "Side", "texts": {"money": "Some money shall flow."}})
    api.ok("POST", w.path("/rooms/{room_id}/drafts/") + side["id"] + "/briefings", a,
           json={"version": 1, "channel_id": w.ids["plenary"]})
    api.ok("POST", w.path("/rooms/{room_id}/proposals/{proposal_id}/votes"), b,
           json={"vote": "accept"})
    api.ok("POST", w.path("/rooms/{room_id}/suggestions"), med, json={"kind": "nash"})
    api.ok("PUT", w.path("/rooms/{room_id}/blind-rounds/{round_id}/marks"), b,
           json={"packages": [{"guarantee": "weak"}]})


def _strip(export: dict[str, Any]) -> dict[str, Any]:
    out = dict(export)
    out.pop("exported_at")
    out["room"] = {k: v for k, v in out["room"].items() if k not in ("audit_seq", "audit_head")}
    out["audit"] = out["audit"]["entries"]
    return out


def test_full_backup_round_trips(api: Api, world: World, db_url: str, tmp_path: Path) -> None:
    _busy(api, world)
    admin = world.tokens["admin"]
    first = api.ok("GET", world.path("/rooms/{room_id}/export"), admin, params={"full": True})
    assert first["full"] and first["preferences"] and first["tokens"]
    # restore into a fresh database
    fresh = create_app(make_settings(f"sqlite:///{tmp_path}/restored.db"))
    with TestClient(fresh) as c:
        other = Api(c)
        assert other.post("/rooms/import", ADMIN_TOKEN, json=first).status_code == 201
        again = other.ok("GET", f"/rooms/{world.room}/export", ADMIN_TOKEN,
                         params={"full": True})
        # members keep their tokens and their view
        mine = other.ok("GET", f"/rooms/{world.room}/preferences/me", world.tokens["A"])
        assert mine["source"] == "adopted"
        assert other.ok("GET", f"/rooms/{world.room}/audit/verify", ADMIN_TOKEN)["valid"]
        # importing twice is a conflict
        assert other.post("/rooms/import", ADMIN_TOKEN, json=first).status_code == 409
    a, b = _strip(first), _strip(again)
    assert b["audit"][:-1] == a["audit"]
    assert b["audit"][-1]["action"] == "room.import"
    a.pop("audit"), b.pop("audit")
    assert a == b


def test_backup_with_a_broken_chain_is_refused(api: Api, world: World) -> None:
    data = api.ok("GET", world.path("/rooms/{room_id}/export"), world.tokens["admin"],
                  params={"full": True})
    data["room"]["id"] = "rm_00000000000000aa"
    data["audit"]["entries"][1]["payload"] = '{"forged":true}'
    r = api.post("/rooms/import", world.tokens["admin"], json=data)
    assert r.status_code == 422 and "entry 2" in r.json()["detail"]
    for bad in ({}, {"format": "accord-room", "format_version": 1, "full": False},
                {"format": "accord-room", "format_version": 1, "full": True}):
        r = api.post("/rooms/import", world.tokens["admin"], json=bad)
        assert r.status_code == 422, r.text


def test_mediator_export_is_public_record(api: Api, world: World) -> None:
    _busy(api, world)
    med = world.tokens["mediator"]
    data = api.ok("GET", world.path("/rooms/{room_id}/export"), med)
    assert data["full"] is False
    assert "preferences" not in data["scenario"] and "preferences" not in data
    assert "tokens" not in data and all("token_hash" not in i for i in data["invitations"])
    assert all("utilities" not in s for s in data["suggestions"])
    assert all("marks" not in r for r in data["blind_rounds"])
    assert "fingerprint_key" not in data["room"]
    assert "key" not in data["leak_tracing"] and data["leak_tracing"]["drafts"]
    r = api.get(world.path("/rooms/{room_id}/export"), med, params={"full": True})
    assert r.status_code == 403


def test_cli_backup_and_leak_tracing(app: FastAPI, api: Api, world: World, db_url: str,
                                     tmp_path: Path) -> None:
    """A party's copy of a draft leaks; ``accord room trace-leak`` names the party."""
    _busy(api, world)
    copy = api.ok("GET", world.path("/rooms/{room_id}/drafts/{draft_id}"), world.tokens["C"])
    assert copy["fingerprinted"] and copy["version"] == 2
    other = api.ok("GET", world.path("/rooms/{room_id}/drafts/{draft_id}"), world.tokens["A"])
    assert other["text"] != copy["text"]  # each recipient's copy differs
    leaked = tmp_path / "leaked.txt"
    leaked.write_text(copy["text"], encoding="utf-8")
    backup = tmp_path / "backup.json"
    code, _out, err = run_cli("room", "export", world.room, "--db", db_url, "--out",
                              str(backup))
    assert code == 0, err
    code, out, err = run_cli("room", "trace-leak", str(backup), str(leaked), "--json")
    assert code == 0, err
    results = json.loads(out)
    named = {s["recipient"] for r in results for s in r["scores"] if s["named"]}
    assert named == {world.members["C"]}
    restored = f"sqlite:///{tmp_path}/restored.db"
    code, _out, err = run_cli("room", "import", str(backup), "--db", restored)
    assert code == 0, err
    code, _out, err = run_cli("audit", "verify", world.room, "--db", restored)
    assert code == 0, err
    code, _out, err = run_cli("room", "import", str(backup), "--db", restored)
    assert code == 2 and "already exists" in err


def test_cli_room_create_bootstraps_a_room(db_url: str, tmp_path: Path) -> None:
    scenario = Path(__file__).parent / "data" / "room.yaml"
    code, out, err = run_cli("room", "create", str(scenario), "--title", "Bootstrapped",
                             "--mediator", "M", "--db", db_url, "--json")
    assert code == 0, err
    made = json.loads(out)
    app = create_app(make_settings(db_url))
    with TestClient(app) as c:
        me = Api(c).ok("GET", "/me", made["token"])
        assert me["room_id"] == made["room"] and me["member"]["role"] == "mediator"
    code, _out, err = run_cli("room", "create", "no-such-scenario", "--title", "x",
                              "--mediator", "M", "--db", db_url)
    assert code == 2 and "no-such-scenario" in err
