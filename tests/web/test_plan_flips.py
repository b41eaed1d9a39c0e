"""The plan editor's "What flips this draft" section, over HTTP."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html import unescape

import pytest
from fastapi.testclient import TestClient

from accord.app import api
from accord.report.tornado import flips_rows
from accord.web.views import plan_from_query
from tests.web.clients import workbench_client

UA = "ukraine-2025"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    yield from workbench_client([UA])


def _flips_table(html: str) -> list[list[str]]:
    body = html[html.index('id="flips-table"'):]
    body = body[:body.index("</table>")]
    return [[unescape(re.sub(r"<[^>]+>", "", c)).strip()
             for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", body)][1:]


def test_the_editor_page_shows_flips_and_the_tornado(client: TestClient) -> None:
    r = client.get(f"/web/scenarios/{UA}/plan", params={"base": "geneva-19-point"})
    assert r.status_code == 200
    assert "What flips this draft" in r.text
    s = api.load(UA)
    plan = plan_from_query(s, {}, s.plan("geneva-19-point"))
    expected = [list(row) for row in flips_rows(api.sensitivity(s, plan))]
    assert _flips_table(r.text) == expected
    assert any(row[3] == "preferences.UA.reservation" for row in expected)
    spec = re.search(r'<script type="application/json" id="spec-tornado">(.*?)</script>',
                     r.text, re.S)
    assert spec is not None
    assert json.loads(spec.group(1))["$schema"].endswith("vega-lite/v5.json")


def test_the_live_evaluation_follows_an_edit(client: TestClient) -> None:
    s = api.load(UA)
    issue = s.issues[0]
    base = s.plan("geneva-19-point")
    other = next(o.id for o in issue.options if o.id != s.complete(base)[issue.id])
    params = {"base": base.id, f"c.{issue.id}": other}
    r = client.get(f"/web/scenarios/{UA}/plan/evaluate", params=params)
    assert r.status_code == 200
    html = r.json()["html"]
    plan = plan_from_query(s, {f"c.{issue.id}": other}, base)
    assert _flips_table(html) == [list(row) for row in flips_rows(api.sensitivity(s, plan))]
