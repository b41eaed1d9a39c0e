"""Finding 6: the audit log proves the state, and a published head pins its history.

A backup edited to flip a vote is refused on import; a vote edited in the table makes
``audit verify`` (API and CLI) fail, naming the disagreement; ``accord audit head`` prints
a head that ``audit verify --head`` later checks.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from accord.service.app import create_app
from accord.store.tables import Proposal, Vote
from accord.store.throwaway import ThrowawayPostgres
from tests.service.conftest import ADMIN_TOKEN, Api, create_room, join, make_settings, run_cli


def _second_db(request: pytest.FixtureRequest, db_url: str, tmp_path: Path) -> str:
    if db_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path}/second.db"
    pg: ThrowawayPostgres = request.getfixturevalue("pg_cluster")
    return pg.create_database(f"t_{uuid.uuid4().hex[:16]}")


def _ratified_room(api: Api) -> tuple[str, str, str]:
    room, med, _ = create_room(api, "Proof")
    voters = {p: join(api, room, med, "party", p, p)[0] for p in ("A", "B", "C", "D")}
    prop = api.ok("POST", f"/rooms/{room}/proposals", med, json={
        "title": "P", "choices": {"land": "swap", "guarantee": "strong", "money": "some"}})
    for p in ("A", "B", "C", "D"):
        api.ok("POST", f"/rooms/{room}/proposals/{prop['id']}/votes", voters[p],
               json={"vote": "accept"})
        if api.ok("GET", f"/rooms/{room}/proposals/{prop['id']}", med)["status"] != "open":
            break
    return room, med, prop["id"]


def test_edited_backup_is_refused_and_edited_table_fails_verify(
        api: Api, app: object, db_url: str, tmp_path: Path,
        request: pytest.FixtureRequest) -> None:
    room, med, prop = _ratified_room(api)
    assert api.ok("GET", f"/rooms/{room}/proposals/{prop}", med)["status"] == "ratified"
    backup = api.ok("GET", f"/rooms/{room}/export", ADMIN_TOKEN, params={"full": True})
    assert api.ok("GET", f"/rooms/{room}/audit/verify", ADMIN_TOKEN)["valid"]

    # 1. a backup edited so A's vote reads "reject" and the proposal "rejected"
    forged = dict(backup)
    forged["proposals"] = [dict(p) for p in backup["proposals"]]
    forged["proposals"][0]["status"] = "rejected"
    forged["proposals"][0]["votes"] = [dict(v, vote="reject") if v["party_id"] == "A" else v
                                       for v in backup["proposals"][0]["votes"]]
    with TestClient(create_app(make_settings(_second_db(request, db_url, tmp_path)))) as c:
        other = Api(c)
        r = other.post("/rooms/import", ADMIN_TOKEN, json=forged)
        assert r.status_code == 422, r.text
        assert "disagree" in r.json()["detail"] and prop in r.json()["detail"]
        assert other.get(f"/rooms/{room}", med).status_code == 401  # nothing written
        assert other.post("/rooms/import", ADMIN_TOKEN, json=backup).status_code == 201

    # 2. the votes table edited directly
    head = run_cli("audit", "head", room, "--db", db_url)
    assert head[0] == 0, head
    published = head[1].strip()
    assert published == f"{backup['room']['audit_seq']}:{backup['room']['audit_head']}"
    db = app.state.accord.db  # type: ignore[attr-defined]
    with db.write() as s:
        s.execute(update(Vote).where(Vote.proposal_id == prop, Vote.party_id == "A")
                  .values(vote="reject"))
    v = api.ok("GET", f"/rooms/{room}/audit/verify", ADMIN_TOKEN)
    assert not v["valid"] and f"votes {prop}/A" in v["reason"] and v["first_bad_seq"]
    mine = api.ok("GET", f"/rooms/{room}/audit/verify", med)
    assert not mine["valid"] and "votes" not in mine["reason"]  # no detail for members
    code, _out, err = run_cli("audit", "verify", room, "--db", db_url)
    assert code == 1 and f"votes {prop}/A" in err
    with db.write() as s:
        s.execute(update(Vote).where(Vote.proposal_id == prop, Vote.party_id == "A")
                  .values(vote="accept"))
        s.execute(update(Proposal).where(Proposal.id == prop).values(status="open"))
    code, _out, err = run_cli("audit", "verify", room, "--db", db_url)
    assert code == 1 and f"proposals {prop}" in err
    with db.write() as s:
        s.execute(update(Proposal).where(Proposal.id == prop).values(status="ratified"))

    # 3. a published head: still in the log after more writes; a made-up one is not
    api.ok("PATCH", f"/rooms/{room}", med, json={"expected_version": 1, "title": "Later"})
    code, _out, err = run_cli("audit", "verify", room, "--db", db_url, "--head", published)
    assert code == 0, err
    assert api.ok("GET", f"/rooms/{room}/audit/verify", med,
                  params={"head": published})["valid"]
    fake = published.split(":")[0] + ":" + "ab" * 32
    code, _out, err = run_cli("audit", "verify", room, "--db", db_url, "--head", fake)
    assert code == 1 and "not in the log" in err
    assert api.get(f"/rooms/{room}/audit/verify", med, params={"head": "zz"}).status_code \
        == 422
    assert api.ok("GET", f"/rooms/{room}/audit/head", med)["seq"] == \
        int(published.split(":")[0]) + 1
