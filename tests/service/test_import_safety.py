"""Findings 1 and 11: an import touches only the room it creates, and checks every id.

Each hostile backup is refused with 422 and a one-line reason, and nothing is written:
the room does not appear, and no token it carried logs in.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from typing import Any

from tests.service.conftest import ADMIN_TOKEN, Api, create_room, join

Edit = Callable[[dict[str, Any], dict[str, str]], None]
CHOSEN = "attacker-chosen-secret-" + "z" * 30


def _steal_token(d: dict[str, Any], victim: dict[str, str]) -> None:
    d["tokens"].append({"id": "tk_00000000000000ff", "member_id": victim["party"],
                        "token_hash": hashlib.sha256(CHOSEN.encode()).hexdigest(),
                        "label": "", "created_at": d["room"]["created_at"],
                        "expires_at": None, "revoked_at": None})


def _foreign_channel_member(d: dict[str, Any], victim: dict[str, str]) -> None:
    d["channels"][0]["everyone"] = False
    d["channels"][0]["member_ids"] = [victim["party"]]


def _foreign_vote(d: dict[str, Any], victim: dict[str, str]) -> None:
    d["proposals"] = [{"id": "pr_00000000000000ff", "title": "x", "draft_id": None,
                       "draft_version": None, "status": "open", "version": 1,
                       "created_by": d["members"][0]["id"],
                       "created_at": d["room"]["created_at"], "decided_at": None,
                       "choices": {}, "votes": [{
                           "id": "vt_00000000000000ff", "member_id": victim["party"],
                           "party_id": "A", "vote": "accept", "version": 1,
                           "created_at": d["room"]["created_at"],
                           "updated_at": d["room"]["created_at"]}]}]


def _reused_member_id(d: dict[str, Any], victim: dict[str, str]) -> None:
    old = d["members"][1]["id"]
    for t in d["tokens"]:
        if t["member_id"] == old:
            t["member_id"] = victim["party"]
    d["members"][1]["id"] = victim["party"]


def _foreign_draft_channel(d: dict[str, Any], victim: dict[str, str]) -> None:
    d["drafts"] = [{"id": "dr_00000000000000ff", "channel_id": victim["channel"],
                    "title": "x", "version": 1, "created_by": d["members"][0]["id"],
                    "created_at": d["room"]["created_at"],
                    "updated_at": d["room"]["created_at"],
                    "versions": [{"version": 1, "note": "", "author_id": d["members"][0]["id"],
                                  "created_at": d["room"]["created_at"], "choices": {},
                                  "texts": {}}]}]


def _room_id(value: str) -> Edit:
    def edit(d: dict[str, Any], _victim: dict[str, str]) -> None:
        d["room"]["id"] = value
    return edit


def _role(d: dict[str, Any], _victim: dict[str, str]) -> None:
    d["members"][1]["role"] = "superuser"


def _party_of_observer(d: dict[str, Any], _victim: dict[str, str]) -> None:
    d["members"][0]["party_id"] = "A"


NOT_OURS = "is not a member of this room"
EDITS: dict[str, tuple[Edit, str]] = {
    "token for another room's member": (_steal_token, NOT_OURS),
    "channel with another room's member": (_foreign_channel_member, NOT_OURS),
    "vote by another room's member": (_foreign_vote, NOT_OURS),
    "member id of another room": (_reused_member_id, "already exists"),
    "draft in another room's channel": (_foreign_draft_channel, "not a channel of this room"),
    "room id with a path": (_room_id("../../etc/x"), "must be an id"),
    "room id with markup": (_room_id("<script>alert(1)</script>"), "must be an id"),
    "room id of 5000 characters": (_room_id("r" * 5000), "must be an id"),
    "unknown role": (_role, "must be one of"),
    "mediator bound to a party": (_party_of_observer, "only a party member"),
}


def _emptied(backup: dict[str, Any]) -> dict[str, Any]:
    """The review's recipe: another room's backup, a new id, its lists emptied.

    One member of its own (a mediator and a party) is kept so rows have someone to name.
    """
    d = copy.deepcopy(backup)
    d["room"].update(id="rm_00000000000000ee", audit_seq=0, audit_head="0" * 64)
    for key in ("tokens", "invitations", "preferences", "channels", "drafts", "briefings",
                "proposals", "suggestions", "blind_rounds"):
        d[key] = []
    stamp = d["room"]["created_at"]
    d["members"] = [
        {"id": "mb_00000000000000e1", "role": "mediator", "party_id": None, "name": "M",
         "created_at": stamp, "revoked_at": None},
        {"id": "mb_00000000000000e2", "role": "party", "party_id": "B", "name": "B",
         "created_at": stamp, "revoked_at": None}]
    d["channels"] = [{"id": "ch_00000000000000e1", "name": "plenary", "everyone": True,
                      "created_by": "mb_00000000000000e1", "created_at": stamp,
                      "member_ids": []}]
    d["audit"] = {"entries": [], "head_seq": 0, "head_hash": "0" * 64}
    return d


def test_hostile_backups_are_refused_and_write_nothing(api: Api) -> None:
    room_a, med_a, _ = create_room(api, "Victim")
    _, party_a = join(api, room_a, med_a, "party", "A", "A")
    victim = {"party": party_a,
              "channel": api.ok("GET", f"/rooms/{room_a}", med_a)["plenary_channel_id"]}
    room_b, med_b, _ = create_room(api, "Source")
    join(api, room_b, med_b, "party", "A", "A")
    backup = api.ok("GET", f"/rooms/{room_b}/export", ADMIN_TOKEN, params={"full": True})
    rooms_before = api.ok("GET", "/rooms", ADMIN_TOKEN)
    audit_before = api.ok("GET", f"/rooms/{room_a}/audit", ADMIN_TOKEN)["head_hash"]
    for label, (edit, why) in EDITS.items():
        d = _emptied(backup)
        edit(d, victim)
        r = api.post("/rooms/import", ADMIN_TOKEN, json=d)
        assert r.status_code == 422, (label, r.status_code, r.text)
        reason = r.json()["detail"]
        assert isinstance(reason, str) and "\n" not in reason and why in reason, (label, reason)
        assert api.get("/me", CHOSEN).status_code == 401, label
    assert api.ok("GET", "/rooms", ADMIN_TOKEN) == rooms_before
    assert api.ok("GET", f"/rooms/{room_a}/audit", ADMIN_TOKEN)["head_hash"] == audit_before
