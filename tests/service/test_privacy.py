"""No route reveals party B's preferences, or anything computed from them, to anyone else.

Party B's preferences (in the scenario and as submitted) carry sentinel numbers and
strings. Every route is walked as party A, the observer, a mediator who may not see
preferences, and a member of another room; no response may contain a sentinel or B's
utility for any package.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
from fastapi import FastAPI

from accord.analysis.tables import compile_scenario
from accord.formats.scenario_file import loads_scenario
from tests.service.conftest import SCENARIO, Api, World, build_world
from tests.service.test_authorization import EXPECTED, LAST

SENTINEL_STRINGS = ["SENTINEL-B", "sentinel-units-B", "SUBMITTED-BY-B"]
B_SUBMITTED = {
    "form": "weights", "unit": "sentinel-units-B",
    "reservation": {"value": 0.2718281, "why": "SUBMITTED-BY-B reservation"},
    "weights": {"land": 0.3141592, "guarantee": 0.1618033, "money": 0.1414213},
    "values": {"land": {"keep": 0.0, "cede": 0.9876543, "swap": 0.5678912},
               "guarantee": {"none": 0.9182736, "weak": 0.6452317, "strong": 0.0},
               "money": {"none": 0.8765432, "some": 0.4321987, "lots": 0.0}},
}
B_NUMBERS = ["0.271828", "0.314159", "0.161803", "0.141421", "0.987654", "0.567891",
             "0.918273", "0.645231", "0.876543", "0.432198", "0.0371", "0.2718281",
             "0.3141592", "0.1618033", "0.1414213", "0.9876543", "0.5678912", "0.9182736",
             "0.6452317", "0.8765432", "0.4321987"]


def _b_utilities(b_block: dict[str, Any] | None) -> set[str]:
    """B's utility for every package, as JSON would print it (minus coincidences)."""
    s = loads_scenario(SCENARIO, "room.yaml")
    if b_block is not None:
        import yaml

        doc = yaml.safe_load(SCENARIO)
        doc["preferences"]["B"] = b_block
        s = loads_scenario(yaml.safe_dump(doc), "room.yaml")
    tables = compile_scenario(s)
    packages = np.array(list(itertools.product(*(range(i.size) for i in s.issues))))
    u = tables.utilities(packages)
    b = s.party_index("B")
    others = {repr(float(x)) for k in range(u.shape[1]) if k != b for x in u[:, k]}
    mine = {repr(float(x)) for x in u[:, b]}
    return {m for m in mine - others if len(m) > 6}


def _populate(api: Api, w: World) -> None:
    med, b = w.tokens["mediator"], w.tokens["B"]
    # B works with the scenario's block first, then submits its own
    api.ok("POST", w.path("/rooms/{room_id}/suggestions"), med, json={"kind": "nash"})
    api.ok("PUT", w.path("/rooms/{room_id}/preferences/me"), b,
           json={"preferences": B_SUBMITTED, "expected_version": 0})
    api.ok("POST", w.path("/rooms/{room_id}/suggestions"), med, json={"kind": "nash"})
    api.ok("POST", w.path("/rooms/{room_id}/suggestions"), med,
           json={"kind": "improve", "baseline": {"land": "keep", "guarantee": "none"}})
    api.ok("POST", w.path("/rooms/{room_id}/suggestions"), med,
           json={"kind": "improve", "proposal_id": w.ids["proposal_id"]})
    api.ok("PUT", w.path("/rooms/{room_id}/blind-rounds/{round_id}/marks"), b,
           json={"packages": [{"land": "cede", "guarantee": "none"}]})
    api.ok("POST", w.path("/rooms/{room_id}/proposals/{proposal_id}/votes"), b,
           json={"vote": "reject"})


def _walk(api: Api, w: World, callers: list[str]) -> list[tuple[str, str]]:
    texts = []
    order = sorted(EXPECTED, key=lambda k: (k in LAST, k))
    for method, template in order:
        if (method, template) in LAST:
            continue
        _level, kwargs = EXPECTED[(method, template)]
        for kind in callers:
            r = api.call(method, w.path(template), w.tokens[kind], **kwargs)
            texts.append((f"{method} {template} as {kind} -> {r.status_code}", r.text))
    # read everything again now that the walk changed the state
    for method, template in order:
        if method == "GET":
            for kind in callers:
                r = api.get(w.path(template), w.tokens[kind], **EXPECTED[(method, template)][1])
                texts.append((f"{method} {template} as {kind} (again)", r.text))
    return texts


def _leaks(texts: list[tuple[str, str]], forbidden: set[str]) -> list[str]:
    found = []
    for where, text in texts:
        for s in forbidden:
            if s in text:
                found.append(f"{where}: contains {s!r}")
    return found


