"""The room page: log in with a member token, see only what that member may see, vote."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.browser.conftest import Browser, Server
from tests.browser.roomsetup import Room, call, make_room

PARTIES = ["HA", "SL", "FC", "TC"]


@pytest.fixture(scope="module")
def room(server: Server) -> Room:
    if not server.has_service:
        pytest.fail("the mediation service (accord.service.app.create_app) is missing",
                    pytrace=False)
    r = make_room(server.base, "harbour-teaching", PARTIES)
    # A package the mediator puts to the vote, and a suggestion computed from preferences.
    call(server.base, r.mediator, "POST", f"/rooms/{r.id}/proposals", {
        "title": "Four berths, seasonal closure",
        "choices": {"berths": "four-berths", "dredging": "channel-12m",
                    "fishing": "seasonal-closure", "fees": "discount-10",
                    "jobs": "quota-25"}})
    call(server.base, r.mediator, "POST", f"/rooms/{r.id}/suggestions", {"kind": "nash"})
    # A draft for everyone, and one in a side channel of the mediator and HA only.
    room_doc = call(server.base, r.mediator, "GET", f"/rooms/{r.id}")
    call(server.base, r.mediator, "POST",
         f"/rooms/{r.id}/channels/{room_doc['plenary_channel_id']}/drafts",
         {"title": "Single text, first reading", "choices": {"berths": "four-berths"}})
    members = call(server.base, r.mediator, "GET", f"/rooms/{r.id}/members")
    ha = next(m["id"] for m in members if m["party_id"] == "HA")
    side = call(server.base, r.mediator, "POST", f"/rooms/{r.id}/channels",
                {"name": "HA side talks", "member_ids": [ha]})
    call(server.base, r.mediator, "POST", f"/rooms/{r.id}/channels/{side['id']}/drafts",
         {"title": "Side offer to the authority", "choices": {"berths": "six-berths"}})
    briefed = call(server.base, r.mediator, "POST",
                   f"/rooms/{r.id}/channels/{side['id']}/drafts",
                   {"title": "Side text shown to all", "choices": {"berths": "two-berths"}})
    call(server.base, r.mediator, "POST", f"/rooms/{r.id}/drafts/{briefed['id']}/briefings",
         {"version": 1, "channel_id": room_doc["plenary_channel_id"]})
    return r


def login(web: Browser, token: str) -> None:
    web.goto("/web/rooms")
    web.page.fill("#token", token)
    web.submit("form.login button[type=submit]")


def _private_markers(server: Server, room: Room, party: str) -> list[str]:
    """Strings that occur only in ``party``'s own preferences block (its reasons)."""
    prefs = call(server.base, room.parties[party], "GET", f"/rooms/{room.id}/preferences/me")
    found: list[str] = []

    def walk(x: object) -> None:
        if isinstance(x, dict):
            for k, v in x.items():
                if k == "why" and isinstance(v, str) and len(v) > 25:
                    found.append(v)
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(prefs["preferences"])
    return found


def test_login_rejects_a_bad_token(web: Browser, room: Room) -> None:
    login(web, "not-a-token")
    assert "not valid" in web.page.inner_text("#login-error")
    web.assert_local()


def test_each_party_sees_only_its_own_preferences(
        new_browser: Callable[..., Browser], server: Server, room: Room) -> None:
    pages = {}
    for party in ("HA", "FC"):
        web = new_browser()
        login(web, room.parties[party])
        assert f"/web/rooms/{room.id}" in web.page.url, web.page.inner_text("body")[:500]
        assert f"({party})" in web.page.inner_text("#my-party")
        assert web.page.locator("#pref-table tbody tr").count() >= 4
        pages[party] = web.page.content()
        web.screenshot(f"room-{party}")
        web.assert_local()
        web.assert_no_errors()
    ha, fc = _private_markers(server, room, "HA"), _private_markers(server, room, "FC")
    only_ha = [m for m in ha if m not in fc]
    only_fc = [m for m in fc if m not in ha]
    assert only_ha and only_fc, "the scenario should give each party reasons of its own"
    html_escape = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"}

    def esc(s: str) -> str:
        return "".join(html_escape.get(ch, ch) for ch in s)

    assert any(esc(m) in pages["HA"] for m in only_ha)
    assert any(esc(m) in pages["FC"] for m in only_fc)
    assert not any(esc(m) in pages["HA"] for m in only_fc), "HA's page shows FC's preferences"
    assert not any(esc(m) in pages["FC"] for m in only_ha), "FC's page shows HA's preferences"


