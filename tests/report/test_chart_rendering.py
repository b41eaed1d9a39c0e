"""Chart rendering: background threads, each spec rendered once, same text as before."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from accord.report import charts as ch


def _chart(key: str, values: list[int]) -> ch.Chart:
    spec: dict[str, Any] = {
        "$schema": ch.SCHEMA, "data": {"values": [{"x": v} for v in values]},
        "mark": "bar", "encoding": {"x": {"field": "x", "type": "quantitative"}},
    }
    return ch.Chart(key, key, spec, "summary", ("x",), tuple((str(v),) for v in values))


def test_a_spec_is_rendered_once_and_prerendered_in_the_background(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    threads: set[str] = set()
    real = ch._render

    def counting(spec_json: str) -> str:
        calls.append(spec_json)
        threads.add(threading.current_thread().name)
        return real(spec_json)

    monkeypatch.setattr(ch, "_render", counting)
    a, b = _chart("a", [1, 2, 3]), _chart("b", [4, 5, 6, 7])
    ch.prerender([a, b])
    first = ch.to_svg(a)
    assert ch.to_svg(a) == first and ch.to_svg(b)
    assert len(calls) == 2  # once per spec, however often it is asked for
    assert all(name.startswith("accord-svg") for name in threads)
    # the prefix still applies per call: the same drawing under two names
    assert ch.to_svg(a, prefix="other") == first.replace('"a-', '"other-').replace(
        "#a-", "#other-")


def test_changing_a_spec_after_prerendering_does_not_change_its_drawing() -> None:
    c = _chart("late", [1, 2])
    ch.prerender([c])
    before = ch.to_svg(c)
    c.spec["data"]["values"].append({"x": 99})
    after = ch.to_svg(c)
    assert after != before  # a changed spec is a new rendering, not the cached one


def test_a_failed_rendering_is_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    real = ch._render
    fail = [True]

    def flaky(spec_json: str) -> str:
        if fail[0]:
            fail[0] = False
            raise ValueError("engine hiccup")
        return real(spec_json)

    monkeypatch.setattr(ch, "_render", flaky)
    c = _chart("flaky", [3, 1, 4, 1, 5])
    with pytest.raises(ValueError, match="hiccup"):
        ch.to_svg(c)
    assert "<svg" in ch.to_svg(c)
