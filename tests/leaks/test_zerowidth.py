"""The zero-width channel: frames round-trip and never change the visible text."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from accord.leaks import strip_invisible, zerowidth


@given(point=st.integers(0, 255), frame=st.integers(0, 15), data=st.integers(0, 2**16 - 1))
def test_frame_round_trip(point: int, frame: int, data: int) -> None:
    chars = zerowidth.encode_frame(point, frame, data)
    assert len(chars) == 1 + zerowidth.FRAME_SYMBOLS
    assert strip_invisible(chars) == ""
    [got] = zerowidth.read_frames(f"a {chars}b")
    assert (got.point_index, got.frame, got.data) == (point, frame, data)


@settings(max_examples=50)
@given(words=st.lists(st.text(alphabet="abcdefgh,.;", min_size=1, max_size=8), min_size=1,
                      max_size=200),
       stream=st.integers(0, 2**256 - 1), point=st.integers(0, 255))
def test_embedding_is_invisible_and_readable(words: list[str], stream: int, point: int) -> None:
    text = " ".join(words)
    marked = zerowidth.embed(text, point, stream)
    assert strip_invisible(marked) == text
    frames = list(zerowidth.read_frames(marked))
    assert len(frames) == zerowidth.frame_count(text)
    for f in frames:
        assert f.point_index == point
        assert f.data == (stream >> f.first_bit) & 0xFFFF
    # Frames sit at word starts (after a blank, or after another frame): no word is split.
    assert re.search(r"[^\s\u200b\u200c\u200d\u2063]\u2060", marked) is None
    # Whitespace changes keep every frame.
    collapsed = re.sub(r"\s+", "\n", marked)
    assert len(list(zerowidth.read_frames(collapsed))) == len(frames)
