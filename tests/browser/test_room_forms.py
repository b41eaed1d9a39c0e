"""Each form of the room page, the vote confirmations, the live stream, axe and a phone.

Set-up that is not the subject of a test (rooms, members, drafts in side channels) goes
through the service's API (:mod:`tests.browser.roomsetup`); what a test checks happens
in Chromium.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

import accord
from tests.browser.conftest import ADMIN_TOKEN, PATIENCE, Browser, Server
from tests.browser.roomsetup import Room, call, make_room

PARTIES = ["HA", "SL", "FC", "TC"]
#: Scores HA 66, SL 44, FC 50, TC 72 under the scenario's preferences: below SL's 50.
PACKAGE = {"berths": "four-berths", "dredging": "channel-12m", "fishing": "seasonal-closure",
           "fees": "discount-10", "jobs": "quota-25"}
PHONE = {"width": 390, "height": 844}


def login(web: Browser, token: str) -> None:
    web.goto("/web/rooms")
    web.page.fill("#token", token)
    web.submit("form.login button[type=submit]")


def fresh_room(server: Server, parties: list[str] = PARTIES) -> Room:
    if not server.has_service:
        pytest.fail("the mediation service is missing", pytrace=False)
    return make_room(server.base, "harbour-teaching", parties)


def propose(server: Server, room: Room, title: str = "Four berths") -> str:
    made = call(server.base, room.mediator, "POST", f"/rooms/{room.id}/proposals",
                {"title": title, "choices": PACKAGE})
    return str(made["id"])


class Dialogs:
    """Answers every dialog of a page with :attr:`answer`, keeping the messages."""

    def __init__(self, web: Browser, answer: bool) -> None:
        self.answer = answer
        self.seen: list[str] = []
        web.page.on("dialog", self._handle)

    def _handle(self, d: Any) -> None:
        self.seen.append(d.message)
        if self.answer:
            d.accept()
        else:
            d.dismiss()


def test_invite_shows_a_one_time_code(new_browser: Callable[..., Browser],
                                      server: Server) -> None:
    room = fresh_room(server, [])
    med = new_browser()
    login(med, room.mediator)
    med.page.select_option("#invite-role", "party")
    med.page.select_option("#invite-party", "FC")
    med.page.fill("#invite-name", "Fisher delegate")
    med.submit("#invite-form button[type=submit]")
    code = med.page.inner_text("#invitation-code").strip()
    link = med.page.inner_text("#invitation-link").strip()
    assert link.endswith(f"/web/rooms#invitation={code}")
    assert med.page.url.endswith(f"/web/rooms/{room.id}")  # a reload reads the room
    # The link fills the code in on the login page; redeeming it logs the delegate in.
    guest = new_browser()
    guest.goto(link.removeprefix(server.base))
    assert guest.page.input_value("#invitation") == code
    guest.submit("form.redeem button[type=submit]")
    guest.submit("#enter-room")
    assert "(FC)" in guest.page.inner_text("#my-party")
    # It works once.
    again = new_browser()
    again.goto("/web/rooms")
    again.page.fill("#invitation", code)
    again.submit("form.redeem button[type=submit]")
    assert "cannot be redeemed" in again.page.inner_text("#login-error")
    # An invalid form: the service's own message, nothing made.
    med.page.select_option("#invite-role", "party")
    med.page.fill("#invite-name", "x" * 201)  # over the field's limit: the browser cuts it
    assert len(med.page.input_value("#invite-name")) == 200
    invitations = call(server.base, room.mediator, "GET", f"/rooms/{room.id}/invitations")
    assert [i["party_id"] for i in invitations] == ["FC"]
    med.assert_no_errors()


def test_suggestion_is_the_nash_package(new_browser: Callable[..., Browser],
                                        server: Server) -> None:
    room = fresh_room(server, [])
    med = new_browser()
    login(med, room.mediator)
    med.page.select_option("#suggest-kind", "nash")
    med.submit("#suggest-form button[type=submit]")
    anchor = med.page.url.rsplit("#", 1)[1]
    expect(med.page.locator(f"#{anchor}")).to_contain_text("Nash package")
    made = call(server.base, room.mediator, "GET", f"/rooms/{room.id}/suggestions")
    assert [f"suggestion-{s['id']}" for s in made] == [anchor]
    assert made[0]["choices"] == accord.solve("harbour-teaching", "nash").choices
    # "improve" without a package to improve on: the form says so, nothing is made.
    med.page.select_option("#suggest-kind", "improve")
    med.submit("#suggest-form button[type=submit]")
    assert "Choose the package to improve on" in med.page.inner_text("#room-error")
    assert len(call(server.base, room.mediator, "GET", f"/rooms/{room.id}/suggestions")) == 1
    # Put the suggestion to the vote from its entry.
    med.submit(med.page.locator(f"#{anchor} form button[type=submit]"))
    proposals = call(server.base, room.mediator, "GET", f"/rooms/{room.id}/proposals")
    assert [p["choices"] for p in proposals] == [made[0]["choices"]]


def test_briefing_reaches_only_its_channel(new_browser: Callable[..., Browser],
                                           server: Server) -> None:
    room = fresh_room(server, ["HA", "SL", "FC"])
    members = call(server.base, room.mediator, "GET", f"/rooms/{room.id}/members")
    ids = {m["party_id"]: m["id"] for m in members if m["party_id"]}
    side_ha = call(server.base, room.mediator, "POST", f"/rooms/{room.id}/channels",
                   {"name": "Authority side talks", "member_ids": [ids["HA"]]})
    # A briefing goes to a wider channel: the authority's and the fishers' together.
    side_fc = call(server.base, room.mediator, "POST", f"/rooms/{room.id}/channels",
                   {"name": "Authority and fishers", "member_ids": [ids["HA"], ids["FC"]]})
    draft = call(server.base, room.mediator, "POST",
                 f"/rooms/{room.id}/channels/{side_ha['id']}/drafts",
                 {"title": "Offer on berths", "choices": {**PACKAGE, "berths": "six-berths"}})
    med = new_browser()
    login(med, room.mediator)
    med.page.select_option("#brief-draft", f"{draft['id']}@1")
    med.page.select_option("#brief-channel", side_fc["id"])
    med.submit("#brief-form button[type=submit]")
    expect(med.page.locator("#notice")).to_contain_text("briefed")
    seen = {}
    for party in ("HA", "SL", "FC"):
        web = new_browser()
        login(web, room.parties[party])
        seen[party] = web.page.inner_text("#drafts")
    assert "Offer on berths" in seen["HA"] and "Offer on berths" in seen["FC"]
    assert "Offer on berths" not in seen["SL"]
    # The same draft proposed from the desk: the proposal names the draft and version.
    med.page.select_option("#propose-draft", f"{draft['id']}@1")
    med.page.fill("#propose-draft-title", "Six berths")
    med.submit("#propose-draft-form button[type=submit]")
    assert med.page.locator("#room-error").count() == 0, med.page.inner_text("#room-error")
    made = call(server.base, room.mediator, "GET", f"/rooms/{room.id}/proposals")
    assert [(p["draft_id"], p["draft_version"]) for p in made] == [(draft["id"], 1)]


def test_blind_round_opens_and_closes(new_browser: Callable[..., Browser],
                                      server: Server) -> None:
    room = fresh_room(server, ["HA", "SL"])
    pid = propose(server, room)
    med = new_browser()
    asked = Dialogs(med, True).seen
    login(med, room.mediator)
    party = new_browser()
    login(party, room.parties["HA"])
    med.page.fill("#round-title", "First sounding")
    med.submit("#round-form button[type=submit]")
    anchor = med.page.url.rsplit("#", 1)[1]
    expect(med.page.locator(f"#{anchor}")).to_have_attribute("data-status", "open")
    expect(med.page.locator(f"#{anchor}")).to_contain_text("Marked so far: nobody")
    # The party's page shows the round open, live; it marks the proposal in private.
    expect(party.page.locator(f"#{anchor}")).to_have_attribute("data-status", "open",
                                                               timeout=PATIENCE)
    party.page.check(f"#{anchor} input[value='proposal:{pid}']")
    party.submit(f"#{anchor} .mark-form button[type=submit]")
    expect(party.page.locator("#notice")).to_contain_text("Your marks were saved")
    assert party.page.is_checked(f"#{anchor} input[value='proposal:{pid}']")
    expect(med.page.locator(f"#{anchor}")).not_to_contain_text("nobody", timeout=PATIENCE)
    # SL may not mark a package below its reservation: the service's refusal is shown.
    sl = new_browser()
    login(sl, room.parties["SL"])
    sl.page.check(f"#{anchor} input[value='proposal:{pid}']")
    sl.submit(f"#{anchor} .mark-form button[type=submit]")
    assert "Your marks were not saved" in sl.page.inner_text("#room-error")
    med.submit(med.page.locator(f"#{anchor} button[type=submit]"))
    assert asked and "Close the round" in asked[0]
    expect(med.page.locator(f"#{anchor}")).to_have_attribute("data-status", "closed")
    expect(med.page.locator(f"#{anchor}")).to_contain_text("Packages every party marked: 0")
    expect(party.page.locator(f"#{anchor}")).to_have_attribute("data-status", "closed",
                                                               timeout=PATIENCE)


def test_revoked_member_is_refused(new_browser: Callable[..., Browser],
                                   server: Server) -> None:
    room = fresh_room(server, ["HA", "SL"])
    victim = new_browser()
    login(victim, room.parties["HA"])
    expect(victim.page.locator("#room-page")).to_have_attribute("data-stream", "connected",
                                                                timeout=PATIENCE)
    med = new_browser()
    asked = Dialogs(med, True).seen
    login(med, room.mediator)
    med.page.select_option("#revoke-member", label="Delegate of HA (party, HA)")
    med.submit("#revoke-form button[type=submit]")
    assert asked and "Revoke this member" in asked[0]
    expect(med.page.locator("#members-table")).to_contain_text("revoked")
    # The revoked member's open page learns it live; its next page load is refused.
    expect(victim.page.locator("#room-page")).to_have_attribute("data-stream", "ended",
                                                                timeout=PATIENCE)
    answer = victim.page.goto(victim.base + f"/web/rooms/{room.id}", wait_until="load")
    assert answer is not None and answer.status == 401
    assert "session has ended" in victim.page.inner_text("#login-error")


def test_accepting_below_the_reservation_asks_first(new_browser: Callable[..., Browser],
                                                    server: Server) -> None:
    room = fresh_room(server, ["SL"])
    pid = propose(server, room)
    web = new_browser()
    login(web, room.parties["SL"])
    article = web.page.locator(f"#proposal-{pid}")
    expect(article.locator(f"#below-reservation-{pid}")).to_be_visible()
    asked = Dialogs(web, False).seen
    with web.page.expect_event("dialog"):  # answered "no" by the handler above
        article.locator("button[value=accept]").click()
    assert len(asked) == 1 and "below your reservation" in asked[0]
    assert "0.440" in asked[0] and "0.500" in asked[0]  # 44 and 50 of 100 points
    assert call(server.base, room.mediator, "GET",
                f"/rooms/{room.id}/proposals/{pid}")["votes"] == []
    assert web.page.url.endswith(f"/web/rooms/{room.id}")  # nothing sent, no navigation


def test_a_reject_that_ends_the_proposal_asks_first(new_browser: Callable[..., Browser],
                                                     server: Server) -> None:
    room = fresh_room(server, ["FC", "TC"])
    pid = propose(server, room)
    fc = new_browser()
    login(fc, room.parties["FC"])
    # FC's reject alone does not decide (three of four may still ratify): no question.
    assert fc.page.locator(f"#proposal-{pid} button[value=reject]").get_attribute(
        "data-confirm") is None
    tc = new_browser()
    login(tc, room.parties["TC"])
    answers = Dialogs(tc, False)
    with tc.page.expect_event("dialog"):
        tc.page.locator(f"#proposal-{pid} button[value=reject]").click()
    asked = answers.seen
    assert len(asked) == 1 and "ends this proposal" in asked[0] and "for everyone" in asked[0]
    assert call(server.base, room.mediator, "GET",
                f"/rooms/{room.id}/proposals/{pid}")["status"] == "open"
    answers.answer = True
    tc.submit(tc.page.locator(f"#proposal-{pid} button[value=reject]"))
    assert len(asked) == 2
    assert tc.page.url.endswith(f"#proposal-{pid}")  # the voter stays at the proposal
    expect(tc.page.locator(f"#proposal-{pid}")).to_have_attribute("data-status", "rejected")
    expect(fc.page.locator(f"#proposal-{pid}")).to_have_attribute("data-status", "rejected",
                                                                  timeout=PATIENCE)


@contextmanager
def _cookie_client(server: Server, token: str) -> Iterator[httpx.Client]:
    """An HTTP client logged in to the room pages (its cookie), sending this site's Origin."""
    with httpx.Client(base_url=server.base, timeout=60, headers={"Origin": server.base}) as c:
        r = c.post("/web/rooms/login", data={"token": token})
        assert r.status_code == 303, r.text
        yield c


