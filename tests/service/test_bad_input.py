"""Odd ids and deep nesting always get a 4xx with a one-line reason, and change nothing."""

from __future__ import annotations

from tests.service.conftest import ADMIN_TOKEN, Api, create_room

# (a bare ".." is resolved by the client before it is sent)
ODD = ["%2E%2E", "%3Cscript%3E", "a%3Fb", "r" * 5000, "%E2%80%8B", "%C2%B2",
       "rm_" + "0" * 16 + "%00", "%F0%9F%98%80"]


def test_odd_ids_in_paths_are_4xx(api: Api) -> None:
    room, med, _ = create_room(api)
    head = api.ok("GET", f"/rooms/{room}/audit/head", med)["head"]
    for odd in ODD:
        for path in (f"/rooms/{odd}", f"/rooms/{odd}/drafts", f"/rooms/{room}/drafts/{odd}",
                     f"/rooms/{room}/proposals/{odd}", f"/rooms/{room}/blind-rounds/{odd}"):
            r = api.get(path, med)
            assert 400 <= r.status_code < 500, (path, r.status_code, r.text[:200])
        r = api.post(f"/rooms/{room}/members/{odd}/revoke", med)
        assert 400 <= r.status_code < 500, (odd, r.status_code)
    assert api.ok("GET", f"/rooms/{room}/audit/head", med)["head"] == head


def test_deep_nesting_is_4xx(api: Api) -> None:
    room, med, _ = create_room(api)
    deep = "[" * 100_000 + "]" * 100_000
    for path, token in (("/rooms", ADMIN_TOKEN), (f"/rooms/{room}/evaluate", med),
                        ("/rooms/import", ADMIN_TOKEN)):
        r = api.post(path, token, content=deep.encode(),
                     headers={"Content-Type": "application/json"})
        assert 400 <= r.status_code < 500, (path, r.status_code)
    body = '{"choices": ' + "{" * 3000 + "}" * 3000 + "}"
    r = api.post(f"/rooms/{room}/evaluate", med, content=body.encode(),
                 headers={"Content-Type": "application/json"})
    assert 400 <= r.status_code < 500
    r = api.post("/rooms", ADMIN_TOKEN, json={
        "title": "deep", "mediator_name": "M",
        "scenario": {"text": "a:\n" + "".join(" " * k + "- \n" for k in range(1, 1200))}})
    assert 400 <= r.status_code < 500, r.text[:200]
