"""Each page loads in a real browser, draws its charts, and asks nothing of the network."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from tests.browser.conftest import VIEWPORT, Browser
from tests.browser.pages import HARBOUR, PAGES, UA


def png_size(path: Path) -> tuple[int, int]:
    """Width and height of a PNG file (from its IHDR chunk)."""
    width, height = struct.unpack(">II", path.read_bytes()[16:24])
    return width, height


@pytest.mark.parametrize(("name", "path", "heading"), PAGES, ids=[p[0] for p in PAGES])
def test_page_loads_offline(web: Browser, name: str, path: str, heading: str) -> None:
    page = web.goto(path)
    assert heading in page.inner_text("h1")
    # the viewport, not a page-long image (tens of thousands of pixels, seconds to encode)
    assert png_size(web.screenshot(name)) == (VIEWPORT["width"], VIEWPORT["height"])
    web.assert_local()
    web.assert_no_errors()
    assert any(u.startswith(web.base + "/web/static/") for u in web.requests)


def test_every_chart_has_a_text_alternative(web: Browser) -> None:
    for path in (f"/web/scenarios/{UA}/compare", f"/web/scenarios/{UA}/analysis"):
        page = web.goto(path)
        charts = page.locator("figure.chart")
        assert charts.count() >= 2
        for k in range(charts.count()):
            fig = charts.nth(k)
            assert fig.locator("svg").count() >= 1, "the chart was not drawn"
            assert len(fig.locator("figcaption").inner_text()) > 40
            assert fig.locator("figcaption table tbody tr").count() >= 1
            # Vega labels the drawing with the spec's description: the chart's summary.
            label = fig.locator("[data-vega-spec]").get_attribute("aria-label") or ""
            assert len(label) > 40 and label in fig.locator("figcaption").inner_text()


def test_pages_send_a_content_security_policy(web: Browser) -> None:
    response = web.page.goto(web.base + f"/web/scenarios/{UA}")
    assert response is not None
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "connect-src 'self'" in csp


def test_scenario_page_shows_assumptions_with_sources(web: Browser) -> None:
    page = web.goto(f"/web/scenarios/{UA}")
    rows = page.locator("#assumptions tbody tr")
    assert rows.count() > 20
    assert page.locator("#assumptions a[href^='#source-']").count() > 0
    assert page.locator("#parties dt").count() == 4
    assert page.locator("#points article.point").count() == 27


def test_unknown_scenario_is_a_404_page(web: Browser) -> None:
    response = web.page.goto(web.base + "/web/scenarios/no-such-scenario")
    assert response is not None and response.status == 404
    assert "no-such-scenario" in web.page.inner_text("main")


def test_simulation_runs_a_session_and_the_experiment(web: Browser) -> None:
    page = web.goto(f"/web/scenarios/{HARBOUR}/simulate")
    assert "Protocol" in page.inner_text("#session-facts")
    assert page.locator("#chart-offers svg").count() == 1
    page.select_option("#protocol", "single-text")
    page.select_option("#strategy", "conceder")
    web.submit("form.pick button[type=submit]")
    assert "single-text" in page.inner_text("#session-facts")
    page.fill("#runs", "2")
    web.submit("#experiment button[type=submit]")
    arms = page.locator("#chart-experiment figcaption tbody tr th, "
                        "#chart-experiment figcaption tbody tr td:first-child").all_inner_texts()
    assert {"exclusive", "inclusive", "single-text"} <= set(arms)
    web.screenshot("simulate-harbour-experiment")
    web.assert_local()
    web.assert_no_errors()


def test_api_docs_render_offline(web: Browser) -> None:
    """Finding 17: /docs draws every operation from packaged assets (OpenAPI 3.1)."""
    page = web.goto("/docs")
    page.wait_for_selector(".opblock")
    assert page.locator(".opblock").count() >= 20
    assert page.locator("text=Unable to render this definition").count() == 0
    web.assert_local()
    assert any(u.startswith(web.base + "/docs/assets/") for u in web.requests)
