"""Charts in Chromium: legends, tooltips, click-through to the plan editor, offline export."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from tests.browser.conftest import Browser
from tests.browser.pages import HARBOUR, UA

FRONTIER = "#chart-frontier"


def test_frontier_chart_has_a_legend_and_tooltips(web: Browser) -> None:
    page = web.goto(f"/web/scenarios/{HARBOUR}/analysis?x=FC&y=TC")
    legend = " ".join(page.locator(f"{FRONTIER} .role-legend").all_text_contents())
    for words in ("Pareto-optimal package", "Nash", "Kalai"):
        assert words in legend, words
    page.locator(f"{FRONTIER} .layer_0_marks path").first.hover(force=True)
    tip = page.locator("#vg-tooltip-element")
    tip.wait_for(state="visible")
    assert "utility of FC" in tip.inner_text() and "plan editor" in tip.inner_text()
    web.assert_local()
    web.assert_no_errors()


def test_inadmissible_drafts_are_drawn_and_explained(web: Browser) -> None:
    # ukraine-2025 (second edition) has no admissible package: no frontier layer at all,
    # and every draft crosses a red line, so each is drawn as such and the caption says why
    page = web.goto(f"/web/scenarios/{UA}/analysis")
    legend = " ".join(page.locator(f"{FRONTIER} .role-legend").all_text_contents())
    for words in ("US–Russia 28-point draft", "draft crossing a red line or linkage"):
        assert words in legend, words
    assert "Pareto-optimal package" not in legend
    caption = page.locator(f"{FRONTIER} figcaption").inner_text()
    assert "No admissible package exists" in caption
    assert "is not admissible (crosses" in caption
    page.locator(f"{FRONTIER} .layer_0_marks path").first.hover(force=True)
    tip = page.locator("#vg-tooltip-element")
    tip.wait_for(state="visible")
    assert "utility of UA" in tip.inner_text() and "not admissible" in tip.inner_text()
    web.assert_local()
    web.assert_no_errors()


def test_clicking_a_frontier_point_opens_it_in_the_plan_editor(web: Browser) -> None:
    page = web.goto(f"/web/scenarios/{HARBOUR}/analysis?x=FC&y=TC")
    dot = page.locator(f"{FRONTIER} .layer_0_marks path").first
    with page.expect_navigation(wait_until="load"):
        dot.click(force=True)
    web.wait_for_charts()
    url = urlparse(page.url)
    assert url.path == f"/web/scenarios/{HARBOUR}/plan"
    package = parse_qs(url.query)["package"][0].split(".")
    selects = page.locator("#plan-form select[data-draft]")
    assert selects.count() == len(package)
    for k, index in enumerate(package):
        assert selects.nth(k).evaluate("s => s.selectedIndex") == int(index)
    assert page.locator("h1").inner_text() == "Plan editor"
    web.assert_no_errors()


def test_export_buttons_download_files_offline(web: Browser, tmp_path: Path) -> None:
    page = web.goto(f"/web/scenarios/{HARBOUR}/analysis?x=FC&y=TC")
    bar = page.locator(f"{FRONTIER} .chart-export")
    got = {}
    for kind in ("svg", "png", "csv"):
        with page.expect_download() as info:
            bar.locator(f"button[data-export={kind}]").click()
        download = info.value
        target = tmp_path / download.suggested_filename
        download.save_as(target)
        got[kind] = target.read_bytes()
        assert target.name == f"chart-frontier.{kind}"
    assert got["svg"].lstrip().startswith(b"<svg") and b"Pareto frontier" in got["svg"]
    assert got["png"][:8] == b"\x89PNG\r\n\x1a\n"
    rows = list(csv.DictReader(io.StringIO(got["csv"].decode("utf-8"))))
    assert {"x", "y", "package", "kind"} <= set(rows[0])
    assert any(r["kind"] == "Pareto-optimal package" for r in rows)
    assert any(r["kind"] == "draft" or r["kind"].startswith("draft crossing") for r in rows)
    web.assert_local()
    web.assert_no_errors()


def test_every_chart_on_the_compare_page_has_export_buttons(web: Browser) -> None:
    page = web.goto(f"/web/scenarios/{UA}/compare")
    charts = page.locator("figure.chart")
    assert charts.count() >= 2
    for k in range(charts.count()):
        assert charts.nth(k).locator(".chart-export button").count() == 3
    # the utility chart's legend names the reservation line and each status
    legend = " ".join(page.locator("#chart-utility .role-legend").all_text_contents())
    assert "reservation (walk-away utility)" in legend and "refuses: red line" in legend
