"""The plan editor: pick options and see the evaluation follow, by mouse or keyboard."""

from __future__ import annotations

from tests.browser.conftest import Browser
from tests.browser.pages import HARBOUR, UA


def _utilities(page) -> dict[str, str]:  # type: ignore[no-untyped-def]
    rows = page.locator("#party-table tbody tr")
    return {rows.nth(k).get_attribute("data-party"): rows.nth(k).locator("td.utility").inner_text()
            for k in range(rows.count())}


def test_editing_a_point_updates_the_numbers(web: Browser) -> None:
    page = web.goto(f"/web/scenarios/{UA}/plan?base=us-28-point")
    before = _utilities(page)
    assert "Not ratified" in page.inner_text("#verdict")
    # Territory: move from ceding Donbas to the E3's line; Ukraine's utility must rise.
    select = page.locator("#c-territory")
    options = select.locator("option").all_inner_texts()
    assert len(options) >= 2
    current = select.input_value()
    other = next(v for v in select.locator("option").evaluate_all("os => os.map(o => o.value)")
                 if v != current)
    select.select_option(other)
    page.wait_for_function(
        "before => document.querySelector('#party-table tr[data-party=UA] td.utility')"
        ".textContent.trim() !== before", arg=before["UA"])
    web.wait_for_charts()
    after = _utilities(page)
    assert after != before
    assert "1 point(s) changed" in page.inner_text("#results")
    assert page.locator("#c-territory").evaluate("s => s.closest('.field').classList"
                                                 ".contains('changed')")
    assert f"c.territory={other}" in page.url  # the URL keeps the plan (shareable)
    web.screenshot("plan-ukraine-edited")
    web.assert_local()
    web.assert_no_errors()


def test_plan_editor_is_keyboard_usable(web: Browser) -> None:
    page = web.goto(f"/web/scenarios/{HARBOUR}/plan?base=authority-proposal")
    before = _utilities(page)
    page.focus("#c-berths")
    last = page.locator("#c-berths").evaluate("s => s.selectedIndex === s.options.length - 1")
    # A focused, closed <select> changes its option with the arrow keys.
    page.keyboard.press("ArrowUp" if last else "ArrowDown")
    page.wait_for_function(
        "before => document.querySelector('#party-table tr[data-party=FC] td.utility')"
        ".textContent.trim() !== before", arg=before["FC"])
    assert _utilities(page) != before
    assert page.locator("#live-summary").inner_text().startswith(("Ratified", "Not ratified"))


def test_form_works_without_javascript_too(web: Browser) -> None:
    # The same URL the form submits renders the evaluation on the server.
    page = web.goto(f"/web/scenarios/{HARBOUR}/plan?base=authority-proposal"
                    "&c.dredging=channel-12m&c.fishing=seasonal-closure")
    assert "2 point(s) changed" in page.inner_text("#results")


def test_loading_a_draft_discards_edits(web: Browser) -> None:
    page = web.goto(f"/web/scenarios/{HARBOUR}/plan?base=authority-proposal&c.berths=two-berths")
    page.select_option("#base", "fishers-proposal")
    web.submit("button[data-reset]")
    assert "Unchanged from" in page.inner_text("#results")
    assert "base=fishers-proposal" in page.url


def test_what_flips_this_draft_is_drawn(web: Browser) -> None:
    page = web.goto(f"/web/scenarios/{UA}/plan?base=geneva-19-point")
    web.wait_for_charts()
    assert "preferences.UA.reservation" in page.inner_text("#flips-table")
    assert page.locator("#chart-tornado svg").count() == 1
    web.assert_no_errors()
