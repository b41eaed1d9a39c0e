"""The zero-width channel: invisible frames of keyed bits placed between words.

A frame is the sync character U+2060 (WORD JOINER) followed by 14 symbols, each one of four
zero-width characters carrying 2 bits: 8 bits of point index, 4 bits of frame number within
the point, and 16 bits of the recipient's keyed stream for that point. Frames sit at the
start of words (right after a space), so they never split a word.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

SYNC = "\u2060"
#: Symbol alphabet: 00, 01, 10, 11.
SYMBOLS = ("\u200b", "\u200c", "\u200d", "\u2063")
_VALUE = {c: i for i, c in enumerate(SYMBOLS)}
POINT_BITS, FRAME_BITS, DATA_BITS = 8, 4, 16
FRAME_SYMBOLS = (POINT_BITS + FRAME_BITS + DATA_BITS) // 2
#: Frames per point at most, and words per frame aimed at.
MAX_FRAMES = 1 << FRAME_BITS
WORDS_PER_FRAME = 8
_FRAME_RE = re.compile(
    f"{SYNC}([{''.join(SYMBOLS)}]{{{FRAME_SYMBOLS}}})(?![{''.join(SYMBOLS)}])")
_WORD_START = re.compile(r"(?<=\s)(?=\S)")


def frame_count(text: str) -> int:
    """How many frames a point of this text gets (1 to 16: one per ~8 words)."""
    words = len(text.split())
    return max(1, min(MAX_FRAMES, -(-words // WORDS_PER_FRAME)))


def encode_frame(point_index: int, frame: int, data: int) -> str:
    """The invisible characters of one frame."""
    value = (point_index << (FRAME_BITS + DATA_BITS)) | (frame << DATA_BITS) | data
    symbols = [SYMBOLS[(value >> (2 * k)) & 3] for k in range(FRAME_SYMBOLS - 1, -1, -1)]
    return SYNC + "".join(symbols)


def embed(text: str, point_index: int, stream: int, frames: int | None = None) -> str:
    """``text`` with this point's frames inserted; frame ``f`` carries stream bits 16f..16f+15.

    Args:
        text: one point's (already varied) text.
        point_index: the point's position in the canonical draft (0-based, < 256).
        stream: the recipient's zero-width stream for this point (>= 256 bits).
        frames: how many frames (default: :func:`frame_count` of ``text``).

    Returns:
        The text with frames at evenly spaced word starts (the first at offset 0 when the
        point is a single word).
    """
    starts = [m.start() for m in _WORD_START.finditer(text)]
    n = frame_count(text) if frames is None else max(1, min(MAX_FRAMES, frames))
    if not starts:
        positions = [0] * n
    else:
        positions = [starts[min(len(starts) - 1, (f * len(starts)) // n)] for f in range(n)]
    pieces: list[str] = []
    prev = 0
    for f, pos in enumerate(positions):
        pieces.append(text[prev:pos])
        data = (stream >> (DATA_BITS * f)) & ((1 << DATA_BITS) - 1)
        pieces.append(encode_frame(point_index, f, data))
        prev = pos
    pieces.append(text[prev:])
    return "".join(pieces)


@dataclass(frozen=True)
class Frame:
    """A frame read back from a text."""

    point_index: int
    frame: int
    data: int

    @property
    def first_bit(self) -> int:
        """Position of the frame's first data bit in the point's stream."""
        return self.frame * DATA_BITS


def read_frames(text: str) -> Iterator[Frame]:
    """Every complete frame in ``text``, in order."""
    for m in _FRAME_RE.finditer(text):
        value = 0
        for c in m.group(1):
            value = (value << 2) | _VALUE[c]
        data = value & ((1 << DATA_BITS) - 1)
        frame = (value >> DATA_BITS) & ((1 << FRAME_BITS) - 1)
        yield Frame(value >> (FRAME_BITS + DATA_BITS), frame, data)
