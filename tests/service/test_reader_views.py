"""Findings 3, 4 and 14: nobody learns of a channel or draft it cannot open; the key stays.

A party opens a back channel with another party and drafts in it; one version is briefed
to the plenary. The mediator's audit view, its export and its draft reads say nothing of
the channel or of the unbriefed version. The export holds no fingerprint key; tracing runs
on the server (API, or the CLI on the database).
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.service.conftest import ADMIN_TOKEN, Api, create_room, join, run_cli

SECRET_NAME = "RU-US backchannel: swap for guarantees"
TEXTS = {
    "land": "The parties shall recognise the line of contact as it stands on the day this "
            "agreement is signed, and will withdraw heavy weapons 15 kilometres behind it.",
    "guarantee": "The guarantors shall organise a monitoring mission; it will report every "
                 "3 months and shall be able to visit any site at short notice.",
}


def test_mediator_learns_nothing_of_a_back_channel(api: Api, db_url: str,
                                                   tmp_path: Path) -> None:
    room, med, _ = create_room(api, "Views")
    a, a_id = join(api, room, med, "party", "A", "A")
    b, b_id = join(api, room, med, "party", "B", "B")
    plenary = api.ok("GET", f"/rooms/{room}", med)["plenary_channel_id"]
    side = api.ok("POST", f"/rooms/{room}/channels", a,
                  json={"name": SECRET_NAME, "member_ids": [b_id]})["id"]
    d = api.ok("POST", f"/rooms/{room}/channels/{side}/drafts", a,
               json={"title": "Side deal", "texts": TEXTS})["id"]
    api.ok("POST", f"/rooms/{room}/drafts/{d}/briefings", a,
           json={"version": 1, "channel_id": plenary})
    api.ok("PUT", f"/rooms/{room}/drafts/{d}", b, json={
        "expected_version": 1, "choices": {"land": "swap"}, "texts": TEXTS})

    # finding 3: the audit view and the export
    log = api.ok("GET", f"/rooms/{room}/audit", med)
    seen = json.dumps(log)
    assert SECRET_NAME not in seen and side not in seen
    redacted = [e for e in log["entries"] if e["redacted"]]
    # the channel, the draft in it and its second version
    assert [e["action"] for e in redacted] == ["redacted"] * 3
    for prev, nxt in zip(log["entries"], log["entries"][1:], strict=False):
        assert nxt["prev_hash"] == prev["hash"]  # the links still check
    full_log = api.ok("GET", f"/rooms/{room}/audit", ADMIN_TOKEN)
    assert SECRET_NAME in json.dumps(full_log)
    export = api.ok("GET", f"/rooms/{room}/export", med)
    dumped = json.dumps(export)
    assert SECRET_NAME not in dumped and side not in dumped
    [draft] = export["drafts"]
    assert draft["version"] == 1 and [v["version"] for v in draft["versions"]] == [1]
    assert all(b["channel_id"] == plenary for b in export["briefings"])

    # finding 14: draft reads show only what was briefed
    r = api.get(f"/rooms/{room}/drafts/{d}", med)
    assert r.json()["latest_version"] == 1 and r.headers["ETag"] == '"1"'
    assert r.json()["channel_id"] is None
    [summary] = api.ok("GET", f"/rooms/{room}/drafts", med)
    assert summary["latest_version"] == 1 and summary["visible_versions"] == [1]
    assert api.ok("GET", f"/rooms/{room}/drafts/{d}", a)["latest_version"] == 2

    # finding 4: no key leaves; tracing runs where the key is
    assert "key" not in export["leak_tracing"] and "fingerprint_key" not in export["room"]
    assert "key" not in json.dumps(export["leak_tracing"])
    leaked = api.ok("GET", f"/rooms/{room}/drafts/{d}/versions/1", b)["text"]
    traced = api.ok("POST", f"/rooms/{room}/leaks/trace", med, json={"text": leaked})
    assert traced["verdict"] == "match"
    assert {s["recipient"] for r in traced["results"] for s in r["scores"] if s["named"]} \
        == {b_id}
    assert api.post(f"/rooms/{room}/leaks/trace", med,
                    json={"text": leaked, "draft": f"{d}@2"}).status_code == 404
    mine = tmp_path / "mediator.json"
    mine.write_text(json.dumps(export), encoding="utf-8")
    text = tmp_path / "leaked.txt"
    text.write_text(leaked, encoding="utf-8")
    code, _out, err = run_cli("room", "trace-leak", str(mine), str(text))
    assert code == 2 and "holds no key" in err
    code, out, err = run_cli("room", "trace-leak", room, str(text), "--db", db_url, "--json")
    assert code == 0, err
    assert {s["recipient"] for r in json.loads(out) for s in r["scores"] if s["named"]} \
        == {b_id}
    text.write_text("Nothing like any draft at all, merely some unrelated words.",
                    encoding="utf-8")
    code, out, err = run_cli("room", "trace-leak", room, str(text), "--db", db_url, "--json")
    assert code == 3 and len(json.loads(out)) == 1 and "best-scoring" not in out
    assert a_id