def test_without_the_script_the_server_asks(server: Server) -> None:
    room = fresh_room(server, ["TC"])
    pid = propose(server, room)
    with _cookie_client(server, room.parties["TC"]) as c:
        url = f"/web/rooms/{room.id}/proposals/{pid}/vote"
        r = c.post(url, data={"vote": "reject"})
        assert r.status_code == 409 and 'id="confirm-vote"' in r.text
        assert call(server.base, room.mediator, "GET",
                    f"/rooms/{room.id}/proposals/{pid}")["votes"] == []
        r = c.post(url, data={"vote": "reject", "confirmed": "1"})
        assert r.status_code == 303 and r.headers["location"].endswith(f"#proposal-{pid}")
    assert call(server.base, room.mediator, "GET",
                f"/rooms/{room.id}/proposals/{pid}")["status"] == "rejected"


def test_event_stream_is_authorised_like_the_page(server: Server) -> None:
    room = fresh_room(server, ["HA"])
    other = fresh_room(server, ["HA"])
    with httpx.Client(base_url=server.base, timeout=60) as anonymous:
        assert anonymous.get(f"/web/rooms/{room.id}/events").status_code == 401
    with _cookie_client(server, other.parties["HA"]) as c:
        assert c.get(f"/web/rooms/{room.id}/events").status_code == 404
        with c.stream("GET", f"/web/rooms/{other.id}/events") as r:
            assert r.status_code == 200
            assert r.headers["content-type"].startswith("text/event-stream")
            first = next(r.iter_lines())
            assert re.fullmatch(r"retry: \d+", first)


