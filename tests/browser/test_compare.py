"""Draft comparison: pick two drafts, see changed points highlighted and who gained."""

from __future__ import annotations

from tests.browser.conftest import Browser
from tests.browser.pages import UA


def test_default_chain_shows_four_drafts(web: Browser) -> None:
    page = web.goto(f"/web/scenarios/{UA}/compare")
    heads = page.locator("#points-table thead th").all_inner_texts()
    assert len(heads) == 5  # "Point" + the four drafts
    assert "28-point" in heads[1] and "20-point" in heads[4]
    assert page.locator("#steps-table tbody tr").count() == 3


def test_compare_two_drafts(web: Browser) -> None:
    page = web.goto(f"/web/scenarios/{UA}/compare")
    for box in page.locator("input[name=draft]").all():
        if box.get_attribute("value") not in ("us-28-point", "e3-counter"):
            box.uncheck()
    web.submit("form.pick button[type=submit]")
    assert "draft=us-28-point" in page.url and "draft=e3-counter" in page.url
    heads = page.locator("#points-table thead th").all_inner_texts()
    assert len(heads) == 3
    changed = page.locator("#points-table td.changed")
    assert changed.count() > 0
    assert "changed" in changed.first.inner_text().lower()  # not by colour alone
    steps = page.locator("#steps-table tbody tr")
    assert steps.count() == 1
    # Ukraine gains from the E3 counter-proposal over the 28-point draft.
    ua = page.locator("#steps-table thead th").all_inner_texts().index("Δ UA")
    assert steps.first.locator("th, td").nth(ua).inner_text().startswith("+")
    web.screenshot("compare-ukraine-two")
    web.assert_local()
    web.assert_no_errors()
