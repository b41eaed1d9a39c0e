"""``reject_ends_it``: would a party's reject alone decide an open proposal as rejected?

Checked against the ratification rule by brute force (every vote a party could see), and
in a sealed room against the votes the party is shown only, so the hint leaks nothing.
"""

from __future__ import annotations

import itertools

import pytest

from accord.app import api as engine
from tests.service.conftest import ADMIN_TOKEN, Api

PARTIES = ["HA", "SL", "FC", "TC"]  # harbour-teaching: three of four, TC holds a veto
PACKAGE = {"berths": "four-berths", "dredging": "channel-12m", "fishing": "seasonal-closure",
           "fees": "discount-10", "jobs": "quota-25"}


def _room(api: Api, sealed: bool) -> tuple[str, str, dict[str, str]]:
    made = api.ok("POST", "/rooms", ADMIN_TOKEN, json={
        "title": "Hints", "scenario": {"bundled": "harbour-teaching"},
        "mediator_name": "Mediator", "sealed_votes": sealed})
    room, med = made["room"]["id"], made["token"]
    tokens = {}
    for pid in PARTIES:
        inv = api.ok("POST", f"/rooms/{room}/invitations", med,
                     json={"role": "party", "name": pid, "party_id": pid})
        tokens[pid] = api.ok("POST", "/invitations/accept", json={"token": inv["token"]})["token"]
    return room, med, tokens


def _expected(votes: dict[str, str], party: str) -> bool:
    """Brute force: with ``party`` rejecting, can no way the others vote still ratify?"""
    s = engine.load("harbour-teaching")
    cast = {**votes, party: "reject"}
    free = [p for p in PARTIES if p not in cast]
    for ways in itertools.product([True, False], repeat=len(free)):
        accepts = {p: cast.get(p) == "accept" for p in PARTIES} | dict(zip(free, ways,
                                                                           strict=True))
        if engine.ratifies(s, accepts, PACKAGE):
            return False
    return True


@pytest.mark.parametrize("sealed", [False, True])
def test_reject_hint_follows_the_rule_and_the_votes_shown(api: Api, sealed: bool) -> None:
    room, med, tokens = _room(api, sealed)
    pid = api.ok("POST", f"/rooms/{room}/proposals", med,
                 json={"title": "P", "choices": PACKAGE})["id"]
    path = f"/rooms/{room}/proposals/{pid}"
    cast: dict[str, str] = {}
    for voter in ["FC", None]:  # before any vote, then after FC rejects
        if voter is not None:
            api.ok("POST", f"{path}/votes", tokens[voter], json={"vote": "reject"})
            cast[voter] = "reject"
        for party in PARTIES:
            if party in cast:
                continue
            seen = api.ok("GET", path, tokens[party])
            listed = next(p for p in api.ok("GET", f"/rooms/{room}/proposals", tokens[party])
                          if p["id"] == pid)
            shown = {} if sealed else cast  # a sealed room shows a party only its own vote
            assert seen["reject_ends_it"] is listed["reject_ends_it"] is _expected(shown, party)
    # After FC's reject HA's would end it (at most two could still accept), in the open
    # room; in the sealed one HA cannot know, and is not told.
    assert api.ok("GET", path, tokens["HA"])["reject_ends_it"] is (not sealed)
    assert api.ok("GET", path, tokens["TC"])["reject_ends_it"] is True  # the veto
    assert api.ok("GET", path, med)["reject_ends_it"] is None