@pytest.mark.parametrize("who", ["mediator", "party"])
def test_room_pages_pass_axe_and_fit_a_phone(new_browser: Callable[..., Browser],
                                             server: Server, who: str) -> None:
    room = fresh_room(server, ["HA"])
    propose(server, room)
    call(server.base, room.mediator, "POST", f"/rooms/{room.id}/blind-rounds",
         {"title": "A round"})
    web = new_browser(bypass_csp=True)
    login(web, room.mediator if who == "mediator" else room.parties["HA"])
    assert web.axe_violations() == []
    web.page.set_viewport_size(PHONE)
    overflow = web.page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the {who}'s room page is {overflow}px wider than a phone"
    web.screenshot(f"room-phone-{who}")


def test_welcome_page_passes_axe(new_browser: Callable[..., Browser], server: Server) -> None:
    room = fresh_room(server, [])
    inv = call(server.base, room.mediator, "POST", f"/rooms/{room.id}/invitations",
               {"role": "party", "name": "Delegate", "party_id": "TC"})
    web = new_browser(bypass_csp=True)
    web.goto("/web/rooms")
    web.page.fill("#invitation", inv["token"])
    web.submit("form.redeem button[type=submit]")
    assert web.page.inner_text("#personal-token").strip()
    assert web.axe_violations() == []
    web.page.set_viewport_size(PHONE)
    assert web.page.evaluate("() => document.documentElement.scrollWidth"
                             " <= document.documentElement.clientWidth")


