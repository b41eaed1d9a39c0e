"""The workbench's scenario browser lists every bundled scenario and opens the new real ones."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from accord.app.catalog import bundled_names
from tests.web.clients import workbench_client


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    yield from workbench_client()


def test_the_index_links_every_bundled_scenario(client: TestClient) -> None:
    page = client.get("/web/")
    assert page.status_code == 200
    for name in bundled_names():
        assert f"/web/scenarios/{name}" in page.text, name
    assert {"gaza-2025", "minsk-2015"} <= set(bundled_names())


@pytest.mark.parametrize("name", ["gaza-2025", "minsk-2015"])
@pytest.mark.parametrize("page", ["", "/plan", "/compare"])
def test_the_new_scenarios_pages_open(client: TestClient, name: str, page: str) -> None:
    r = client.get(f"/web/scenarios/{name}{page}")
    assert r.status_code == 200, r.text[:500]
    assert "Traceback" not in r.text