def test_drafts_only_from_own_channels(new_browser: Callable[..., Browser], room: Room) -> None:
    seen = {}
    for party in ("HA", "FC"):
        web = new_browser()
        login(web, room.parties[party])
        seen[party] = web.page.inner_text("#drafts")
    assert "Single text, first reading" in seen["HA"]
    assert "Single text, first reading" in seen["FC"]
    # A draft that sets one point of five is called incomplete, not just "acceptable".
    assert "Incomplete draft: 1 of 5 points set" in seen["FC"]
    assert "Side offer to the authority" in seen["HA"]
    assert "Side offer" not in seen["FC"] and "HA side talks" not in seen["FC"]
    # A side-channel draft briefed to the plenary reaches FC, marked as briefed.
    assert "Side text shown to all" in seen["FC"] and "Briefed to you" in seen["FC"]


def test_suggestion_shows_own_utility_only(new_browser: Callable[..., Browser],
                                           room: Room) -> None:
    web = new_browser()
    login(web, room.parties["SL"])
    text = web.page.inner_text("#suggestions")
    assert "Your utility" in text
    assert "Every party's utility" not in text


def test_votes_until_ratified(new_browser: Callable[..., Browser], server: Server,
                              room: Room) -> None:
    proposals = call(server.base, room.mediator, "GET", f"/rooms/{room.id}/proposals")
    pid = proposals[0]["id"]
    # Harbour: three of four parties, and the town council (TC) holds a veto.
    asked: list[str] = []
    for k, party in enumerate(["HA", "SL", "TC"]):
        web = new_browser()
        login(web, room.parties[party])
        # The package is below SL's reservation: accepting asks first (answered yes here).
        web.page.on("dialog", lambda d: (asked.append(d.message), d.accept()))
        article = web.page.locator(f"#proposal-{pid}")
        assert article.get_attribute("data-status") == "open"
        web.submit(article.locator("button[value=accept]"))
        assert "Your vote to accept was recorded" in web.page.inner_text("main")
        status = web.page.locator(f"#proposal-{pid}").get_attribute("data-status")
        assert status == ("ratified" if k == 2 else "open")
        web.assert_local()
        web.assert_no_errors()
    assert len(asked) == 1 and "below your reservation" in asked[0]
    web.screenshot("room-ratified")
    final = call(server.base, room.mediator, "GET", f"/rooms/{room.id}/proposals/{pid}")
    assert final["status"] == "ratified"
    assert sorted(v["party_id"] for v in final["votes"]) == ["HA", "SL", "TC"]


def test_mediator_sees_the_audit_trail(new_browser: Callable[..., Browser], room: Room) -> None:
    web = new_browser()
    login(web, room.mediator)
    actions = web.page.locator("#audit-table tbody td:nth-child(4)").all_inner_texts()
    assert "room.create" in actions or any(a.startswith("proposal") for a in actions)
    assert web.page.locator("#preferences").count() == 0  # the mediator has none of its own
    web.screenshot("room-mediator")


def test_logout_forgets_the_token(new_browser: Callable[..., Browser], room: Room) -> None:
    web = new_browser()
    login(web, room.parties["FC"])
    cookies = web.context.cookies()
    token_cookie = next(c for c in cookies if c["name"] == "accord_room_token")
    assert token_cookie["httpOnly"] and token_cookie["sameSite"] == "Strict"
    assert web.page.evaluate("document.cookie") == ""  # invisible to page scripts
    web.submit(".room-head form button")
    assert not [c for c in web.context.cookies() if c["name"] == "accord_room_token"]
    web.page.goto(web.base + f"/web/rooms/{room.id}")
    assert web.page.url.endswith("/web/rooms")


def test_room_pages_pass_axe(new_browser: Callable[..., Browser], room: Room) -> None:
    web = new_browser(bypass_csp=True)
    login(web, room.parties["HA"])
    assert web.axe_violations() == []