def test_plan_editor_hands_its_package_to_the_room(new_browser: Callable[..., Browser],
                                                   server: Server) -> None:
    room = fresh_room(server, [])
    med = new_browser()
    login(med, room.mediator)
    med.goto("/web/scenarios/harbour-teaching/plan?base=mediators-draft")
    med.page.select_option("#c-berths", "two-berths")
    chosen = {sel.get_attribute("id").removeprefix("c-"): sel.input_value()
              for sel in med.page.locator("#plan-form select[data-draft]").all()}
    assert chosen["berths"] == "two-berths"
    med.submit("#propose-in-room")
    expect(med.page.locator("#notice")).to_contain_text("plan editor's package")
    for point, option in chosen.items():
        assert med.page.input_value(f"#choice-{point}") == option
    med.page.fill("#propose-title", "From the plan editor")
    med.submit("#propose-form button[type=submit]")
    made = call(server.base, room.mediator, "GET", f"/rooms/{room.id}/proposals")
    assert [p["choices"] for p in made] == [chosen]
    # A room on another scenario refuses the package, saying why.
    med.goto("/web/scenarios/ukraine-2025/plan")
    med.submit("#propose-in-room")
    assert "does not apply here" in med.page.inner_text("#room-error")


def test_admin_page_opens_a_room_and_refuses_a_wrong_token(
        new_browser: Callable[..., Browser], server: Server) -> None:
    web = new_browser(bypass_csp=True)
    web.goto("/web/rooms/new")
    assert web.axe_violations() == []
    web.page.fill("#new-title", "Refused room")
    web.page.fill("#new-mediator", "Mediator")
    web.page.fill("#admin-token", "not-the-administrator")
    web.submit("#new-room-form button[type=submit]")
    assert "not the administrator's token" in web.page.inner_text("#new-room-error")
    assert web.page.input_value("#new-title") == "Refused room"  # the form keeps its values
    web.page.fill("#admin-token", ADMIN_TOKEN)
    web.page.select_option("#new-scenario", "ukraine-2025")
    web.submit("#new-room-form button[type=submit]")
    assert web.page.inner_text("#mediator-token").strip()
    assert web.axe_violations() == []
    web.submit("#login-as-mediator")
    expect(web.page.locator("#desk-h")).to_be_visible()
    assert "Ukraine" in web.page.inner_text(".room-head")


@pytest.mark.parametrize("path", ["/web/rooms", "/web/rooms/new"])
def test_login_and_new_room_pages_fit_a_phone(new_browser: Callable[..., Browser],
                                              path: str) -> None:
    web = new_browser()
    web.page.set_viewport_size(PHONE)
    web.goto(path)
    overflow = web.page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{path} is {overflow}px wider than a phone"
