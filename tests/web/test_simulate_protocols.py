"""The simulation page offers only the protocols that apply, and runs every one it offers."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from accord.web.simulate import protocols_for
from tests.web.clients import workbench_client


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    yield from workbench_client(["harbour-teaching", "ukraine-2025"])


def test_bilateral_protocol_is_offered_only_to_two_parties() -> None:
    assert "alternating" in protocols_for(2)
    assert "alternating" not in protocols_for(4)


@pytest.mark.parametrize("name", ["harbour-teaching", "ukraine-2025"])
def test_every_offered_protocol_runs(client: TestClient, name: str) -> None:
    page = client.get(f"/web/scenarios/{name}/simulate")
    assert page.status_code == 200
    select = re.search(r'<select id="protocol" name="protocol">(.*?)</select>', page.text, re.S)
    assert select is not None
    offered = re.findall(r'<option value="([^"]+)"', select.group(1))
    assert offered and "alternating" not in offered
    for protocol in offered:
        r = client.get(f"/web/scenarios/{name}/simulate",
                       params={"protocol": protocol, "rounds": 20})
        assert r.status_code == 200, (protocol, r.text[:300])


def test_asking_for_a_bilateral_protocol_on_four_parties_says_why(client: TestClient) -> None:
    r = client.get("/web/scenarios/ukraine-2025/simulate", params={"protocol": "alternating"})
    assert r.status_code == 400
    assert "needs exactly two parties" in r.text
