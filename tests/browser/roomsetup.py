"""A mediation room set up through the service's HTTP API, for the room-page tests."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from tests.browser.conftest import ADMIN_TOKEN


@dataclass
class Room:
    """A room with a mediator and one member token per party."""

    id: str
    mediator: str
    parties: dict[str, str] = field(default_factory=dict)


def _ok(r: httpx.Response) -> dict:  # type: ignore[type-arg]
    assert r.status_code < 400, f"{r.request.method} {r.request.url}: {r.status_code} {r.text}"
    return r.json()  # type: ignore[no-any-return]


def make_room(base: str, scenario: str, parties: list[str], title: str = "Browser test room"
              ) -> Room:
    """Create a room (administrator), invite ``parties`` and redeem their invitations."""
    with httpx.Client(base_url=base, timeout=60) as c:
        made = _ok(c.post("/rooms", json={"title": title, "scenario": {"bundled": scenario},
                                          "mediator_name": "Mediator"},
                          headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}))
        room = Room(made["room"]["id"], made["token"])
        med = {"Authorization": f"Bearer {room.mediator}"}
        for pid in parties:
            inv = _ok(c.post(f"/rooms/{room.id}/invitations", headers=med,
                             json={"role": "party", "name": f"Delegate of {pid}",
                                   "party_id": pid}))
            issued = _ok(c.post("/invitations/accept", json={"token": inv["token"]}))
            room.parties[pid] = issued["token"]
        return room


def call(base: str, token: str, method: str, path: str, body: object = None) -> dict:  # type: ignore[type-arg]
    """One API call as the holder of ``token``."""
    with httpx.Client(base_url=base, timeout=60) as c:
        return _ok(c.request(method, path, json=body,
                             headers={"Authorization": f"Bearer {token}"}))

