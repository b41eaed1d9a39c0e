"""Two-level ratification in the service: a party's yes needs its consulted constituents."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from accord.service.app import create_app
from tests.service.conftest import Api, create_room, join, make_settings

TEXT = (Path(__file__).parent.parent / "fixtures" / "two-level.yaml").read_text(
    encoding="utf-8")


@pytest.fixture
def sqlite_api(tmp_path: Path) -> Iterator[Api]:
    with TestClient(create_app(make_settings(f"sqlite:///{tmp_path}/accord.db"))) as c:
        yield Api(c)


def _room(api: Api, text: str) -> tuple[str, str, dict[str, str]]:
    room, med, _ = create_room(api, "Two levels", text=text)
    tokens = {p: join(api, room, med, "party", p, p)[0] for p in ("A", "B", "C")}
    return room, med, tokens


@pytest.mark.parametrize("with_parliament", [True, False])
def test_a_vote_is_not_ratified_when_a_constituent_refuses(sqlite_api: Api,
                                                          with_parliament: bool) -> None:
    # k-of-n, k = 2, veto A. Money "lots" leaves B's parliament (always consulted) below
    # its reservation: B's yes does not count, so A and B are not enough.
    text = TEXT if with_parliament else TEXT.replace(
        "  - {id: B-parliament, name: Beta's parliament, constituent_of: B}\n", "").replace(
        "  B-parliament:\n    form: weights\n    reservation: 0.3\n    weights: {money: 1}\n"
        "    values:\n      money: {none: 1.0, some: 0.5, lots: 0.0}\n", "")
    assert with_parliament == ("B-parliament" in text)
    api = sqlite_api
    room, _, tokens = _room(api, text)
    p = api.ok("POST", f"/rooms/{room}/proposals", tokens["A"], json={
        "title": "p", "choices": {"land": "keep", "guarantee": "strong", "money": "lots"}})
    vp = f"/rooms/{room}/proposals/{p['id']}"
    api.ok("POST", vp + "/votes", tokens["A"], json={"vote": "accept"})
    api.ok("POST", vp + "/votes", tokens["B"], json={"vote": "accept"})
    status = api.ok("GET", vp, tokens["A"])["status"]
    if not with_parliament:
        assert status == "ratified"
        return
    assert status == "open"
    api.ok("POST", vp + "/votes", tokens["C"], json={"vote": "reject"})
    assert api.ok("GET", vp, tokens["A"])["status"] == "rejected"
    # money "none" satisfies the parliament: A and B now carry it
    q = api.ok("POST", f"/rooms/{room}/proposals", tokens["A"], json={
        "title": "q", "choices": {"land": "keep", "guarantee": "strong", "money": "none"}})
    vq = f"/rooms/{room}/proposals/{q['id']}"
    api.ok("POST", vq + "/votes", tokens["A"], json={"vote": "accept"})
    api.ok("POST", vq + "/votes", tokens["B"], json={"vote": "accept"})
    assert api.ok("GET", vq, tokens["A"])["status"] == "ratified"
