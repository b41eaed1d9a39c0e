"""Line numbers of every path of a scenario file, against a plain rescan of the whole map."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from accord.app.catalog import bundled_names, bundled_text
from accord.formats.scenario_file import _LineMap, _scalar_id

FIXTURES = sorted((Path(__file__).parent.parent / "fixtures").glob("*.yaml"))


def reference_lines(root: yaml.Node) -> dict[tuple[object, ...], int]:
    """Every path's line; list items with an ``id`` also reachable by it (whole-map rescans)."""
    lines: dict[tuple[object, ...], int] = {}

    def walk(node: yaml.Node, path: tuple[object, ...]) -> None:
        if path in lines:
            return
        lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    walk(value, (*path, key.value))
                    lines[(*path, key.value)] = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for k, item in enumerate(node.value):
                walk(item, (*path, k))
                ident = _scalar_id(item)
                if ident is not None:
                    lines.setdefault((*path, ident), item.start_mark.line + 1)
                    src, dst = (*path, k), (*path, ident)
                    for key, line in list(lines.items()):
                        if key[:len(src)] == src:
                            lines.setdefault(dst + key[len(src):], line)

    walk(root, ())
    return lines


@pytest.mark.parametrize("text", [bundled_text(n) for n in bundled_names()]
                         + [f.read_text(encoding="utf-8") for f in FIXTURES])
def test_line_map_equals_the_rescanning_reference(text: str) -> None:
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    got = _LineMap(root).lines
    want = reference_lines(root)
    assert got == want
    assert list(got) == list(want)  # same order too


def test_nested_lists_with_ids_and_a_repeated_id() -> None:
    text = ("a:\n  - id: x\n    b:\n      - id: y\n        c: 1\n      - id: y\n        c: 2\n"
            "  - id: z\n    b: []\n")
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    lines = _LineMap(root).lines
    assert lines == reference_lines(root)
    assert lines[("a", "x", "b", "y", "c")] == 5  # the first y wins
    assert lines[("a", 0, "b", 1, "c")] == 7
