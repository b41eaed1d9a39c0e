"""The workbench's HTTP behaviour, without a browser: errors, static files, headers, forms."""

from __future__ import annotations

import httpx
import pytest

from tests.browser.conftest import Server
from tests.browser.pages import HARBOUR, UA


@pytest.fixture
def http(server: Server) -> httpx.Client:
    with httpx.Client(base_url=server.base, timeout=60) as c:
        yield c  # type: ignore[misc]


def test_static_files_stay_inside_the_static_folder(http: httpx.Client) -> None:
    assert http.get("/web/static/web.css").status_code == 200
    js = http.get("/web/static/vendor/vega.min.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    for path in ("/web/static/../routes.py", "/web/static/%2e%2e/routes.py",
                 "/web/static/vendor/../../room.py", "/web/static/nope.js"):
        assert http.get(path).status_code == 404, path


def test_evaluate_endpoint_answers_json(http: httpx.Client) -> None:
    r = http.get(f"/web/scenarios/{HARBOUR}/plan/evaluate",
                 params={"base": "mediators-draft", "c.berths": "six-berths"})
    assert r.status_code == 200
    body = r.json()
    assert body["evaluation"]["choices"]["berths"] == "six-berths"
    assert "party-table" in body["html"] and body["summary"].endswith(".")
    bad = http.get(f"/web/scenarios/{HARBOUR}/plan/evaluate", params={"c.berths": "ten"})
    assert bad.status_code == 400 and "ten" in bad.json()["error"]
    assert http.get("/web/scenarios/nope/plan/evaluate").status_code == 404


def test_bad_requests_are_explained(http: httpx.Client) -> None:
    assert http.get(f"/web/scenarios/{UA}/compare", params={"draft": "us-28-point"}
                    ).status_code == 400
    assert http.get(f"/web/scenarios/{UA}/analysis", params={"x": "XX"}).status_code == 400
    assert http.get(f"/web/scenarios/{UA}/simulate", params={"rounds": "9999"}
                    ).status_code == 400
    r = http.get(f"/web/scenarios/{UA}/plan", params={"c.nope": "x"})
    assert r.status_code == 400 and "nope" in r.text


def test_scenario_text_is_escaped(http: httpx.Client) -> None:
    r = http.get(f"/web/scenarios/{UA}/plan", params={"base": "<script>"})
    assert r.status_code == 400
    assert "<script>" not in r.text.split("<main", 1)[1]


def test_room_forms_refuse_other_origins(http: httpx.Client) -> None:
    r = http.post("/web/rooms/login", data={"token": "x" * 43},
                  headers={"Origin": "http://evil.example"})
    assert r.status_code == 403 and "set-cookie" not in r.headers
    r = http.post("/web/rooms/login", data={"token": "x" * 43})
    assert r.status_code == 403  # no Origin, no Referer: refused


def test_room_page_without_login_goes_to_the_login_form(http: httpx.Client) -> None:
    r = http.get("/web/rooms/rm_0000000000000000", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/web/rooms"


def test_root_and_index(http: httpx.Client) -> None:
    r = http.get("/web/")
    assert r.status_code == 200
    for name in (UA, HARBOUR):
        assert f"/web/scenarios/{name}" in r.text
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
