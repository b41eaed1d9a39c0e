"""Fuzz every operation from the OpenAPI schema (schemathesis): no 5xx, only documented answers.

Each operation is called with generated valid data (path ids pinned to real objects so the
requests reach deep code) and with generated invalid data (which must be refused with a
4xx), as a caller whose role may use it. Bounded: a few dozen examples per operation.
Oversized and malformed bodies are checked explicitly below.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.generation import GenerationMode

from tests.service.conftest import Api, World, auth
from tests.service.test_authorization import EXPECTED

POSITIVE_EXAMPLES = 12
NEGATIVE_EXAMPLES = 6
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]

CALLER = {"public": None, "admin": "admin", "caller": "mediator", "self_member": "observer",
          "member": "mediator", "mediator": "mediator", "party": "party",
          "participant": "mediator", "mediator_or_admin": "mediator",
          "mediator_if_room_allows": "mediator"}


def _token(api: Api, world: World, method: str, path: str) -> str | None:
    if (method, path) == ("DELETE", "/me/token"):  # it revokes the caller: use a fresh token
        return api.ok("POST", "/me/tokens", world.tokens["observer"], json={})["token"]
    kind = CALLER[EXPECTED[(method, path)][0]]
    return None if kind is None else world.tokens[kind]


def _pinned(world: World, operation: Any) -> dict[str, Any]:
    names = [p.name for p in operation.path_parameters]
    values = {"room_id": world.room, **world.ids}
    return {n: values[n] for n in names if n in values}


def _runner(api: Api, world: World, strategy: Any, checks: list[Any], method: str,
            path: str, mode: GenerationMode, n: int, failures: list[str]) -> Any:
    @settings(max_examples=n, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def run(case: Any) -> None:
        headers = auth(_token(api, world, method, path))
        response = case.call(headers=headers)
        try:
            case.validate_response(response, checks=checks, headers=headers)
        except Exception as exc:
            failures.append(f"{method} {path} [{mode.value}]: {response.status_code} "
                            f"{str(exc)[:400]}")

    return run


@pytest.mark.long
def test_fuzz_every_operation(app: FastAPI, api: Api, world: World) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) == len(EXPECTED) - 3  # every route but /openapi.json and /docs*

    for operation in operations:
        method, path = operation.method.upper(), operation.path
        for mode, n in ((GenerationMode.POSITIVE, POSITIVE_EXAMPLES),
                        (GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES)):
            pinned = _pinned(world, operation) if mode is GenerationMode.POSITIVE else None
            try:
                strategy = operation.as_strategy(generation_mode=mode,
                                                 path_parameters=pinned or None)
            except Exception as exc:
                if mode is GenerationMode.NEGATIVE:
                    continue
                raise AssertionError(f"{method} {path}: {exc}") from exc
            checks = CHECKS + ([negative_data_rejection] if mode is GenerationMode.NEGATIVE
                               else [])

            run = _runner(api, world, strategy, checks, method, path, mode, n, failures)
            try:
                run()
            except Unsatisfiable:  # nothing invalid can be sent (no parameters, no body)
                assert mode is GenerationMode.NEGATIVE, (method, path)
            except Exception as exc:
                failures.append(f"{method} {path} [{mode.value}]: {exc!s:.300}")
    assert not failures, "\n".join(dict.fromkeys(failures))


@pytest.mark.parametrize("size", [1024 * 1024 + 1, 5 * 1024 * 1024])
def test_oversized_bodies_get_413_with_a_reason(api: Api, world: World, size: int) -> None:
    body = b'{"title": "' + b"x" * size + b'"}'
    for path in ("/rooms", world.path("/rooms/{room_id}/channels"), "/invitations/accept"):
        r = api.post(path, world.tokens["mediator"], content=body,
                     headers={"content-type": "application/json"})
        assert r.status_code == 413
        assert "larger than" in r.json()["detail"]


def test_streamed_oversized_body_gets_413(api: Api, world: World) -> None:
    def chunks() -> Any:
        for _ in range(40):
            yield b"x" * 65536

    r = api.post(world.path("/rooms/{room_id}/channels"), world.tokens["mediator"],
                 content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413


@pytest.mark.parametrize("body", [b"{", b"[]", b"null", b'{"name": 5}', b"\xff\xfe",
                                  b'{"name": "x", "extra": 1}', b'{"name": ""}'])
def test_malformed_bodies_get_4xx_with_a_reason(api: Api, world: World, body: bytes) -> None:
    r = api.post(world.path("/rooms/{room_id}/channels"), world.tokens["mediator"],
                 content=body, headers={"content-type": "application/json"})
    assert 400 <= r.status_code < 500, r.text
    assert r.json()["detail"]


def test_bad_scenario_upload_is_422_with_file_line_field(api: Api) -> None:
    r = api.post("/rooms", "admin-token-for-tests-" + "0" * 30, json={
        "title": "x", "mediator_name": "m",
        "scenario": {"text": "accord: 1\nid: x\ntitle: t\nparties: []\n"}})
    assert r.status_code == 422
    assert "uploaded.yaml" in r.json()["detail"]