def test_no_route_reveals_another_partys_preferences(app: FastAPI, api: Api) -> None:
    w = build_world(app, api)
    _populate(api, w)
    callers = ["party", "observer", "mediator", "other_party", "other_mediator", "admin"]
    texts = _walk(api, w, callers)
    forbidden = set(SENTINEL_STRINGS) | set(B_NUMBERS)
    forbidden |= _b_utilities(None) | _b_utilities(B_SUBMITTED)
    assert len(forbidden) > 40
    # the admin is not shown B's numbers either, except in a full backup (not walked)
    leaks = _leaks(texts, forbidden)
    assert not leaks, "\n".join(leaks[:20])
    # the detector works: a full backup holds B's sentinels and B's utilities
    backup = api.get(w.path("/rooms/{room_id}/export"), w.tokens["admin"],
                     params={"full": True}).text
    assert _leaks([("backup", backup)], forbidden)
    # sanity: B itself does see its own preferences and utilities
    own = api.get(w.path("/rooms/{room_id}/preferences/me"), w.tokens["B"]).text
    assert "SUBMITTED-BY-B" in own
    sg = api.get(w.path("/rooms/{room_id}/suggestions"), w.tokens["B"]).json()
    assert any(s["own_utility"] is not None for s in sg)
    assert all(s["utilities"] is None for s in sg)


def test_party_sees_only_its_own_utility(api: Api, world: World) -> None:
    med = world.tokens["mediator"]
    api.ok("POST", world.path("/rooms/{room_id}/suggestions"), med, json={"kind": "nash"})
    for party in ("A", "B", "C"):
        [sg] = api.ok("GET", world.path("/rooms/{room_id}/suggestions"), world.tokens[party])
        assert sg["found"] and sg["own_utility"] is not None and sg["utilities"] is None
        ev = api.ok("POST", world.path("/rooms/{room_id}/evaluate"), world.tokens[party],
                    json={"choices": sg["choices"]})
        assert ev["own"]["party_id"] == party
        assert ev["parties"] is None and ev["ratifiable"] is None
        assert abs(ev["own"]["utility"] - sg["own_utility"]) < 1e-12
    [sg] = api.ok("GET", world.path("/rooms/{room_id}/suggestions"), world.tokens["observer"])
    assert sg["own_utility"] is None and sg["utilities"] is None
    [sg] = api.ok("GET", world.path("/rooms/{room_id}/suggestions"), med)
    assert sg["utilities"] is None


def test_mediator_allowed_to_see_gets_every_utility(app: FastAPI, api: Api) -> None:
    w = build_world(app, api, sees=True)
    med = w.tokens["mediator"]
    sg = api.ok("POST", w.path("/rooms/{room_id}/suggestions"), med, json={"kind": "nash"})
    assert set(sg["utilities"]) == {"A", "B", "C", "D"}
    ev = api.ok("POST", w.path("/rooms/{room_id}/evaluate"), med,
                json={"choices": sg["choices"]})
    assert set(ev["parties"]) == {"A", "B", "C", "D"} and ev["ratifiable"] is not None


def test_blind_marks_stay_private_and_only_the_overlap_shows(api: Api, world: World) -> None:
    med = world.tokens["mediator"]
    path = world.path("/rooms/{room_id}/blind-rounds/{round_id}")
    # marks must be acceptable to the marker itself (finding 2)
    common = {"land": "keep", "guarantee": "weak"}
    only_b = {"land": "cede", "guarantee": "weak", "money": "some"}
    api.ok("PUT", path + "/marks", world.tokens["A"], json={"packages": [common]})
    api.ok("PUT", path + "/marks", world.tokens["B"], json={"packages": [common, only_b]})
    api.ok("PUT", path + "/marks", world.tokens["C"], json={"packages": [common]})
    mine = api.ok("GET", path + "/marks", world.tokens["A"])
    assert mine["party_id"] == "A" and len(mine["packages"]) == 1
    before = api.ok("GET", path, world.tokens["A"])
    assert before["overlap"] is None and before["submitted"] == ["A", "B", "C"]
    # party D has no member (revoked): no package is marked by every party yet
    closed = api.ok("POST", path + "/close", med)
    assert closed["overlap"] == []
    text = "".join(api.get(world.path(t), world.tokens["A"]).text for t in (
        "/rooms/{room_id}/blind-rounds", "/rooms/{room_id}/blind-rounds/{round_id}",
        "/rooms/{room_id}/audit"))
    assert '"money":"some"' not in text.replace(" ", "")
    assert api.put(path + "/marks", world.tokens["A"], json={"packages": [common]}
                   ).status_code == 409


def test_overlap_is_revealed_when_every_party_marks(api: Api, world: World) -> None:
    med = world.tokens["mediator"]
    inv = api.ok("POST", world.path("/rooms/{room_id}/invitations"), med,
                 json={"role": "party", "party_id": "D", "name": "D again"})
    d_token = api.ok("POST", "/invitations/accept", json={"token": inv["token"]})["token"]
    rnd = api.ok("POST", world.path("/rooms/{room_id}/blind-rounds"), med, json={"title": "2"})
    path = world.path("/rooms/{room_id}/blind-rounds/") + rnd["id"]
    common = {"land": "keep", "guarantee": "weak"}
    other = {"land": "keep", "guarantee": "none"}
    for tok in (world.tokens["A"], world.tokens["B"], world.tokens["C"], d_token):
        api.ok("PUT", path + "/marks", tok, json={"packages": [common, other]
                                                  if tok == d_token else [common]})
    closed = api.ok("POST", path + "/close", med)
    assert closed["overlap"] == [{"land": "keep", "guarantee": "weak", "money": "none"}]
