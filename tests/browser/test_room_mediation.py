"""A whole mediation run through the browser only (issue 12, items 1 and 5).

In Chromium only: the administrator opens a room on the administrator's page; the
mediator logs in with the token it shows and invites four parties; each delegate redeems
its invitation in a browser context of its own and saves its preferences with a slider;
the mediator puts a package to the vote; the parties vote (one is asked to confirm, the
package being below its reservation); the proposal is ratified; every open page shows
each change without a reload; and the audit chain verifies, on the mediator's page and
with ``accord audit verify``.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import expect
from typer.testing import CliRunner

from accord.cli import app as cli_app
from tests.browser.conftest import ADMIN_TOKEN, PATIENCE, Browser, Server
from tests.browser.roomsetup import call

PACKAGE = {"berths": "four-berths", "dredging": "channel-12m", "fishing": "seasonal-closure",
           "fees": "discount-10", "jobs": "quota-25"}
#: Each party moves its reservation slider to this (points of the harbour's score sheets).
#: The package above then scores HA 66, SL 44, FC 50, TC 72: below SL's 52 only.
RESERVATIONS = {"HA": 40, "SL": 52, "FC": 30, "TC": 48}


def _login(web: Browser, token: str) -> None:
    web.goto("/web/rooms")
    web.page.fill("#token", token)
    web.submit("form.login button[type=submit]")


def _mark(web: Browser) -> None:
    """Mark the loaded page: the mark survives live updates and is lost on a reload."""
    web.page.evaluate("window.__stayed = true")


def _stayed(web: Browser) -> bool:
    return bool(web.page.evaluate("window.__stayed === true"))


@pytest.mark.long
def test_a_whole_mediation_in_the_browser(new_browser: Callable[..., Browser],
                                          server: Server) -> None:
    if not server.has_service:
        pytest.fail("the mediation service is missing", pytrace=False)
    # The administrator opens the room.
    admin = new_browser()
    admin.goto("/web/rooms/new")
    admin.page.fill("#new-title", "Saltmere harbour talks")
    admin.page.select_option("#new-scenario", "harbour-teaching")
    admin.page.fill("#new-mediator", "Mediator")
    admin.page.fill("#admin-token", ADMIN_TOKEN)
    admin.submit("#new-room-form button[type=submit]")
    mediator_token = admin.page.inner_text("#mediator-token").strip()
    admin.assert_no_errors()

    # The mediator logs in (a browser of its own) and invites the four parties.
    med = new_browser()
    _login(med, mediator_token)
    room_id = med.page.url.rsplit("/", 1)[1]
    expect(med.page.locator("#desk-h")).to_have_text("Mediator's desk")
    codes = {}
    for pid in RESERVATIONS:
        med.page.select_option("#invite-role", "party")
        med.page.select_option("#invite-party", pid)
        med.page.fill("#invite-name", f"Delegate of {pid}")
        med.submit("#invite-form button[type=submit]")
        codes[pid] = med.page.inner_text("#invitation-code").strip()
        assert codes[pid] in med.page.inner_text("#invitation-link")
    assert len(set(codes.values())) == 4
    _mark(med)

    # Each delegate redeems its invitation in its own browser and sets its reservation.
    asked: dict[str, list[str]] = {}
    parties: dict[str, Browser] = {}
    for pid, reservation in RESERVATIONS.items():
        web = new_browser()
        asked[pid] = []
        web.page.on("dialog", lambda d, pid=pid: (asked[pid].append(d.message), d.accept()))
        web.goto("/web/rooms")
        web.page.fill("#invitation", codes[pid])
        web.submit("form.redeem button[type=submit]")
        assert web.page.inner_text("#personal-token").strip()
        web.submit("#enter-room")
        assert f"({pid})" in web.page.inner_text("#my-party")
        web.page.locator("#pref-reservation").fill(str(reservation))
        web.submit("#pref-form button[type=submit]")
        expect(web.page.locator("#notice")).to_contain_text("preferences were saved")
        assert web.page.inner_text("#my-reservation").startswith(str(reservation))
        _mark(web)
        parties[pid] = web
    # The mediator's page saw the four delegates join, without a reload.
    expect(med.page.locator("#members-table")).to_contain_text("Delegate of TC",
                                                                 timeout=PATIENCE)
    assert _stayed(med)

    # The mediator puts the package to the vote, point by point.
    med.page.fill("#propose-title", "Four berths, seasonal closure")
    for point, option in PACKAGE.items():
        med.page.select_option(f"#choice-{point}", option)
    med.submit("#propose-form button[type=submit]")
    pid_anchor = med.page.url.rsplit("#", 1)[1]
    assert pid_anchor.startswith("proposal-")
    _mark(med)
    for web in parties.values():  # it appears on every party's page, live
        expect(web.page.locator(f"#{pid_anchor}")).to_have_attribute("data-status", "open",
                                                                     timeout=PATIENCE)
        assert _stayed(web)

    # The parties vote; each stays at the proposal; the others see each vote live.
    for pid, vote in [("HA", "accept"), ("FC", "reject"), ("SL", "accept"), ("TC", "accept")]:
        web = parties[pid]
        expect(web.page.locator(f"#{pid_anchor}")).to_have_attribute("data-status", "open")
        web.submit(web.page.locator(f"#{pid_anchor} button[value={vote}]"))
        assert web.page.url.endswith(f"#{pid_anchor}")
        expect(web.page.locator("#notice")).to_contain_text(f"Your vote to {vote} was recorded")
        _mark(web)
        for other in [*parties.values(), med]:
            expect(other.page.locator(f"#{pid_anchor} table.votes")).to_contain_text(
                pid, timeout=PATIENCE)
    assert asked == {"HA": [], "FC": [], "SL": [asked["SL"][0]], "TC": []}
    assert "below your reservation" in asked["SL"][0]

    # Ratified: every page shows it; the ones that did not vote last without a reload.
    for web in [*parties.values(), med]:
        expect(web.page.locator(f"#{pid_anchor}")).to_have_attribute(
            "data-status", "ratified", timeout=PATIENCE)
        assert _stayed(web)
    proposal = call(server.base, mediator_token, "GET",
                    f"/rooms/{room_id}/proposals/{pid_anchor.removeprefix('proposal-')}")
    assert proposal["status"] == "ratified" and proposal["choices"] == PACKAGE

    # The audit chain verifies: on the mediator's page, and with the CLI.
    med.submit("#verify-form button[type=submit]")
    expect(med.page.locator("#notice")).to_contain_text("The audit chain verifies")
    med.screenshot("room-mediation-verified")
    db = server.app.state.accord.settings.database_url
    result = CliRunner().invoke(cli_app, ["audit", "verify", room_id, "--db", db])
    assert result.exit_code == 0, result.output
    for web in [*parties.values(), med]:
        web.assert_local()
        web.assert_no_errors()
