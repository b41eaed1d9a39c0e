"""The compare page draws the drafts' lineage and compares each draft with its parent."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.web.clients import workbench_client


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    yield from workbench_client(["harbour-teaching", "ukraine-2025"])


def _lineage(html: str) -> list[tuple[float, str]]:
    block = re.search(r'<ul id="lineage" class="lineage">(.*?)</ul>', html, re.S)
    assert block is not None
    return [(float(m), name) for m, name in re.findall(
        r'<li style="margin-left: ([0-9.]+)rem">(?:↳ )?<strong>(.*?)</strong>', block.group(1))]


def test_default_compare_is_the_lineage_tree(client: TestClient) -> None:
    page = client.get("/web/scenarios/ukraine-2025/compare")
    assert page.status_code == 200
    assert _lineage(page.text) == [
        (0.0, "US–Russia 28-point draft"), (1.5, "E3 counter-proposal"),
        (1.5, "Geneva revision (19 points)"), (3.0, "US–Ukraine 20-point framework")]
    steps = re.findall(r'<tr><th scope="row">(.*?) → (.*?)</th>', page.text)
    assert steps == [("US–Russia 28-point draft", "E3 counter-proposal"),
                     ("US–Russia 28-point draft", "Geneva revision (19 points)"),
                     ("Geneva revision (19 points)", "US–Ukraine 20-point framework")]


def test_a_draft_is_compared_with_the_text_it_revised_when_shown(client: TestClient) -> None:
    page = client.get("/web/scenarios/ukraine-2025/compare",
                      params=[("draft", "us-28-point"), ("draft", "e3-counter"),
                              ("draft", "geneva-19-point")])
    rows = re.findall(r"<tr class=\"[a-z]+\">\s*<th scope=\"row\">(.*?)</th>(.*?)</tr>",
                      page.text, re.S)
    amnesty = next(cells for label, cells in rows if "Amnesty" in label)
    marks = ["changed-mark" in c for c in amnesty.split("<td")[1:]]
    # E3 and Geneva both drop the amnesty: each is changed against the 28-point text,
    # although Geneva's left neighbour (E3) has the same option
    assert marks == [False, True, True]


def test_without_a_lineage_the_drafts_follow_the_file(client: TestClient) -> None:
    page = client.get("/web/scenarios/harbour-teaching/compare")
    assert page.status_code == 200
    assert 'id="lineage"' not in page.text


def test_plan_editor_names_a_blocking_constituent(client: TestClient) -> None:
    r = client.get("/web/scenarios/ukraine-2025/plan/evaluate", params={"base": "us-28-point"})
    assert r.status_code == 200, r.text
    assert "Ukraine (Ukrainian voters in a referendum)" in r.json()["html"]
