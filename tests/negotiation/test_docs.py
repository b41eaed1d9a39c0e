"""The how-to pages' examples run as written (in order, one namespace per page)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from accord.negotiation.strategies import registry

DOCS = Path(__file__).parents[2] / "docs" / "how-to"


@pytest.mark.parametrize("page", ["write-a-strategy.md", "write-a-protocol.md"])
def test_examples_run(page: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    monkeypatch.chdir(Path(__file__).parents[2])
    text = (DOCS / page).read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks
    namespace: dict[str, object] = {"__name__": "docs"}
    for block in blocks:
        if "StrategyContract" in block:
            continue  # a test class for pytest to collect, not a script
        exec(compile(block, page, "exec"), namespace)
