"""The plan editor's what-if and package parameters over HTTP: answers and clear refusals."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from accord.app import api
from tests.browser.conftest import Server
from tests.browser.pages import HARBOUR, UA

EVALUATE = f"/web/scenarios/{UA}/plan/evaluate"


@pytest.fixture
def http(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base, timeout=120) as c:
        yield c


def test_what_if_parameters_move_the_evaluation(http: httpx.Client) -> None:
    plain = http.get(EVALUATE, params={"base": "us-28-point"}).json()["evaluation"]
    moved = http.get(EVALUATE, params={"base": "us-28-point", "r.RU": "0.7",
                                       "w.UA.territory": "0.2"}).json()
    assert moved["summary"].startswith("Not ratified (what-if).")
    assert moved["evaluation"]["parties"]["RU"]["reservation"] == pytest.approx(0.7)
    ua_before = plain["parties"]["UA"]["utility"]
    ua_after = moved["evaluation"]["parties"]["UA"]["utility"]
    assert ua_after != pytest.approx(ua_before)  # a heavier territory weight moves UA


@pytest.mark.parametrize(("params", "says"), [
    ({"r.UA": "0.9"}, "outside the stated range [0.4, 0.6]"),
    ({"r.UA": "lots"}, "is not a number"),
    ({"w.UA.nope": "0.1"}, "no weight on point 'nope'"),
    ({"r.XX": "0.5"}, "XX"),
    ({"rl.UA": "yes"}, "say 'off'"),
    ({"package": "1.2.3"}, "expected 27 option numbers"),
    ({"package": ".".join(["0"] * 26 + ["99"])}, "options, not 100"),
])
def test_bad_parameters_are_refused_clearly(http: httpx.Client, params: dict[str, str],
                                            says: str) -> None:
    r = http.get(EVALUATE, params={"base": "us-28-point", **params})
    assert r.status_code == 400 and says in r.json()["error"]
    page = http.get(f"/web/scenarios/{UA}/plan", params={"base": "us-28-point", **params})
    assert page.status_code == 400 and "cannot be answered" in page.text


def test_a_package_opens_with_its_choices(http: httpx.Client) -> None:
    r = http.get(f"/web/scenarios/{HARBOUR}/plan/evaluate", params={"package": "0.0.0.0.0"})
    assert r.status_code == 200
    choices = r.json()["evaluation"]["choices"]
    assert choices == {i.id: i.options[0].id for i in api.load(HARBOUR).issues}


def test_one_party_against_itself_is_refused(http: httpx.Client) -> None:
    r = http.get(f"/web/scenarios/{UA}/analysis", params={"x": "UA", "y": "UA"})
    assert r.status_code == 400 and "two different parties" in r.text


def test_concept_links_open_the_same_package(http: httpx.Client) -> None:
    """The analysis page's keyboard path to a chart click: each concept's link opens it."""
    import html
    import json
    import re

    page = http.get(f"/web/scenarios/{HARBOUR}/analysis").text
    rows = re.findall(r'<tr data-concept="(\w+)" data-choices="([^"]*)">.*?'
                      r'<a href="([^"]+)">in the plan editor</a>', page)
    assert {r[0] for r in rows} == {"nash", "ks", "egalitarian", "welfare"}
    for _, choices, link in rows:
        evaluate = html.unescape(link).replace("/plan?", "/plan/evaluate?")
        got = http.get(evaluate).json()["evaluation"]["choices"]
        assert got == json.loads(html.unescape(choices))
