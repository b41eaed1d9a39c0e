"""Fixtures for the service tests: every test runs on SQLite and on a real PostgreSQL.

The PostgreSQL server is a throwaway cluster (initdb in a temporary folder, loopback
only) started once per session. Without the server binaries the tests FAIL with a hint to
run ``scripts/system-deps.sh``; they are never skipped.
"""

from __future__ import annotations

import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update

from accord.service.app import create_app
from accord.service.settings import Settings
from accord.store.db import migrate, open_database
from accord.store.tables import ApiToken
from accord.store.throwaway import PostgresUnavailable, ThrowawayPostgres, free_port

ADMIN_TOKEN = "admin-token-for-tests-" + "0" * 30
DATA = Path(__file__).parent / "data"
SCENARIO = (DATA / "room.yaml").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[ThrowawayPostgres]:
    try:
        pg = ThrowawayPostgres()
        pg.start()
    except PostgresUnavailable as exc:
        pytest.fail(f"PostgreSQL is required for the service tests: {exc}", pytrace=False)
    yield pg
    pg.stop()


def _migrate(url: str) -> None:
    db = open_database(url)
    try:
        migrate(db)
    finally:
        db.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once per session (copied for each test)."""
    path = tmp_path_factory.mktemp("schema") / "template.db"
    _migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_template(pg_cluster: ThrowawayPostgres) -> str:
    """A PostgreSQL database migrated to head once per session (the template of each test's)."""
    name = "accord_template"
    _migrate(pg_cluster.create_database(name))
    return name


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database of each kind, its schema already at head.

    A copy of a database migrated once per session: the same schema the migrations make
    (tests/store/test_schema.py migrates empty databases, :func:`empty_db_url`), without
    running them again for every test.
    """
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        for suffix in ("", "-wal", "-shm"):
            side = template.with_name(template.name + suffix)
            if side.exists():
                shutil.copyfile(side, tmp_path / f"accord.db{suffix}")
        return f"sqlite:///{tmp_path}/accord.db"
    pg: ThrowawayPostgres = request.getfixturevalue("pg_cluster")
    return pg.create_database(f"t_{uuid.uuid4().hex[:16]}",
                              template=request.getfixturevalue("pg_template"))


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database of each kind (no schema)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/accord.db"
    pg: ThrowawayPostgres = request.getfixturevalue("pg_cluster")
    return pg.create_database(f"t_{uuid.uuid4().hex[:16]}")


def make_settings(url: str, **kw: Any) -> Settings:
    # Rate limits are off here (tests drive hundreds of requests with one token);
    # test_fairness.py turns them on and checks them.
    base = Settings(database_url=url, sqlite_synchronous="NORMAL", pool_size=10,
                    requests_per_minute=0, writes_per_minute=0)
    return Settings(**{**base.__dict__, **kw}).with_admin_token(ADMIN_TOKEN)


@pytest.fixture
def app(db_url: str) -> FastAPI:
    return create_app(make_settings(db_url))


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


def auth(token: str | None) -> dict[str, str]:
    return {} if token is None else {"Authorization": f"Bearer {token}"}


class Api:
    """A thin client: ``api.post(path, token, json=...)`` returns the response."""

    def __init__(self, client: TestClient | httpx.Client) -> None:
        self.client = client

    def call(self, method: str, path: str, token: str | None = None,
             **kw: Any) -> httpx.Response:
        headers = {**auth(token), **kw.pop("headers", {})}
        return self.client.request(method, path, headers=headers, **kw)

    def get(self, path: str, token: str | None = None, **kw: Any) -> httpx.Response:
        return self.call("GET", path, token, **kw)

    def post(self, path: str, token: str | None = None, **kw: Any) -> httpx.Response:
        return self.call("POST", path, token, **kw)

    def put(self, path: str, token: str | None = None, **kw: Any) -> httpx.Response:
        return self.call("PUT", path, token, **kw)

    def ok(self, method: str, path: str, token: str | None = None,
           **kw: Any) -> dict[str, Any]:
        r = self.call(method, path, token, **kw)
        assert r.status_code < 300, (method, path, r.status_code, r.text)
        return r.json() if r.content else {}


@pytest.fixture
def api(client: TestClient) -> Api:
    return Api(client)


@dataclass
class World:
    """A room with every kind of caller, and objects for every path parameter."""

    room: str
    other_room: str
    tokens: dict[str, str | None] = field(default_factory=dict)
    members: dict[str, str] = field(default_factory=dict)
    ids: dict[str, Any] = field(default_factory=dict)

    def path(self, template: str) -> str:
        values = {"room_id": self.room, **self.ids}
        return template.format(**values)


def create_room(api: Api, title: str = "Room", *, sees: bool = False,
                text: str = SCENARIO) -> tuple[str, str, str]:
    d = api.ok("POST", "/rooms", ADMIN_TOKEN, json={
        "title": title, "scenario": {"text": text}, "mediator_name": "Mediator",
        "mediator_sees_preferences": sees})
    return d["room"]["id"], d["token"], d["mediator"]["id"]


def join(api: Api, room: str, mediator: str, role: str, name: str,
         party: str | None = None) -> tuple[str, str]:
    body: dict[str, Any] = {"role": role, "name": name}
    if party is not None:
        body["party_id"] = party
    inv = api.ok("POST", f"/rooms/{room}/invitations", mediator, json=body)
    d = api.ok("POST", "/invitations/accept", json={"token": inv["token"]})
    return d["token"], d["member"]["id"]


def expire_token(app: FastAPI, token_id: str) -> None:
    with app.state.accord.db.write() as session:
        session.execute(update(ApiToken).where(ApiToken.id == token_id)
                        .values(expires_at="2000-01-01T00:00:00.000000Z"))


def build_world(app: FastAPI, api: Api, *, sees: bool = False) -> World:
    room, med, med_id = create_room(api, "Main", sees=sees)
    other, other_med, _ = create_room(api, "Other")
    w = World(room, other)
    w.tokens.update(admin=ADMIN_TOKEN, none=None, garbage="not-a-real-token-" + "x" * 30,
                    mediator=med)
    w.members["mediator"] = med_id
    for party in ("A", "B", "C"):
        w.tokens[party], w.members[party] = join(api, room, med, "party", party, party)
    w.tokens["party"], w.members["party"] = w.tokens["A"], w.members["A"]
    w.tokens["observer"], w.members["observer"] = join(api, room, med, "observer", "Obs")
    w.tokens["other_mediator"] = other_med
    w.tokens["other_party"], _ = join(api, other, other_med, "party", "oA", "A")
    w.tokens["other_observer"], _ = join(api, other, other_med, "observer", "oObs")
    # revoked members, one per role
    revoked = {
        "revoked_mediator": join(api, room, med, "mediator", "Med2"),
        "revoked_party": join(api, room, med, "party", "D", "D"),
        "revoked_observer": join(api, room, med, "observer", "Obs2"),
    }
    for kind, (tok, mid) in revoked.items():
        api.ok("POST", f"/rooms/{room}/members/{mid}/revoke", med)
        w.tokens[kind] = tok
    # expired tokens of current members, one per role
    for kind, owner in (("expired_mediator", "mediator"), ("expired_party", "A"),
                        ("expired_observer", "observer")):
        d = api.ok("POST", "/me/tokens", w.tokens[owner], json={"expires_in_days": 1})
        expire_token(app, d["token_id"])
        w.tokens[kind] = d["token"]
    w.tokens["victim"], w.members["victim"] = join(api, room, med, "observer", "Victim")
    room_info = api.ok("GET", f"/rooms/{room}", med)
    plenary = room_info["plenary_channel_id"]
    draft = api.ok("POST", f"/rooms/{room}/channels/{plenary}/drafts", med, json={
        "title": "Plenary draft", "choices": {"land": "swap", "guarantee": "weak"},
        "texts": {"land": "The parties shall swap territory along the agreed line.",
                  "guarantee": "A weak guarantee will be provided."}})
    side = api.ok("POST", f"/rooms/{room}/channels", med, json={
        "name": "side", "member_ids": [w.members["A"]]})
    proposal = api.ok("POST", f"/rooms/{room}/proposals", w.tokens["A"], json={
        "title": "First", "choices": {"land": "cede", "guarantee": "weak"}})
    rnd = api.ok("POST", f"/rooms/{room}/blind-rounds", med, json={"title": "Round 1"})
    w.ids.update(plenary=plenary, channel_id=plenary, draft_id=draft["id"],
                 side_channel=side["id"], proposal_id=proposal["id"], round_id=rnd["id"],
                 member_id=w.members["victim"], version=1)
    return w


@pytest.fixture
def world(app: FastAPI, api: Api) -> World:
    return build_world(app, api)


class LiveServer:
    """The app served by uvicorn in a background thread on a free loopback port."""

    def __init__(self, app: FastAPI) -> None:
        self.port = free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 180  # a hang detector: slow machines just wait
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)


def run_cli(*args: str) -> tuple[int, str, str]:
    """Run ``accord ARGS`` in-process; return the exit code, stdout and stderr."""
    from typer.testing import CliRunner

    from accord.cli import app as cli_app

    result = CliRunner().invoke(cli_app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr
