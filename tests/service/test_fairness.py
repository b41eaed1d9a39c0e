"""Finding 5: per-member rate limits (429), per-room quotas (413), rendering off the lock.

Storage-related checks run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from accord.service.app import create_app
from accord.service.errors import TooManyRequestsError
from accord.service.fingerprint import RenderCache, render
from accord.service.ratelimit import RateLimiter
from tests.service.conftest import Api, create_room, join, make_settings


def test_a_member_past_its_write_limit_gets_429_and_others_do_not(db_url: str) -> None:
    app = create_app(make_settings(db_url, writes_per_minute=3, requests_per_minute=40))
    with TestClient(app) as c:
        api = Api(c)
        room, med, _ = create_room(api)
        a, _ = join(api, room, med, "party", "A", "A")
        b, _ = join(api, room, med, "party", "B", "B")
        for k in range(3):
            api.ok("POST", f"/rooms/{room}/channels", a, json={"name": f"c{k}"})
        r = api.post(f"/rooms/{room}/channels", a, json={"name": "one too many"})
        assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
        assert "a minute per member" in r.json()["detail"]
        names = {ch["name"] for ch in api.ok("GET", f"/rooms/{room}/channels", a)}
        assert "one too many" not in names  # nothing written
        api.ok("POST", f"/rooms/{room}/channels", b, json={"name": "b's"})  # B unaffected
        # reads have their own, larger allowance
        codes = [api.get(f"/rooms/{room}", b).status_code for _ in range(45)]
        assert 429 in codes and codes.index(429) > 30


def test_bucket_refills_with_time() -> None:
    t = [0.0]
    limiter = RateLimiter(2, "writes", clock=lambda: t[0])
    limiter.take("m")
    limiter.take("m")
    with pytest.raises(TooManyRequestsError) as err:
        limiter.take("m")
    assert err.value.retry_after == 30
    t[0] = 30.0
    limiter.take("m")
    RateLimiter(0, "writes").take("m")  # 0: no limit


def test_a_room_past_its_quota_gets_413_and_stores_nothing(db_url: str) -> None:
    app = create_app(make_settings(db_url, room_quota_bytes=3000))
    with TestClient(app) as c:
        api = Api(c)
        room, med, _ = create_room(api)
        plenary = api.ok("GET", f"/rooms/{room}", med)["plenary_channel_id"]
        text = {"land": "The parties shall keep the line. " * 30}  # ~1 kB
        d = api.ok("POST", f"/rooms/{room}/channels/{plenary}/drafts", med,
                   json={"title": "t", "texts": text})
        api.ok("PUT", f"/rooms/{room}/drafts/{d['id']}", med,
               json={"expected_version": 1, "texts": text})
        r = api.put(f"/rooms/{room}/drafts/{d['id']}", med,
                    json={"expected_version": 2, "texts": text})
        assert r.status_code == 413 and "quota" in r.json()["detail"]
        r = api.post(f"/rooms/{room}/channels/{plenary}/drafts", med,
                     json={"title": "t2", "texts": text})
        assert r.status_code == 413
        assert [x["latest_version"] for x in api.ok("GET", f"/rooms/{room}/drafts", med)] \
            == [2]
        other, med2, _ = create_room(api, "Other")  # another room has its own quota
        p2 = api.ok("GET", f"/rooms/{other}", med2)["plenary_channel_id"]
        api.ok("POST", f"/rooms/{other}/channels/{p2}/drafts", med2,
               json={"title": "t", "texts": text})
        assert api.ok("GET", f"/rooms/{room}/audit/verify", med)["valid"]


def test_long_texts_are_rendered_in_a_worker_process_identically() -> None:
    points = {"land": "The parties shall recognise the line of contact and will withdraw. "
                      * 20, "money": "A fund shall be established within 6 months. " * 20}
    cache = RenderCache(offload_chars=100)
    try:
        assert cache.render("rm_1", points, "ab" * 32, "dr_1", 1, "mb_1") == \
            render(points, "ab" * 32, "dr_1", 1, "mb_1")
        assert cache._pool is not None  # it went to the worker
    finally:
        cache.close()
