"""Parallel votes and draft edits against a real uvicorn server lose no update.

Writes to a room are serialised (SQLite ``BEGIN IMMEDIATE``; PostgreSQL row lock on the
room), expected versions are checked inside the transaction, and a stale one gets 409.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import yaml
from fastapi import FastAPI

from tests.service.conftest import (
    ADMIN_TOKEN,
    SCENARIO,
    Api,
    LiveServer,
    auth,
    create_room,
    join,
)

N_PARTIES = 10


def _many_parties() -> str:
    doc = yaml.safe_load(SCENARIO)
    base = doc["preferences"]["A"]
    doc["parties"] = [{"id": f"P{k}"} for k in range(N_PARTIES)]
    doc["preferences"] = {f"P{k}": base for k in range(N_PARTIES)}
    doc["ratification"] = {"rule": "unanimity"}
    doc["plans"] = []
    return yaml.safe_dump(doc)


def test_parallel_votes_lose_nothing(app: FastAPI) -> None:
    with LiveServer(app) as server, httpx.Client(base_url=server.url, timeout=60) as c:
        api = Api(c)
        room, med, _ = create_room(api, "Votes", text=_many_parties())
        tokens = {f"P{k}": join(api, room, med, "party", f"P{k}", f"P{k}")[0]
                  for k in range(N_PARTIES)}
        prop = api.ok("POST", f"/rooms/{room}/proposals", med,
                      json={"title": "All in", "choices": {"guarantee": "weak"}})
        path = f"/rooms/{room}/proposals/{prop['id']}/votes"
        barrier = threading.Barrier(N_PARTIES + 2)

        def vote(token: str) -> int:
            with httpx.Client(base_url=server.url, timeout=60) as own:
                barrier.wait()
                return own.post(path, headers=auth(token), json={"vote": "accept"}).status_code

        with ThreadPoolExecutor(N_PARTIES + 2) as pool:
            # every party once, and party P0 twice more: one vote per party survives
            jobs = [*tokens.values(), tokens["P0"], tokens["P0"]]
            codes = list(pool.map(vote, jobs))
        assert sorted(codes) == [201] * N_PARTIES + [409, 409]
        final = api.ok("GET", f"/rooms/{room}/proposals/{prop['id']}", med)
        assert len(final["votes"]) == N_PARTIES
        assert final["status"] == "ratified"
        assert api.ok("GET", f"/rooms/{room}/audit/verify", med)["valid"]


def test_parallel_draft_edits_lose_nothing(app: FastAPI) -> None:
    writers, edits = 6, 5
    with LiveServer(app) as server, httpx.Client(base_url=server.url, timeout=60) as c:
        api = Api(c)
        room, med, _ = create_room(api, "Drafts")
        tokens = [med] + [join(api, room, med, "party", p, p)[0] for p in "ABCD"]
        plenary = api.ok("GET", f"/rooms/{room}", med)["plenary_channel_id"]
        draft = api.ok("POST", f"/rooms/{room}/channels/{plenary}/drafts", med,
                       json={"title": "Shared", "texts": {"land": "start"}})
        path = f"/rooms/{room}/drafts/{draft['id']}"
        conflicts = 0
        lock = threading.Lock()
        acked: list[tuple[int, str]] = []
        start = threading.Barrier(writers)

        def writer(w: int) -> None:
            nonlocal conflicts
            token = tokens[w % len(tokens)]
            first = True
            with httpx.Client(base_url=server.url, timeout=60) as own:
                for e in range(edits):
                    text = f"writer {w} edit {e}"
                    while True:
                        current = own.get(path, headers=auth(token)).json()["latest_version"]
                        if first:  # every writer has read version 1: all but one collide
                            start.wait(timeout=60)
                            first = False
                        r = own.put(path, headers={**auth(token), "If-Match": f'"{current}"'},
                                    json={"texts": {"land": text}, "note": text})
                        if r.status_code == 409:
                            with lock:
                                conflicts += 1
                            continue
                        assert r.status_code == 200, r.text
                        with lock:
                            acked.append((r.json()["version"], text))
                        break

        with ThreadPoolExecutor(writers) as pool:
            list(pool.map(writer, range(writers)))
        final = api.ok("GET", path, med)
        assert final["latest_version"] == 1 + writers * edits
        versions = sorted(v for v, _ in acked)
        assert versions == list(range(2, 2 + writers * edits))
        for version, text in acked:
            got = api.ok("GET", f"{path}/versions/{version}", med)
            assert got["note"] == text
        assert conflicts > 0, "the writers never collided: the test proved nothing"
        assert api.ok("GET", f"/rooms/{room}/audit/verify", med)["valid"]


def test_stale_writes_get_409(api: Api) -> None:
    room, med, _ = create_room(api, "Stale")
    a, _ = join(api, room, med, "party", "A", "A")
    plenary = api.ok("GET", f"/rooms/{room}", med)["plenary_channel_id"]
    d = api.ok("POST", f"/rooms/{room}/channels/{plenary}/drafts", med, json={"title": "x"})
    path = f"/rooms/{room}/drafts/{d['id']}"
    assert api.put(path, med, json={"expected_version": 1}).status_code == 200
    r = api.put(path, a, json={"expected_version": 1})
    assert r.status_code == 409 and "version 2" in r.json()["detail"]
    assert api.put(path, a, headers={"If-Match": '"2"'}, json={}).status_code == 200
    assert api.put(path, a, json={}).status_code == 428
    assert api.put(path, a, headers={"If-Match": "banana"}, json={}).status_code == 422
    prop = api.ok("POST", f"/rooms/{room}/proposals", med,
                  json={"title": "p", "choices": {"guarantee": "weak"}})
    vp = f"/rooms/{room}/proposals/{prop['id']}/votes"
    assert api.post(vp, a, json={"vote": "accept"}).status_code == 201
    assert api.post(vp, a, json={"vote": "reject"}).status_code == 409
    assert api.put(vp + "/me", a, json={"vote": "reject", "expected_version": 1}
                   ).status_code == 200
    assert api.put(vp + "/me", a, json={"vote": "accept", "expected_version": 1}
                   ).status_code == 409
    prefs = api.ok("GET", f"/rooms/{room}/preferences/me", a)
    body: dict[str, Any] = {"preferences": prefs["preferences"], "expected_version": 0}
    assert api.put(f"/rooms/{room}/preferences/me", a, json=body).status_code == 200
    assert api.put(f"/rooms/{room}/preferences/me", a, json=body).status_code == 409
    assert ADMIN_TOKEN  # the admin token is not needed for any of this
