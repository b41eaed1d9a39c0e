"""Fuzzing the loader: any mangled file is a FileFormatError (exit 2), never a traceback."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.formats.scenario_file import loads_scenario
from accord.model import FileFormatError

TEXT = (Path(__file__).parent.parent / "fixtures" / "tiny.yaml").read_text()
DATA = yaml.safe_load(TEXT)

SETTINGS = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

junk = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
    st.text(max_size=12), st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def _paths(node: object, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for k, v in enumerate(node):
            out += _paths(v, (*prefix, k))
    return out


PATHS = [p for p in _paths(DATA) if p]


def _replace(node: object, path: tuple, value: object) -> object:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(node, dict):
        return {k: (_replace(v, rest, value) if k == head else v) for k, v in node.items()}
    assert isinstance(node, list)
    return [_replace(v, rest, value) if k == head else v for k, v in enumerate(node)]


def _load(text: str) -> None:
    try:
        loads_scenario(text, "fuzz.yaml")
    except FileFormatError as exc:
        assert str(exc).startswith("fuzz.yaml")


@SETTINGS
@given(st.sampled_from(PATHS), junk)
def test_any_field_replaced_by_junk(path: tuple, value: object) -> None:
    _load(yaml.safe_dump(_replace(DATA, path, value)))


@SETTINGS
@given(st.integers(0, len(TEXT)), st.integers(0, 40), st.text(max_size=8))
def test_any_text_splice(start: int, length: int, insert: str) -> None:
    _load(TEXT[:start] + insert + TEXT[start + length:])
